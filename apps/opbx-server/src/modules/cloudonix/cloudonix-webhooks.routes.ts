import { createHash } from 'node:crypto';

import { AppError, invalidField, MACHINE_ROUTE } from '@opbx/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { AppContext } from '../../context.js';
import { epochToIso, isCancel, statusFromDisposition, statusFromSession } from '../call-records/call-state.js';
import { presentedKey } from '../voice/params.js';
import type { VoiceRuntime } from '../voice/runtime.js';
import { BAD_KEYS_PER_MINUTE, normalizeParty } from '../voice/voice.routes.js';
import type { WebhookTenant } from './cloudonix.service.js';

type Json = Record<string, unknown>;

/** An object, or a JSON object sent as text (form-encoded bodies carry nested objects that way). */
const asObject = (v: unknown): Json => {
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return {};
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
};
/** Provider text, trimmed and without control characters (PostgreSQL refuses NUL bytes). */
const text = (v: unknown): string | null => {
  const s =
    typeof v === 'string'
      ? v
          .replace(/[\u0000-\u001f\u007f]/g, '')
          .trim()
          .slice(0, 256)
      : typeof v === 'number'
        ? String(v)
        : '';
  return s ? s : null;
};
/** A non-negative whole number that fits the integer columns; anything else is unknown. */
const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 2_147_483_647 ? Math.round(n) : null;
};
const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('base64url').slice(0, 22);
const token = (v: unknown): string | null => {
  const t = text(v);
  return t && /^[\w.:@-]{1,128}$/.test(t) ? t : null;
};

/** Session `direction` (an open set: incoming, outgoing, internal, application…) when it is telling. */
function sessionDirection(raw: unknown): { direction?: 'inbound' | 'outbound' } {
  const d = String(raw ?? '').toLowerCase();
  if (d === 'incoming' || d === 'inbound') return { direction: 'inbound' };
  if (d === 'outgoing' || d === 'outbound' || d === 'internal') return { direction: 'outbound' };
  return {};
}

/**
 * Session updates and CDRs: authenticated by the organization's requests key, stored
 * append-only with an idempotency key, acknowledged only after the transaction committed.
 */
export function webhookRoutes(app: FastifyInstance, ctx: AppContext, rt: VoiceRuntime) {
  async function tenantOf(request: FastifyRequest): Promise<WebhookTenant> {
    // An address that already failed too often is refused before its key is looked up, or it could keep guessing.
    const gate = await ctx.limiter.peek(`webhook-auth:${request.ip}`, BAD_KEYS_PER_MINUTE);
    if (!gate.allowed) throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many unauthenticated requests', undefined, { 'retry-after': String(gate.retryAfter) });
    const key = presentedKey(request);
    const tenant = key ? await rt.keys.resolve(key) : null;
    if (!tenant) {
      const limited = await ctx.limiter.hit(`webhook-auth:${request.ip}`, BAD_KEYS_PER_MINUTE, 60);
      if (!limited.allowed)
        throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many unauthenticated requests', undefined, { 'retry-after': String(limited.retryAfter) });
      throw new AppError('UNAUTHORIZED', 'A valid requests key is required (Authorization: Bearer <key>)');
    }
    const limit = await ctx.limiter.hit(`webhook:${tenant.organizationId}`, ctx.config.OPBX_VOICE_RATE_LIMIT * 4, 1);
    if (!limit.allowed) throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many webhook requests', undefined, { 'retry-after': String(limit.retryAfter) });
    return tenant;
  }

  app.post(
    '/api/webhooks/cloudonix/session-update',
    { config: { public: true, ...MACHINE_ROUTE }, schema: { tags: ['webhooks'] } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenant = await tenantOf(request);
      // A suspended organization's webhooks are acknowledged (Cloudonix stops retrying) and change nothing.
      if (!tenant.active) return reply.status(204).send();
      const body = asObject(request.body);
      const callId = token(body.token) ?? token(asObject(body.session).token);
      if (!callId) throw invalidField('token', 'the session token is required');
      const answeredAt =
        epochToIso(body.callAnswerTime) ??
        (typeof body.answerTime === 'string' && !Number.isNaN(Date.parse(body.answerTime)) ? new Date(body.answerTime).toISOString() : null);
      const status = statusFromSession(body.status, Boolean(answeredAt));
      const eventId = text(body.eventId);
      await rt.journal.record({
        organizationId: tenant.organizationId,
        callId,
        kind: 'session',
        providerKey: `su:${callId}:${eventId ?? digest(body)}`,
        payload: body,
        ...(status ? { status } : {}),
        ...(isCancel(body.status) ? { outcome: 'abandoned' as const } : {}),
        facts: {
          from_number: normalizeParty(text(body.callerId) ?? ''),
          to_number: normalizeParty(text(body.destination) ?? ''),
          direction_raw: text(body.direction),
          ...sessionDirection(body.direction),
        },
        patch: { status_raw: text(body.status), answer_time: answeredAt },
      });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/webhooks/cloudonix/cdr',
    { config: { public: true, ...MACHINE_ROUTE }, schema: { tags: ['webhooks'] } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenant = await tenantOf(request);
      if (!tenant.active) return reply.status(204).send();
      const body = asObject(request.body);
      const session = asObject(body.session);
      const callId = token(session.token) ?? token(body.token) ?? token(body.CallSid);
      if (!callId) throw invalidField('session.token', 'the session token is required to correlate the CDR');
      const billsec = num(body.billsec) ?? 0;
      const endTime = epochToIso(session.callEndTime) ?? epochToIso(body.timestamp);
      await rt.journal.record({
        organizationId: tenant.organizationId,
        callId,
        kind: 'cdr',
        providerKey: `cdr:${callId}`,
        payload: body,
        status: statusFromDisposition(body.disposition, billsec),
        ...(isCancel(body.disposition) ? { outcome: 'abandoned' as const } : {}),
        facts: { from_number: normalizeParty(text(body.from) ?? ''), to_number: normalizeParty(text(body.to) ?? '') },
        patch: {
          answer_time: epochToIso(session.callAnswerTime),
          end_time: endTime,
          duration: billsec,
          sip_call_id: text(body.call_id),
          disposition_raw: text(body.disposition),
          cloudonix_cdr: JSON.stringify(body).slice(0, 64_000),
        },
      });
      return reply.status(204).send();
    },
  );
}
