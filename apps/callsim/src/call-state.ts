import { CallEnded } from './call-ended.js';
import type { SimulateCallOptions } from './call-options.js';
import { roundSeconds, SimClock } from './clock.js';
import type { DialStatus } from './dial.js';
import { uuidv7Sequence } from './ids.js';
import type { Scenario } from './scenario.js';
import { sessionFacts } from './session.js';
import type { DialRecord, ExecutedVerb, HttpExchange } from './transcript.js';
import { type SessionFacts, sessionUpdatePayload, WebhookDispatcher } from './webhooks.js';

const DEFAULT_MAX_CALL_SECONDS = 4 * 3600;

/**
 * Everything one simulated call knows and has done so far: its facts, its simulated clock, whether
 * and by whom it was answered, and the records the transcript is built from. The verb handlers
 * (verbs/*) and the document requests (documents.ts) act on it.
 */
export class CallState {
  readonly clock: SimClock;
  readonly scenario: Scenario;
  readonly facts: SessionFacts;
  readonly direction: string;
  readonly dispatcher?: WebhookDispatcher;
  readonly baseOrigin: string;
  readonly maxCallSeconds: number;
  /** Simulated seconds after which the caller hangs up (infinite when the scenario never does). */
  readonly hangupAt: number;
  private readonly callerName: string;
  private readonly nextEventId: () => string;

  private seq = 0;
  /** CXML documents fetched so far (the loop guard counts them). */
  documents = 0;
  /** Gathers and Records run so far, to pick the scenario's next input for each. */
  gatherCount = 0;
  recordInputs = 0;
  private recordCount = 0;
  answerMs?: number;
  answeredBy?: string;
  ringing = false;
  lastDialStatus?: DialStatus;

  readonly exchanges: HttpExchange[] = [];
  readonly verbs: ExecutedVerb[] = [];
  readonly dials: DialRecord[] = [];
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  constructor(readonly opts: SimulateCallOptions) {
    const start = opts.startTime instanceof Date ? opts.startTime.getTime() : (opts.startTime ?? Date.now());
    const timeScale = opts.realtime ? 1 : Math.max(0, opts.timeScale ?? 0);
    this.clock = new SimClock(start, timeScale, opts.signal);
    this.scenario = opts.scenario ?? {};
    this.hangupAt = this.scenario.hangupAfter ?? Number.POSITIVE_INFINITY;
    this.maxCallSeconds = opts.maxCallSeconds ?? DEFAULT_MAX_CALL_SECONDS;
    this.direction = opts.direction ?? 'inbound';
    this.baseOrigin = new URL(opts.baseUrl).origin;
    this.nextEventId = uuidv7Sequence(() => this.clock.now());

    this.facts = sessionFacts(opts, start, this.direction);
    this.callerName = opts.callerName ?? this.facts.from;

    if (opts.webhooks !== false) {
      const base = opts.baseUrl.replace(/\/+$/, '');
      this.dispatcher = new WebhookDispatcher(
        {
          sessionUpdateUrl: opts.sessionUpdateUrl ?? `${base}/api/webhooks/cloudonix/session-update`,
          cdrUrl: opts.cdrUrl ?? `${base}/api/webhooks/cloudonix/cdr`,
          requestsKey: opts.requestsKey,
          timeoutMs: opts.requestTimeoutMs ?? 10_000,
          signal: opts.signal,
          options: opts.webhooks ?? {},
        },
        () => this.nextSeq(),
      );
    }
  }

  /** One sequence across exchanges, verbs, dials and webhooks, so the transcript can be read in order. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  get answered(): boolean {
    return this.answerMs !== undefined;
  }

  // ---- parameters ----------------------------------------------------------------------------------------

  private sessionData(): Record<string, unknown> {
    const f = this.facts;
    return {
      id: f.sessionId,
      domainId: f.domainId,
      ...(f.subscriberId !== null ? { outgoingSubscriberId: f.subscriberId } : {}),
      destination: f.to,
      callerId: f.from,
      token: f.token,
      profile: f.profile,
      callStartTime: f.startMs,
      ...(this.answerMs !== undefined ? { callAnswerTime: this.answerMs } : {}),
      status: this.answered ? 'connected' : 'processing',
      vappServer: f.vappServer,
      ringing: this.ringing,
      domainNameOrId: f.domain,
    };
  }

  /** The parameters every voice request carries, as of now. */
  commonParams(): Record<string, unknown> {
    const f = this.facts;
    return {
      ApiVersion: '1',
      AccountSid: f.domain,
      Domain: f.domain,
      CallSid: f.token,
      Session: f.token,
      From: f.from,
      To: f.to,
      CallerName: this.callerName,
      Direction: this.direction,
      CallStatus: 'in-progress',
      SessionData: this.sessionData(),
      ...this.opts.extraParams,
    };
  }

  // ---- time, answer, session events -----------------------------------------------------------------------

  /** Lets simulated time pass; throws CallEnded if the caller hangs up (or the guard trips) meanwhile. */
  async spend(seconds: number): Promise<void> {
    const elapsed = this.clock.elapsed();
    const toHangup = this.hangupAt - elapsed;
    const toGuard = this.maxCallSeconds - elapsed;
    if (seconds >= toHangup && toHangup <= toGuard) {
      await this.clock.advance(Math.max(0, toHangup));
      throw new CallEnded({ hungUpBy: 'caller', reason: 'caller hung up' });
    }
    if (seconds > toGuard) {
      await this.clock.advance(Math.max(0, toGuard));
      this.errors.push(`call exceeded maxCallSeconds (${this.maxCallSeconds}s)`);
      throw new CallEnded({ hungUpBy: 'guard', reason: `call exceeded ${this.maxCallSeconds}s` });
    }
    await this.clock.advance(seconds);
  }

  async sessionEvent(status: string, action = 'updated', reason = 'vapp', endMs?: number): Promise<void> {
    if (!this.dispatcher?.enabled('session-update')) return;
    const payload = sessionUpdatePayload(this.facts, {
      atMs: this.clock.now(),
      status,
      action,
      reason,
      answerMs: this.answerMs,
      endMs,
      ringing: this.ringing,
      eventId: this.nextEventId(),
    });
    await this.dispatcher.emit('session-update', roundSeconds(this.clock.elapsed()), payload);
  }

  async answer(by: string): Promise<void> {
    if (this.answered) return;
    this.answerMs = this.clock.now();
    this.answeredBy = by;
    this.ringing = false;
    await this.sessionEvent('connected');
  }

  /** Where the next recording of this call would be stored (Dial's record and Record share the count). */
  recordingUrl(): string {
    this.recordCount += 1;
    const base = (this.opts.recordingBaseUrl ?? 'https://recordings.callsim.invalid').replace(/\/+$/, '');
    return `${base}/${this.facts.domain}/${this.facts.token}/${this.recordCount}.${this.opts.recordingFormat ?? 'wav'}`;
  }
}
