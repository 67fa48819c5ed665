import { invalid, invalidField } from '@opbx/platform';
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

export function sipEdgeRoutes(ctx: AppContext, limits: CallLimits) {
  return async (app: FastifyInstance) => {
    // Forms are parsed by the server's form parser; text/plain by Fastify's own.
    const edgeOnly = { public: true };
    const decisions = new DecisionLog(ctx);
    decisions.onError = (err) => app.log.error({ err }, 'route decisions could not be recorded');
    edgeDirectoryOf(ctx).onError = (err) => app.log.error({ err }, 'the SIP edge directory could not be rebuilt; the previous one stays');
    const preHandler = async (req: Parameters<typeof requireEdgeKeyFast>[1]) => void (await requireEdgeKeyFast(ctx, req));

    app.post('/route', { config: edgeOnly, bodyLimit: 16 * 1024, schema: { tags: ['internal'], hide: true }, preHandler }, async (req) => {
      // JSON would parse too, but its values need not be strings: only the form Kamailio sends is taken.
      const form = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
      const f = (req.body ?? {}) as Record<string, unknown>;
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
      // Kamailio reads the top-level fields with jansson_get: no envelope here.
      return decideSipCall(ctx, limits, decisions, q);
    });

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
