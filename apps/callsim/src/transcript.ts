import type { DialTarget, HttpMethod, VerbName } from './cxml/types.js';
import type { DialResolution, DialStatus } from './dial.js';
import type { CallStatus, Disposition } from './statuses.js';
import type { WebhookDelivery } from './webhooks.js';

/** route: the initial request; action: a verb's action URL; redirect: <Redirect>; callback: status callbacks (response ignored). */
export type ExchangeKind = 'route' | 'action' | 'redirect' | 'callback';

export interface HttpExchange {
  /** Position in the call's timeline (shared by exchanges, verbs, dials and webhooks). */
  seq: number;
  /** Seconds since call start (simulated clock). */
  at: number;
  kind: ExchangeKind;
  /** What triggered it, e.g. `Dial action`, `Record recordingStatusCallback`. */
  cause: string;
  method: HttpMethod;
  url: string;
  params: Record<string, unknown>;
  status?: number;
  ok: boolean;
  contentType?: string;
  body?: string;
  latencyMs: number;
  error?: string;
  /** Whether the response was executed as the next CXML document. */
  executed: boolean;
}

export interface ExecutedVerb {
  seq: number;
  at: number;
  /** 1-based number of the CXML document the verb came from. */
  document: number;
  /** 0-based position of the verb inside that document. */
  index: number;
  verb: VerbName;
  summary: string;
  /** Simulated seconds the verb took. */
  seconds: number;
  outcome: string;
}

export interface DialRecord {
  seq: number;
  at: number;
  targets: DialTarget[];
  callerId?: string;
  timeout: number;
  status: DialStatus;
  /** The value sent to the action URL (after the spelling options). */
  sentStatus?: string;
  answeredBy?: DialTarget;
  ringSeconds: number;
  talkSeconds: number;
  endedBy: DialResolution['endedBy'];
  legs: DialResolution['legs'];
}

export type HungUpBy = 'caller' | 'application' | 'error' | 'guard';

export interface CallOutcome {
  status: CallStatus;
  disposition: Disposition;
  answered: boolean;
  /** `application` when a Say/Play/Gather/Record/Pause/Hangup answered it; a dialled value when a leg did. */
  answeredBy?: string;
  hungUpBy: HungUpBy;
  /** Why the call ended, in words. */
  reason: string;
  startTime: string;
  answerTime?: string;
  endTime: string;
  /** Whole seconds, as the CDR reports them. */
  duration: number;
  billsec: number;
  documents: number;
}

export interface CallTranscript {
  callSid: string;
  sessionId: number;
  sipCallId: string;
  domain: string;
  from: string;
  to: string;
  direction: string;
  exchanges: HttpExchange[];
  verbs: ExecutedVerb[];
  dials: DialRecord[];
  webhooks: WebhookDelivery[];
  outcome: CallOutcome;
  /** CXML oddities the parser tolerated and verbs it skipped. */
  warnings: string[];
  /** Anything that went wrong on the wire: HTTP errors, unparsable CXML, failed webhooks, loop guard. */
  errors: string[];
}
