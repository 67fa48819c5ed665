import type { HttpMethod } from './cxml/types.js';
import type { BodyEncoding } from './http.js';
import type { Scenario } from './scenario.js';
import type { DialStatusStyle } from './statuses.js';
import type { WebhookOptions } from './webhooks.js';

/** Cloudonix's documented `Direction` values, plus the two OPBX once expected (useful for robustness tests). */
export type CallDirection = 'inbound' | 'subscriber' | 'outbound-api' | 'outbound' | 'application';
export const CALL_DIRECTIONS: CallDirection[] = ['inbound', 'subscriber', 'outbound-api', 'outbound', 'application'];

export interface SimulateCallOptions {
  /** Where the OPBX server listens, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /** The domain's requests key, sent as `Authorization: Bearer …` on every request. */
  requestsKey: string;
  /** Cloudonix domain name (`Domain`, `AccountSid`). */
  domain: string;
  from: string;
  to: string;
  direction?: CallDirection | (string & {});
  /** `CallerName`; Cloudonix samples repeat the number. */
  callerName?: string;
  scenario?: Scenario;
  /** Voice application URL (default `{baseUrl}/api/voice/route`) and method (default POST). */
  routeUrl?: string;
  routeMethod?: HttpMethod;
  sessionUpdateUrl?: string;
  cdrUrl?: string;
  /** Webhook delivery options, or false to send none. */
  webhooks?: WebhookOptions | false;
  dialStatus?: DialStatusStyle;
  /** CDR disposition of an answered call (default `ANSWERED`; Cloudonix's sample shows `CONNECTED`). */
  answeredDisposition?: string;
  /** Session `direction` in webhooks; derived from `direction` by default. */
  sessionDirection?: string;
  /** `strip-plus` reports numbers without the leading `+`, as Cloudonix's request samples do. */
  numberFormat?: 'as-given' | 'strip-plus';
  /** POST body encoding (Cloudonix sends JSON; `form` tests a server's tolerance). */
  bodyEncoding?: BodyEncoding;
  /** Sleep through simulated time (same as timeScale 1). */
  realtime?: boolean;
  /** 0 (default) = virtual time; 1 = real time; 0.1 = ten times faster than real time. */
  timeScale?: number;
  /** Epoch ms (or Date) the call starts at; default now. */
  startTime?: number | Date;
  /** Loop guard: CXML documents fetched per call (default 50). */
  maxDocuments?: number;
  /** Guard for endless prompts (`loop="0"`): simulated seconds per call (default 14400). */
  maxCallSeconds?: number;
  /** How long to wait for each HTTP answer (default 10000 ms, what OPBX assumed Cloudonix waits). */
  requestTimeoutMs?: number;
  /** Send absolute action/redirect URLs whose origin differs from baseUrl to baseUrl's origin instead. */
  rewriteOrigin?: boolean;
  /** Refuse every non-loopback URL (load mode). */
  loopbackOnly?: boolean;
  /** Also request the Dial/Record action after the caller hung up (response ignored). Record always does. */
  actionAfterCallerHangup?: boolean;
  /** Extra request parameters on every voice request (e.g. `Diverted`, `AssertedIdentity`). */
  extraParams?: Record<string, unknown>;
  /** Extra HTTP headers on every request (e.g. `X-CX-Source`). */
  headers?: Record<string, string>;
  /** Voice application name reported in CDRs and session profiles. */
  applicationName?: string;
  recordingBaseUrl?: string;
  recordingFormat?: 'wav' | 'mp3';
  callSid?: string;
  sessionId?: number;
  sipCallId?: string;
  signal?: AbortSignal;
}
