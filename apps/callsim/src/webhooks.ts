import { seededRandom } from '@opbx/platform';

import { type HttpResult, send } from './http.js';
import type { Disposition } from './statuses.js';

export type WebhookKind = 'session-update' | 'cdr';

export type WebhookOrder = 'in-order' | 'reverse' | 'shuffle';

export interface WebhookOptions {
  /** Send session-update webhooks (default true). */
  sessionUpdates?: boolean;
  /** Send the final CDR (default true). */
  cdr?: boolean;
  /** Send every webhook this many times (default 1), as an at-least-once sender would. */
  duplicates?: number;
  /**
   * `in-order` sends each webhook as the call progresses. `reverse` and `shuffle` hold them until the call
   * ends and deliver them (CDR included) in that order.
   */
  order?: WebhookOrder;
  /** Send the copies of a webhook (and, when held, all held webhooks) concurrently instead of one by one. */
  concurrent?: boolean;
  /** Seed for `shuffle`, for reproducible runs. */
  seed?: number;
}

export interface WebhookDelivery {
  seq: number;
  /** Seconds since call start of the event the webhook reports. */
  at: number;
  kind: WebhookKind;
  url: string;
  /** 1-based copy number when duplicates > 1. */
  copy: number;
  eventId?: string;
  sessionStatus?: string;
  payload: Record<string, unknown>;
  status?: number;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** The facts about a session that both webhook kinds report. */
export interface SessionFacts {
  sessionId: number;
  token: string;
  sipCallId: string;
  domain: string;
  domainId: number;
  from: string;
  to: string;
  /** The session `direction` value (`incoming`, `outgoing`, `internal`, `application`), not the request `Direction`. */
  direction: string;
  subscriberId: number | null;
  startMs: number;
  vappServer: string;
  application: string;
  trunkId: number | null;
  profile: Record<string, unknown>;
}

interface SessionEvent {
  atMs: number;
  status: string;
  action: string;
  reason: string;
  answerMs?: number;
  endMs?: number;
  ringing: boolean;
  eventId: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Session-update body: the session model plus `action`, `reason` and `eventId` (Cloudonix's sample shape). */
export function sessionUpdatePayload(s: SessionFacts, e: SessionEvent): Record<string, unknown> {
  return {
    id: s.sessionId,
    domainId: s.domainId,
    domain: s.domain,
    subscriberId: s.subscriberId,
    ...(s.subscriberId !== null ? { outgoingSubscriberId: s.subscriberId } : {}),
    destination: s.to,
    callerId: s.from,
    direction: s.direction,
    token: s.token,
    createdAt: iso(s.startMs),
    modifiedAt: iso(e.atMs),
    timeLimit: null,
    status: e.status,
    vappServer: s.vappServer,
    callStartTime: s.startMs,
    startTime: iso(s.startMs),
    callAnswerTime: e.answerMs ?? null,
    answerTime: e.answerMs !== undefined ? iso(e.answerMs) : null,
    callEndTime: e.endMs ?? null,
    endTime: e.endMs !== undefined ? iso(e.endMs) : null,
    ringing: e.ringing,
    profile: s.profile,
    action: e.action,
    reason: e.reason,
    eventId: e.eventId,
  };
}

interface CdrFacts {
  answerMs?: number;
  endMs: number;
  disposition: Disposition;
  finalStatus: string;
}

/** CDR body after Cloudonix's sample: epoch-second `timestamp`, seconds for durations, epoch-ms session times. */
export function cdrPayload(s: SessionFacts, c: CdrFacts): Record<string, unknown> {
  const duration = Math.round((c.endMs - s.startMs) / 1000);
  const billsec = c.answerMs !== undefined ? Math.round((c.endMs - c.answerMs) / 1000) : 0;
  return {
    timestamp: Math.floor(c.endMs / 1000),
    domain: s.domain,
    subscriber: s.subscriberId !== null ? s.from : null,
    from: s.from,
    to: s.to,
    cx_trunk_id: s.trunkId,
    application: s.application,
    route: null,
    duration,
    billsec,
    disposition: c.disposition,
    rated_cost: null,
    approx_cost: null,
    sell_cost: null,
    vapp_server: s.vappServer,
    call_id: s.sipCallId,
    session: {
      id: s.sessionId,
      token: s.token,
      domainId: s.domainId,
      callerId: s.from,
      destination: s.to,
      direction: s.direction,
      status: c.finalStatus,
      // Cloudonix reports "never answered" as 0 ms (OPBX had to map 0 to NULL).
      callStartTime: s.startMs,
      callAnswerTime: c.answerMs ?? 0,
      callEndTime: c.endMs,
      timeLimit: null,
      profile: s.profile,
    },
  };
}

interface Pending {
  at: number;
  kind: WebhookKind;
  url: string;
  payload: Record<string, unknown>;
  eventId?: string;
  sessionStatus?: string;
}

interface DispatcherConfig {
  sessionUpdateUrl: string;
  cdrUrl: string;
  requestsKey: string;
  timeoutMs: number;
  signal?: AbortSignal;
  options: WebhookOptions;
}

/** Sends (or holds, then sends) the webhooks of one call according to the duplicate/order/concurrency options. */
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly held: Pending[] = [];

  constructor(
    private readonly config: DispatcherConfig,
    private readonly nextSeq: () => number,
  ) {}

  private get holding(): boolean {
    return (this.config.options.order ?? 'in-order') !== 'in-order';
  }

  enabled(kind: WebhookKind): boolean {
    return kind === 'cdr' ? this.config.options.cdr !== false : this.config.options.sessionUpdates !== false;
  }

  async emit(kind: WebhookKind, at: number, payload: Record<string, unknown>): Promise<void> {
    if (!this.enabled(kind)) return;
    const pending: Pending = {
      at,
      kind,
      url: kind === 'cdr' ? this.config.cdrUrl : this.config.sessionUpdateUrl,
      payload,
      eventId: typeof payload.eventId === 'string' ? payload.eventId : undefined,
      sessionStatus: kind === 'session-update' ? String(payload.status) : undefined,
    };
    if (this.holding) this.held.push(pending);
    else await this.deliver([pending]);
  }

  /** Delivers held webhooks; a no-op when they were sent live. */
  async flush(): Promise<void> {
    if (this.held.length === 0) return;
    const batch = this.held.splice(0);
    if (this.config.options.order === 'reverse') batch.reverse();
    else if (this.config.options.order === 'shuffle') {
      const random = seededRandom(this.config.options.seed ?? Date.now());
      for (let i = batch.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
    }
    await this.deliver(batch);
  }

  private async deliver(batch: Pending[]): Promise<void> {
    const copies = Math.max(1, Math.floor(this.config.options.duplicates ?? 1));
    const jobs: Array<{ pending: Pending; copy: number }> = [];
    for (const pending of batch) for (let copy = 1; copy <= copies; copy += 1) jobs.push({ pending, copy });
    if (this.config.options.concurrent) {
      const seqs = jobs.map(() => this.nextSeq());
      await Promise.all(jobs.map((job, i) => this.post(job.pending, job.copy, seqs[i]!)));
    } else {
      for (const job of jobs) await this.post(job.pending, job.copy, this.nextSeq());
    }
  }

  private async post(pending: Pending, copy: number, seq: number): Promise<void> {
    const result: HttpResult = await send({
      method: 'POST',
      url: pending.url,
      requestsKey: this.config.requestsKey,
      params: pending.payload,
      timeoutMs: this.config.timeoutMs,
      signal: this.config.signal,
    });
    this.deliveries.push({
      seq,
      at: pending.at,
      kind: pending.kind,
      url: pending.url,
      copy,
      eventId: pending.eventId,
      sessionStatus: pending.sessionStatus,
      payload: pending.payload,
      status: result.status,
      ok: result.ok,
      latencyMs: result.latencyMs,
      error: result.error,
    });
  }
}
