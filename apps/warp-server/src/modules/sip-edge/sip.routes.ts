import { AppError, type ErrorCode, type ErrorDetail, invalid, invalidField, type LaneAnswer, type LaneRefusal, type LaneRequest } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { ok } from '../../http/envelope.js';
import { requireEdgeKeyFast } from '../cdrs/edge-keys.js';
import type { CallLimits } from './call-limits.js';
import { DecisionLog } from './decision-log.js';
import { edgeDirectoryOf } from './edge-directory.js';
import { ingestEdgeReports } from './edge-report.js';
import { decideSipCall, type SipRouteQuery } from './sip-decision.js';

/*
 * /v1/internal/sip/*: what the Kamailio edge calls (edge key only). Kamailio's script writes
 * form-encoded bodies (its string tools URL-encode; they do not JSON-escape), and reads JSON back.
 */

const field = (f: Record<string, unknown>, name: string, max: number): string => {
  const v = f[name] ?? '';
  // a repeated form field arrives as an array
  if (typeof v !== 'string') throw invalidField(name, 'must be given once');
  if (v.length > max) throw invalidField(name, `at most ${max} characters`);
  return v;
};

const JSON_TYPE = 'application/json; charset=utf-8';
const ROUTE_BODY_LIMIT = 16 * 1024;
const REFUSAL_CODES: Record<LaneRefusal['status'], ErrorCode> = {
  400: 'VALIDATION_ERROR',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'VALIDATION_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** WARP's error body, as Fastify's routes answer it. */
const errorAnswer = (request: LaneRequest, status: number, code: ErrorCode, message: string, details?: ErrorDetail[]): LaneAnswer => ({
  status,
  contentType: JSON_TYPE,
  body: JSON.stringify({ code, message, details: details ?? [], requestId: request.id }),
});

/** The call as Kamailio sends it: a form with single text fields (JSON would parse, but its values need not be strings). */
function sipQueryOf(contentType: string | undefined, body: unknown): SipRouteQuery {
  const form = /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '');
  const f = (body ?? {}) as Record<string, unknown>;
  if (!form || typeof f !== 'object') throw invalid([{ field: 'body', message: 'send the call as a form' }]);
  const q: SipRouteQuery = {
    call_id: field(f, 'call_id', 255),
    source_ip: field(f, 'source_ip', 64),
    ani: field(f, 'ani', 64),
    dni: field(f, 'dni', 64),
    auth_user: field(f, 'auth_user', 128),
    authenticated: f.authenticated === '1',
  };
  const missing = (['call_id', 'source_ip', 'dni'] as const).filter((k) => !q[k]);
  if (missing.length) throw invalid(missing.map((k) => ({ field: k, message: 'is required' })));
  return q;
}

export function sipEdgeRoutes(ctx: AppContext, limits: CallLimits) {
  return async (app: FastifyInstance) => {
    // Forms are parsed by the server's form parser; text/plain by Fastify's own.
    const edgeOnly = { public: true };
    const decisions = new DecisionLog(ctx);
    decisions.onError = (err) => app.log.error({ err }, 'route decisions could not be recorded');
    edgeDirectoryOf(ctx).onError = (err) => app.log.error({ err }, 'the SIP edge directory could not be rebuilt; the previous one stays');
    const preHandler = async (req: Parameters<typeof requireEdgeKeyFast>[1]) => void (await requireEdgeKeyFast(ctx, req));

    // The per-INVITE question takes the kernel's fast lane, past Fastify's per-request pipeline,
    // which cost several times the decision itself (measured by `npm run bench -- warp-sip`).
    app.fastLane.route(
      // an absolute path: the lane answers before Fastify's /v1 prefix applies
      '/v1/internal/sip/route',
      {
        async handle(request: LaneRequest): Promise<LaneAnswer> {
          try {
            await requireEdgeKeyFast(ctx, request);
            // a call's facts fit in far less; the lane's own limit is the server's
            if (Number(request.headers['content-length'] ?? 0) > ROUTE_BODY_LIMIT) {
              return errorAnswer(request, 413, 'PAYLOAD_TOO_LARGE', `The call's form is larger than ${ROUTE_BODY_LIMIT} bytes`);
            }
            const q = sipQueryOf(request.headers['content-type'], request.body);
            // Kamailio reads the top-level fields with jansson_get: no envelope. Server-Timing says
            // how long the decision itself took (identify, engine, limits), apart from queueing and HTTP.
            const t0 = performance.now();
            const answer = await decideSipCall(ctx, limits, decisions, q);
            return {
              status: 200,
              contentType: JSON_TYPE,
              body: JSON.stringify(answer),
              headers: { 'server-timing': `decide;dur=${(performance.now() - t0).toFixed(3)}` },
            };
          } catch (err) {
            if (err instanceof AppError) return errorAnswer(request, err.status, err.code, err.message, err.details);
            throw err;
          }
        },
        refuse: (refusal, request) => errorAnswer(request, refusal.status, REFUSAL_CODES[refusal.status], `The request was refused: ${refusal.reason}`),
        fail: (err, request) => {
          app.log.error({ err, reqId: request.id }, 'SIP route decision failed');
          return errorAnswer(request, 500, 'INTERNAL_ERROR', 'The decision failed');
        },
      },
      { public: true },
    );

    app.post('/events', { config: edgeOnly, bodyLimit: 4 * 1024 * 1024, schema: { tags: ['internal'], hide: true }, preHandler }, async (req) => {
      if (typeof req.body !== 'string') throw invalid([{ field: 'body', message: 'send the reports as text/plain, one form-encoded line per call' }]);
      await decisions.flush();
      return ok(req, await ingestEdgeReports(ctx, limits, req.body));
    });

    // Channels a trunk holds now (monitoring, tests and the benchmark's "back at zero" check).
    app.get('/channels/:trunkId', { config: edgeOnly, schema: { tags: ['internal'], hide: true }, preHandler }, async (req) => {
      const { trunkId } = req.params as { trunkId: string };
      return ok(req, { trunk_id: trunkId, active: await limits.active(trunkId.slice(0, 64)) });
    });

    // Channels whose end never came are let go at their deadline.
    const sweep = setInterval(() => limits.sweep(), 30_000).unref();
    app.addHook('onClose', async () => {
      clearInterval(sweep);
      await decisions.close();
      await edgeDirectoryOf(ctx).close();
    });
  };
}
