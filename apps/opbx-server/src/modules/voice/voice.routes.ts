import { createHash } from 'node:crypto';

import { isForeignKeyViolation, type LaneAnswer, type LaneRequest, newId, nowIso, type Signer } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import type { CallStatus } from '../../db/schema.js';
import type { CallEvent } from '../call-records/calls.ingest.js';
import type { CallJournal } from '../call-records/journal.js';
import type { WebhookTenant } from '../cloudonix/cloudonix.service.js';
import { type CallbackState, packState, unpackState } from './callback-state.js';
import { CXML_CONTENT_TYPE, renderCxml } from './cxml.js';
import { toE164, userPart } from './numbers.js';
import { callSidOf, presentedKey, str, type VoiceParams, voiceParams } from './params.js';
import { type CallbackUrls, renderPlan } from './render.js';
import { type Continuation, continueCall, type DialOutcome, normalizeDialStatus, type Plan, routeCall, type RouteResult } from './router.js';
import type { VoiceRuntime } from './runtime.js';

const cxml = (body: string, status = 200, headers?: Record<string, string>): LaneAnswer => ({
  status,
  contentType: CXML_CONTENT_TYPE,
  body,
  ...(headers ? { headers } : {}),
});

const say = (status: number, text: string, headers?: Record<string, string>) => cxml(renderCxml([{ verb: 'Say', text }, { verb: 'Hangup' }]), status, headers);

/** Requests with a missing or unknown key allowed per client address per minute (voice and webhooks each). */
export const BAD_KEYS_PER_MINUTE = 60;

/** What the caller hears when the request itself was unusable. */
const NOT_PROCESSED = 'This call could not be processed. Goodbye.';

/** Status the call log should show after the router produced `plan`. */
function statusAfter(plan: Plan, outcome?: DialOutcome): CallStatus {
  switch (plan.kind) {
    case 'dial':
      return 'ringing';
    // Nobody answered: the caller reached a mailbox (outcome `voicemail`). The call stays on the line
    // to record, but no person is on it, so it is logged missed now, not answered.
    case 'voicemail':
      return 'no_answer';
    case 'hangup':
      if (plan.reason === 'answered') return 'completed';
      if (outcome === 'busy') return 'busy';
      if (outcome === 'failed') return 'failed';
      return plan.reason === 'no_answer' || outcome ? 'no_answer' : 'failed';
  }
}

/** Callback URLs on the tenant's public base URL, each with its signed state. (A class, not closures: built on every voice request.) */
class SignedLinks implements CallbackUrls {
  constructor(
    private readonly signer: Signer,
    private readonly tenant: WebhookTenant,
    private readonly callSid: string,
  ) {}

  private link(path: string, state: CallbackState): string {
    return `${this.tenant.baseUrl}${path}?s=${this.signer.sign(packState(state))}`;
  }

  dial(next: Continuation): string {
    return this.link('/api/voice/callback', { kind: 'dial', organizationId: this.tenant.organizationId, callSid: this.callSid, next });
  }

  voicemail(mailboxExtensionId: string | null, boxId?: string): string {
    return this.link('/api/voice/voicemail', {
      kind: 'voicemail',
      organizationId: this.tenant.organizationId,
      callSid: this.callSid,
      mailboxExtensionId,
      ...(boxId ? { boxId } : {}),
    });
  }

  recording(): string {
    return this.link('/api/voice/recording', { kind: 'recording', organizationId: this.tenant.organizationId, callSid: this.callSid });
  }
}

/** What the call log's outcome learns from this step beyond its status. */
function outcomeHint(plan: Plan, outcome?: DialOutcome): CallEvent['outcome'] {
  if (plan.kind === 'voicemail') return 'voicemail';
  return outcome === 'canceled' ? 'abandoned' : undefined;
}

const ringingOf = (plan: Plan): string[] => (plan.kind === 'dial' ? plan.targets.flatMap((t) => (t.kind === 'extension' ? [t.extensionId] : [])) : []);

export function voiceRoutes(app: FastifyInstance, ctx: AppContext, rt: VoiceRuntime) {
  const urls = (tenant: WebhookTenant, callSid: string): CallbackUrls => new SignedLinks(ctx.signer, tenant, callSid);

  /** Authenticates a voice request: the tenant, or the CXML answer that tells the caller why not. */
  async function tenantOf(request: LaneRequest): Promise<WebhookTenant | LaneAnswer> {
    // An address that already failed too often is refused before its key is looked up, or it could keep guessing.
    const gate = await ctx.limiter.peek(`voice-auth:${request.ip}`, BAD_KEYS_PER_MINUTE);
    if (!gate.allowed) return say(429, 'This service is not available. Goodbye.', { 'retry-after': String(gate.retryAfter) });
    const key = presentedKey(request);
    const tenant = key ? await rt.keys.resolve(key) : null;
    if (!tenant) {
      const limited = await ctx.limiter.hit(`voice-auth:${request.ip}`, BAD_KEYS_PER_MINUTE, 60);
      app.log.warn({ reqId: request.id, ip: request.ip, path: request.path }, 'voice request with a missing or unknown requests key');
      return say(limited.allowed ? 401 : 429, 'This service is not available. Goodbye.');
    }
    const limit = await ctx.limiter.hit(`voice:${tenant.organizationId}`, ctx.config.OPBX_VOICE_RATE_LIMIT, 1);
    if (!limit.allowed) return say(429, 'All lines are busy. Please try again later.', { 'retry-after': String(limit.retryAfter) });
    return tenant;
  }
  const refused = (t: WebhookTenant | LaneAnswer): t is LaneAnswer => 'status' in t;

  function event(
    tenant: WebhookTenant,
    callSid: string,
    kind: CallEvent['kind'],
    key: string,
    params: VoiceParams,
    result: RouteResult,
    status: CallStatus,
    outcome?: DialOutcome,
  ): CallEvent {
    const hint = outcomeHint(result.plan, outcome);
    return {
      organizationId: tenant.organizationId,
      callId: callSid,
      kind,
      providerKey: key,
      payload: params,
      status,
      ...(hint ? { outcome: hint } : {}),
      facts: {
        direction: result.facts.direction,
        direction_raw: str(params, 'Direction') ?? null,
        from_number: normalizeParty(str(params, 'From') ?? ''),
        to_number: normalizeParty(str(params, 'To') ?? ''),
        did_id: result.facts.didId ?? null,
        extension_id: result.facts.extensionId ?? null,
        ring_group_id: result.facts.ringGroupId ?? null,
      },
      ringing: ringingOf(result.plan),
      ...(result.facts.blockedReason ? { patch: { blocked_reason: result.facts.blockedReason } } : {}),
    };
  }

  const handleRoute = async (request: LaneRequest): Promise<LaneAnswer> => {
    const tenant = await tenantOf(request);
    if (refused(tenant)) return tenant;
    const params = voiceParams(request);
    const callSid = callSidOf(params);
    const from = str(params, 'From');
    const to = str(params, 'To');
    if (!callSid || !from || !to) return say(400, NOT_PROCESSED);
    const snapshot = await rt.snapshots.get(tenant.organizationId);
    if (!snapshot) return say(404, 'This service is not available. Goodbye.');
    const result = await routeCall(snapshot, { callSid, from, to, direction: str(params, 'Direction') ?? 'inbound' }, rt.env());
    const body = renderPlan(result.plan, urls(tenant, callSid));
    // A suspended organization's calls are refused and leave nothing behind.
    if (tenant.active && snapshot.active) rt.journal.enqueue(event(tenant, callSid, 'route', `route:${callSid}`, params, result, statusAfter(result.plan)));
    return cxml(body);
  };

  /** Verifies a callback's signed state against the authenticated tenant and the call. */
  function stateOf<K extends CallbackState['kind']>(request: LaneRequest, tenant: WebhookTenant, params: VoiceParams, kind: K) {
    const token = typeof request.query.s === 'string' ? request.query.s : '';
    const state = unpackState(ctx.signer.verify<unknown>(token));
    if (!state || state.kind !== kind || state.organizationId !== tenant.organizationId) return undefined;
    const sid = callSidOf(params);
    if (sid && sid !== state.callSid) return undefined;
    return { state: state as Extract<CallbackState, { kind: K }>, token };
  }

  const handleDialCallback = async (request: LaneRequest): Promise<LaneAnswer> => {
    const tenant = await tenantOf(request);
    if (refused(tenant)) return tenant;
    const params = voiceParams(request);
    const verified = stateOf(request, tenant, params, 'dial');
    if (!verified) return say(400, NOT_PROCESSED);
    const { state, token } = verified;
    const snapshot = await rt.snapshots.get(tenant.organizationId);
    if (!snapshot) return say(404, 'This service is not available. Goodbye.');
    const raw = str(params, 'DialCallStatus', 'DialStatus', 'CallStatus');
    const outcome = normalizeDialStatus(raw);
    const result = await continueCall(snapshot, state.next, outcome, rt.env());
    const body = renderPlan(result.plan, urls(tenant, state.callSid));
    if (!tenant.active || !snapshot.active) return cxml(body);
    const ev = event(tenant, state.callSid, 'dial', `dial:${digest(token)}`, params, result, statusAfter(result.plan, outcome), outcome);
    // Some deployments report a Dial's recording on its action rather than a status callback.
    const recordingUrl = str(params, 'RecordingUrl');
    ev.patch = { ...ev.patch, status_raw: raw ?? null, ...(recordingUrl && /^https?:\/\//i.test(recordingUrl) ? { recording_url: recordingUrl } : {}) };
    rt.journal.enqueue(ev);
    return cxml(body);
  };

  const handleVoicemail = async (request: LaneRequest): Promise<LaneAnswer> => {
    const tenant = await tenantOf(request);
    if (refused(tenant)) return tenant;
    const params = voiceParams(request);
    const verified = stateOf(request, tenant, params, 'voicemail');
    if (!verified) return say(400, NOT_PROCESSED);
    const recordingUrl = str(params, 'RecordingUrl');
    if (tenant.active && recordingUrl && /^https?:\/\//i.test(recordingUrl)) {
      await storeVoicemail(
        ctx,
        rt.journal,
        tenant.organizationId,
        verified.state,
        recordingUrl,
        str(params, 'RecordingDuration'),
        normalizeParty(str(params, 'From') ?? ''),
      );
    }
    return say(200, 'Thank you. Your message has been recorded. Goodbye.');
  };

  const handleRecording = async (request: LaneRequest): Promise<LaneAnswer> => {
    const tenant = await tenantOf(request);
    if (refused(tenant)) return tenant;
    const params = voiceParams(request);
    const verified = stateOf(request, tenant, params, 'recording');
    const recordingUrl = str(params, 'RecordingUrl');
    if (!verified || !recordingUrl || !/^https?:\/\//i.test(recordingUrl)) return say(400, 'Invalid recording callback.');
    if (!tenant.active) return cxml(renderCxml([]));
    await rt.journal.record({
      organizationId: tenant.organizationId,
      callId: verified.state.callSid,
      kind: 'recording',
      providerKey: `rec:${verified.state.callSid}:${digest(recordingUrl)}`,
      payload: params,
      patch: { recording_url: recordingUrl },
    });
    return cxml(renderCxml([]));
  };

  /**
   * Cloudonix waits on these while the caller hears silence: they take the fast lane, past
   * Fastify's pipeline. Whatever fails inside, the caller hears an apology in CXML, never JSON.
   */
  const lane = (handle: (request: LaneRequest) => Promise<LaneAnswer>) => ({
    handle,
    refuse: (refusal: { status: number; reason: string }, request: LaneRequest) => {
      app.log.warn({ reqId: request.id, path: request.path, reason: refusal.reason }, 'voice request refused');
      return say(refusal.status, NOT_PROCESSED);
    },
    fail: (err: unknown, request: LaneRequest) => {
      app.log.error({ err, reqId: request.id, path: request.path }, 'voice request failed');
      return say(200, 'We are sorry, your call cannot be completed right now. Please try again later.');
    },
  });
  // Public as far as user sessions go: each handler authenticates Cloudonix's requests key itself.
  app.fastLane.route('/api/voice/route', lane(handleRoute), { public: true });
  app.fastLane.route('/api/voice/callback', lane(handleDialCallback), { public: true });
  app.fastLane.route('/api/voice/voicemail', lane(handleVoicemail), { public: true });
  app.fastLane.route('/api/voice/recording', lane(handleRecording), { public: true });
}

const digest = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);

/** Store numbers as E.164 when they are phone numbers, else as the bare user part (extensions). */
export function normalizeParty(raw: string): string {
  return toE164(raw) ?? userPart(raw).slice(0, 64);
}

async function storeVoicemail(
  ctx: AppContext,
  journal: CallJournal,
  organizationId: string,
  state: Extract<CallbackState, { kind: 'voicemail' }>,
  recordingUrl: string,
  durationRaw: string | undefined,
  from: string,
) {
  const duration = durationRaw && /^\d+$/.test(durationRaw) ? Number(durationRaw) : null;
  // The extension's mailbox, or the general box when routing named no extension.
  const mailbox = state.mailboxExtensionId
    ? { extension_id: state.mailboxExtensionId, box_id: null }
    : state.boxId
      ? { extension_id: null, box_id: state.boxId }
      : undefined;
  if (mailbox) {
    await ctx.db
      .insertInto('voicemails')
      .values({
        id: newId(),
        organization_id: organizationId,
        ...mailbox,
        mailbox: (mailbox.extension_id ?? mailbox.box_id)!,
        read_at: null,
        call_id: state.callSid,
        from_number: from,
        recording_url: recordingUrl,
        duration,
        created_at: nowIso(),
      })
      .onConflict((oc) => oc.columns(['organization_id', 'call_id', 'mailbox']).doNothing())
      .execute()
      .catch((err: unknown) => {
        // The mailbox was deleted mid-call: keep the recording on the call log only.
        if (!isForeignKeyViolation(err)) throw err;
      });
  }
  await journal.record({
    organizationId,
    callId: state.callSid,
    kind: 'recording',
    providerKey: `vm:${state.callSid}:${state.mailboxExtensionId ?? state.boxId ?? 'none'}`,
    payload: { RecordingUrl: recordingUrl, RecordingDuration: durationRaw ?? null },
    patch: { recording_url: recordingUrl },
  });
}
