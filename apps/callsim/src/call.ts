import { SimClock } from './clock.js';
import { CxmlParseError, parseCxml } from './cxml/parse.js';
import type { CxmlDocument, DialVerb, GatherVerb, HttpMethod, PlayVerb, PromptVerb, RecordVerb, SayVerb, Verb } from './cxml/types.js';
import { type DialStatus, resolveDial } from './dial.js';
import { isLoopbackUrl, resolveUrl, send } from './http.js';
import { uuidv7Sequence } from './ids.js';
import { behaviourFor, gatherInputAt, recordingAt, type Scenario } from './scenario.js';
import { type CallStatus, dialDisposition, dialStatusParams, type Disposition, finalSessionStatus, rejectOutcome } from './statuses.js';
import type { CallTranscript, DialRecord, ExchangeKind, ExecutedVerb, HttpExchange, HungUpBy } from './transcript.js';
import { cdrPayload, type SessionFacts, sessionUpdatePayload, WebhookDispatcher } from './webhooks.js';

interface DocRequest {
  kind: ExchangeKind;
  cause: string;
  url: string;
  method: HttpMethod;
  extra: Record<string, unknown>;
}

interface EndState {
  hungUpBy: HungUpBy;
  reason: string;
  status?: CallStatus;
  disposition?: Disposition;
}

/** Thrown to unwind the interpreter when the call ends in the middle of a verb. */
class CallEnded extends Error {
  constructor(readonly end: EndState) {
    super(end.reason);
  }
}

import { CALL_DIRECTIONS, type CallDirection, type SimulateCallOptions } from './call-options.js';
import { sessionFacts } from './session.js';
import { clip, summarizeVerb } from './verb-summary.js';

export { CALL_DIRECTIONS, type CallDirection, type SimulateCallOptions, summarizeVerb };

const DEFAULT_MAX_DOCUMENTS = 50;
const DEFAULT_MAX_CALL_SECONDS = 4 * 3600;

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

class CallRun {
  private readonly clock: SimClock;
  private readonly scenario: Scenario;
  private readonly facts: SessionFacts;
  private readonly direction: string;
  private readonly callerName: string;
  private readonly dispatcher?: WebhookDispatcher;
  private readonly nextEventId: () => string;
  private readonly hangupAt: number;
  private readonly maxCallSeconds: number;
  private readonly baseOrigin: string;

  private seq = 0;
  private documents = 0;
  private gatherCount = 0;
  private recordInputs = 0;
  private recordCount = 0;
  private answerMs?: number;
  private answeredBy?: string;
  private ringing = false;
  private lastDialStatus?: DialStatus;

  private readonly exchanges: HttpExchange[] = [];
  private readonly verbs: ExecutedVerb[] = [];
  private readonly dials: DialRecord[] = [];
  private readonly warnings: string[] = [];
  private readonly errors: string[] = [];

  constructor(private readonly opts: SimulateCallOptions) {
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

  private nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  private get answered(): boolean {
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

  private commonParams(): Record<string, unknown> {
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
  private async spend(seconds: number): Promise<void> {
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

  private async sessionEvent(status: string, action = 'updated', reason = 'vapp', endMs?: number): Promise<void> {
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
    await this.dispatcher.emit('session-update', round(this.clock.elapsed()), payload);
  }

  private async answer(by: string): Promise<void> {
    if (this.answered) return;
    this.answerMs = this.clock.now();
    this.answeredBy = by;
    this.ringing = false;
    await this.sessionEvent('connected');
  }

  // ---- HTTP -----------------------------------------------------------------------------------------------

  /** Resolves a URL from the CXML; a URL that cannot be parsed is the application's error and ends the call. */
  private resolve(url: string, base: string): string {
    try {
      return resolveUrl(url, base);
    } catch {
      const reason = `invalid URL in CXML: ${JSON.stringify(url)}`;
      this.errors.push(reason);
      throw new CallEnded({ hungUpBy: 'error', reason });
    }
  }

  private targetUrl(url: string): string {
    if (!this.opts.rewriteOrigin || !URL.canParse(url)) return url;
    const parsed = new URL(url);
    if (parsed.origin === this.baseOrigin) return url;
    return `${this.baseOrigin}${parsed.pathname}${parsed.search}`;
  }

  private async exchange(request: DocRequest, executed: boolean): Promise<HttpExchange> {
    const url = this.targetUrl(request.url);
    const params = { ...this.commonParams(), ...request.extra };
    const record: HttpExchange = {
      seq: this.nextSeq(),
      at: round(this.clock.elapsed()),
      kind: request.kind,
      cause: request.cause,
      method: request.method,
      url,
      params,
      ok: false,
      latencyMs: 0,
      executed,
    };
    this.exchanges.push(record);
    if (this.opts.loopbackOnly && !isLoopbackUrl(url)) {
      record.error = 'refused: not a loopback URL';
      return record;
    }
    const result = await send({
      method: request.method,
      url,
      requestsKey: this.opts.requestsKey,
      params,
      encoding: this.opts.bodyEncoding,
      headers: this.opts.headers,
      timeoutMs: this.opts.requestTimeoutMs ?? 10_000,
      signal: this.opts.signal,
    });
    Object.assign(record, result);
    return record;
  }

  /** Requests a CXML document; any failure ends the call (Cloudonix's behaviour on errors is undocumented). */
  private async fetchDocument(request: DocRequest): Promise<{ doc: CxmlDocument; url: string; number: number }> {
    const maxDocuments = this.opts.maxDocuments ?? DEFAULT_MAX_DOCUMENTS;
    if (this.documents >= maxDocuments) {
      const reason = `loop guard: more than ${maxDocuments} CXML documents in one call (next was ${request.url})`;
      this.errors.push(reason);
      throw new CallEnded({ hungUpBy: 'guard', reason });
    }
    this.documents += 1;
    const number = this.documents;
    const record = await this.exchange(request, true);
    if (this.opts.signal?.aborted) {
      this.errors.push('aborted');
      throw new CallEnded({ hungUpBy: 'guard', reason: 'aborted' });
    }
    if (!record.ok) {
      const reason = `${request.cause} ${record.method} ${record.url} failed: ${record.error ?? 'unknown error'}`;
      this.errors.push(reason);
      throw new CallEnded({ hungUpBy: 'error', reason });
    }
    if (record.contentType && !/xml/i.test(record.contentType)) {
      this.warnings.push(`document ${number}: Content-Type ${record.contentType} is not XML`);
    }
    try {
      const doc = parseCxml(record.body ?? '');
      for (const warning of doc.warnings) this.warnings.push(`document ${number}: ${warning}`);
      return { doc, url: record.url, number };
    } catch (err) {
      if (!(err instanceof CxmlParseError)) throw err;
      record.executed = false;
      const reason = `document ${number} from ${record.url} is not valid CXML: ${err.message}`;
      this.errors.push(reason);
      throw new CallEnded({ hungUpBy: 'error', reason });
    }
  }

  /** A request whose response Cloudonix discards (status callbacks, actions after hangup). */
  private async callback(kind: ExchangeKind, cause: string, url: string, method: HttpMethod, extra: Record<string, unknown>) {
    const record = await this.exchange({ kind, cause, url, method, extra }, false);
    if (!record.ok) this.errors.push(`${cause} ${record.method} ${record.url} failed: ${record.error ?? 'unknown error'}`);
  }

  // ---- verbs ----------------------------------------------------------------------------------------------

  private sayDuration(verb: SayVerb): number {
    const words = verb.text.split(/\s+/).filter(Boolean).length;
    return Math.max(1, Math.ceil(words / (this.scenario.sayWordsPerSecond ?? 2.5)));
  }

  private playDuration(verb: PlayVerb): number {
    if (verb.digits && !verb.url) {
      // Each `w` is half a second of silence; a DTMF tone plus gap is about a quarter second.
      const waits = (verb.digits.match(/w/gi) ?? []).length;
      return Math.max(1, Math.ceil(waits * 0.5 + (verb.digits.length - waits) * 0.25));
    }
    return this.scenario.playSeconds ?? 5;
  }

  private async prompt(verb: PromptVerb, docUrl: string): Promise<number> {
    if (verb.verb === 'Pause') {
      if (verb.answer) await this.answer('application');
      await this.spend(verb.length);
      return verb.length;
    }
    if (verb.answer) await this.answer('application');
    const once = verb.verb === 'Say' ? this.sayDuration(verb) : this.playDuration(verb);
    // loop="0" repeats until the caller hangs up.
    const seconds = verb.loop === 0 ? Number.POSITIVE_INFINITY : once * verb.loop;
    await this.spend(seconds);
    if (verb.statusCallback) {
      await this.callback('callback', `${verb.verb} statusCallback`, this.resolve(verb.statusCallback, docUrl), verb.statusCallbackMethod, {});
    }
    return seconds;
  }

  private async dial(verb: DialVerb, docUrl: string, entry: ExecutedVerb): Promise<DocRequest | undefined> {
    const timeout = verb.timeout ?? this.scenario.callTimeout ?? 60;
    const dialIndex = this.dials.length;
    const legs = verb.targets.map((target) => ({ target, behaviour: behaviourFor(this.scenario, target, dialIndex) }));
    if (!this.answered && legs.length > 0) {
      this.ringing = true;
      await this.sessionEvent('ringing');
    }
    const resolution = resolveDial(legs, {
      timeout,
      timeLimit: verb.timeLimit,
      callerHangupIn: this.hangupAt - this.clock.elapsed(),
    });
    const record: DialRecord = {
      seq: this.nextSeq(),
      at: round(this.clock.elapsed()),
      targets: verb.targets,
      callerId: verb.callerId,
      timeout,
      status: resolution.status,
      answeredBy: resolution.answeredBy,
      ringSeconds: resolution.ringSeconds,
      talkSeconds: resolution.talkSeconds,
      endedBy: resolution.endedBy,
      legs: resolution.legs,
    };
    this.dials.push(record);
    this.lastDialStatus = resolution.status;

    await this.clock.advance(resolution.ringSeconds);
    if (resolution.answeredBy) {
      await this.answer(resolution.answeredBy.value);
      await this.clock.advance(resolution.talkSeconds);
    }
    entry.outcome = resolution.answeredBy
      ? `${resolution.status}: ${resolution.answeredBy.value} answered after ${round(resolution.ringSeconds)}s, talked ${round(resolution.talkSeconds)}s (ended by ${resolution.endedBy})`
      : `${resolution.status} after ${round(resolution.ringSeconds)}s`;

    const recordingUrl = resolution.answeredBy && verb.record && !/^(false|do-not-record)$/i.test(verb.record) ? { RecordingUrl: this.recordingUrl() } : {};
    const statusParams = dialStatusParams(resolution.status, this.opts.dialStatus);
    record.sentStatus = statusParams.DialCallStatus ?? statusParams.CallStatus;
    const params = { ...statusParams, ...recordingUrl };

    if (resolution.endedBy === 'caller') {
      if (verb.action && this.opts.actionAfterCallerHangup) {
        await this.callback('action', 'Dial action (caller hung up)', this.resolve(verb.action, docUrl), verb.method, params);
      }
      throw new CallEnded({ hungUpBy: 'caller', reason: resolution.answeredBy ? 'caller hung up during the call' : 'caller hung up while ringing' });
    }
    if (!this.answered && this.ringing) {
      this.ringing = false;
      await this.sessionEvent('processing');
    }
    if (!verb.action) return undefined;
    return { kind: 'action', cause: 'Dial action', url: this.resolve(verb.action, docUrl), method: verb.method, extra: params };
  }

  private async gather(verb: GatherVerb, docUrl: string, entry: ExecutedVerb): Promise<DocRequest | undefined> {
    await this.answer('application');
    for (const prompt of verb.prompts) await this.prompt(prompt, docUrl);
    const input = gatherInputAt(this.scenario, this.gatherCount);
    this.gatherCount += 1;

    let digits = '';
    if (input?.digits && verb.input.includes('dtmf')) {
      digits = input.digits;
      // The finish key ends input and is not reported; numDigits stops collection early.
      const finish = verb.finishOnKey ? digits.indexOf(verb.finishOnKey) : -1;
      if (finish >= 0) digits = digits.slice(0, finish);
      if (verb.numDigits) digits = digits.slice(0, verb.numDigits);
    }
    const speech = input?.speech && verb.input.includes('speech') ? input.speech : undefined;
    const action = { kind: 'action' as const, cause: 'Gather action', url: this.resolve(verb.action ?? docUrl, docUrl), method: verb.method };

    if (digits || speech) {
      await this.spend(input?.after ?? 1);
      entry.outcome = speech ? `heard "${clip(speech, 40)}"${digits ? ` and digits ${digits}` : ''}` : `got digits ${digits}`;
      return { ...action, extra: { Digits: digits, ...(speech ? { SpeechResult: speech } : {}) } };
    }
    await this.spend(verb.timeout);
    if (verb.actionOnEmptyResult) {
      entry.outcome = 'no input; action requested (actionOnEmptyResult)';
      return { ...action, extra: { Digits: '' } };
    }
    entry.outcome = 'no input; next verb';
    return undefined;
  }

  private recordingUrl(): string {
    this.recordCount += 1;
    const base = (this.opts.recordingBaseUrl ?? 'https://recordings.callsim.invalid').replace(/\/+$/, '');
    return `${base}/${this.facts.domain}/${this.facts.token}/${this.recordCount}.${this.opts.recordingFormat ?? 'wav'}`;
  }

  private async record(verb: RecordVerb, docUrl: string, entry: ExecutedVerb): Promise<DocRequest | undefined> {
    await this.answer('application');
    for (const prompt of verb.prompts) await this.prompt(prompt, docUrl);
    const input = recordingAt(this.scenario, this.recordInputs);
    this.recordInputs += 1;
    const statusUrl = verb.recordingStatusCallback ? this.resolve(verb.recordingStatusCallback, docUrl) : undefined;
    const statusEvent = async (status: 'in-progress' | 'completed' | 'absent', extra: Record<string, unknown>) => {
      if (statusUrl && verb.recordingStatusCallbackEvent.includes(status)) {
        await this.callback('callback', `Record recordingStatusCallback (${status})`, statusUrl, verb.recordingStatusCallbackMethod, {
          RecordingStatus: status,
          ...extra,
        });
      }
    };

    if (!(input.seconds > 0)) {
      await this.spend(verb.timeout);
      entry.outcome = 'empty recording; next verb';
      await statusEvent('absent', {});
      return undefined;
    }

    const url = this.recordingUrl();
    await statusEvent('in-progress', { RecordingUrl: url });
    const length = Math.min(input.seconds, verb.maxLength);
    const finishKey = input.finishKey && verb.finishOnKey.includes(input.finishKey) ? input.finishKey : undefined;
    const started = this.clock.elapsed();
    let hungUp = false;
    try {
      await this.spend(length);
      if (!finishKey && length < verb.maxLength) await this.spend(verb.timeout);
    } catch (err) {
      if (!(err instanceof CallEnded) || err.end.hungUpBy !== 'caller') throw err;
      hungUp = true;
    }
    const spoke = Math.min(length, this.clock.elapsed() - started);
    const recording = {
      RecordingUrl: url,
      RecordingDuration: String(Math.round(spoke)),
      ...(finishKey && !hungUp ? { Digits: finishKey } : {}),
    };
    if (spoke <= 0) throw new CallEnded({ hungUpBy: 'caller', reason: 'caller hung up before speaking' });
    await statusEvent('completed', recording);
    entry.outcome = `recorded ${round(spoke)}s${hungUp ? ' (caller hung up)' : finishKey ? ` (ended by ${finishKey})` : ''}`;
    const action = this.resolve(verb.action ?? docUrl, docUrl);
    if (hungUp) {
      // A voicemail left by a caller who then hangs up still reaches the application; the answer has no call to run on.
      await this.callback('action', 'Record action (caller hung up)', action, verb.method, recording);
      throw new CallEnded({ hungUpBy: 'caller', reason: 'caller hung up after recording' });
    }
    return { kind: 'action', cause: 'Record action', url: action, method: verb.method, extra: recording };
  }

  private async execute(verb: Verb, docUrl: string, entry: ExecutedVerb): Promise<DocRequest | undefined> {
    switch (verb.verb) {
      case 'Dial':
        return this.dial(verb, docUrl, entry);
      case 'Gather':
        return this.gather(verb, docUrl, entry);
      case 'Record':
        return this.record(verb, docUrl, entry);
      case 'Say':
      case 'Play':
      case 'Pause': {
        const seconds = await this.prompt(verb, docUrl);
        entry.outcome = `played ${seconds}s`;
        return undefined;
      }
      case 'Redirect':
        if (!verb.url) {
          this.errors.push('Redirect without a URL');
          throw new CallEnded({ hungUpBy: 'error', reason: 'Redirect without a URL' });
        }
        entry.outcome = 'redirected';
        return { kind: 'redirect', cause: 'Redirect', url: this.resolve(verb.url, docUrl), method: verb.method, extra: {} };
      case 'Hangup':
        // Cloudonix bills a Hangup as a successful call, so an unanswered call is answered first.
        await this.answer('application');
        entry.outcome = 'hung up';
        throw new CallEnded({ hungUpBy: 'application', reason: 'Hangup' });
      case 'Reject':
        entry.outcome = `rejected (${verb.reason})`;
        if (this.answered) throw new CallEnded({ hungUpBy: 'application', reason: `Reject (${verb.reason}) after answer` });
        throw new CallEnded({ hungUpBy: 'application', reason: `Reject (${verb.reason})`, ...rejectOutcome(verb.reason) });
      default:
        entry.outcome = 'skipped';
        return undefined;
    }
  }

  private async step(verb: Verb, docUrl: string, document: number, index: number): Promise<DocRequest | undefined> {
    const started = this.clock.elapsed();
    const entry: ExecutedVerb = {
      seq: this.nextSeq(),
      at: round(started),
      document,
      index,
      verb: verb.verb,
      summary: summarizeVerb(verb),
      seconds: 0,
      outcome: 'done',
    };
    this.verbs.push(entry);
    try {
      return await this.execute(verb, docUrl, entry);
    } catch (err) {
      if (err instanceof CallEnded && entry.outcome === 'done') entry.outcome = err.end.reason;
      throw err;
    } finally {
      entry.seconds = round(this.clock.elapsed() - started);
    }
  }

  // ---- the call -------------------------------------------------------------------------------------------

  async run(): Promise<CallTranscript> {
    const base = this.opts.baseUrl.replace(/\/+$/, '');
    let end: EndState;
    try {
      await this.sessionEvent('processing', 'created');
      // An API-originated call runs its application only once the destination has answered.
      if (this.direction === 'outbound-api') await this.answer(this.facts.to);
      let request: DocRequest | undefined = {
        kind: 'route',
        cause: 'voice application',
        url: this.opts.routeUrl ?? `${base}/api/voice/route`,
        method: this.opts.routeMethod ?? 'POST',
        extra: {},
      };
      while (request) {
        const { doc, url, number } = await this.fetchDocument(request);
        request = undefined;
        for (const [index, verb] of doc.verbs.entries()) {
          request = await this.step(verb, url, number, index);
          if (request) break;
        }
      }
      end = { hungUpBy: 'application', reason: 'no more verbs' };
    } catch (err) {
      if (err instanceof CallEnded) end = err.end;
      else if ((err as Error).name === 'AbortError') {
        this.errors.push('aborted');
        end = { hungUpBy: 'guard', reason: 'aborted' };
      } else throw err;
    }
    return this.finish(end);
  }

  private async finish(end: EndState): Promise<CallTranscript> {
    const endMs = this.clock.now();
    let status: CallStatus;
    let disposition: Disposition;
    if (this.answered) {
      status = 'completed';
      disposition = this.opts.answeredDisposition ?? 'ANSWERED';
    } else if (end.status && end.disposition) {
      status = end.status;
      disposition = end.disposition;
    } else if (end.hungUpBy === 'caller') {
      status = 'canceled';
      disposition = 'CANCEL';
    } else if (end.hungUpBy !== 'application') {
      status = 'failed';
      disposition = 'FAILED';
    } else if (this.lastDialStatus) {
      ({ status, disposition } = dialDisposition(this.lastDialStatus));
    } else {
      status = 'no-answer';
      disposition = 'NOANSWER';
    }
    this.ringing = false;

    const finalStatus = finalSessionStatus(status);
    try {
      await this.sessionEvent(finalStatus, 'updated', 'hangup', endMs);
      if (this.dispatcher?.enabled('cdr')) {
        await this.dispatcher.emit('cdr', round(this.clock.elapsed()), cdrPayload(this.facts, { answerMs: this.answerMs, endMs, disposition, finalStatus }));
      }
      await this.dispatcher?.flush();
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
    const webhooks = [...(this.dispatcher?.deliveries ?? [])].sort((a, b) => a.seq - b.seq);
    for (const w of webhooks) {
      if (!w.ok) this.errors.push(`${w.kind} webhook${w.eventId ? ` ${w.eventId}` : ''} (copy ${w.copy}) to ${w.url} failed: ${w.error ?? 'unknown error'}`);
    }

    const f = this.facts;
    return {
      callSid: f.token,
      sessionId: f.sessionId,
      sipCallId: f.sipCallId,
      domain: f.domain,
      from: f.from,
      to: f.to,
      direction: this.direction,
      exchanges: this.exchanges,
      verbs: this.verbs,
      dials: this.dials,
      webhooks,
      outcome: {
        status,
        disposition,
        answered: this.answered,
        answeredBy: this.answeredBy,
        hungUpBy: end.hungUpBy,
        reason: end.reason,
        startTime: new Date(f.startMs).toISOString(),
        answerTime: this.answerMs !== undefined ? new Date(this.answerMs).toISOString() : undefined,
        endTime: new Date(endMs).toISOString(),
        duration: Math.round((endMs - f.startMs) / 1000),
        billsec: this.answerMs !== undefined ? Math.round((endMs - this.answerMs) / 1000) : 0,
        documents: this.documents,
      },
      warnings: this.warnings,
      errors: this.errors,
    };
  }
}

/**
 * Plays Cloudonix's part for one call against a voice application: requests the route, runs the CXML it
 * gets back (following actions and redirects), sends session updates and a final CDR, and returns the
 * full transcript. HTTP and CXML failures end the call and are reported in `errors`; it does not throw for them.
 */
export async function simulateCall(options: SimulateCallOptions): Promise<CallTranscript> {
  if (!options.requestsKey) throw new Error('requestsKey is required');
  if (!options.domain) throw new Error('domain is required');
  new URL(options.baseUrl);
  return new CallRun(options).run();
}
