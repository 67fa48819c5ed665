export { CALL_DIRECTIONS, type CallDirection, simulateCall, type SimulateCallOptions, summarizeVerb } from './call.js';
export { type CliIo, createCallsimCommand, parseTargetSpec, runCallsimCli, UsageError } from './cli.js';
export { CxmlParseError, parseCxml } from './cxml/parse.js';
export type * from './cxml/types.js';
export { type DialLeg, type DialLimits, type DialResolution, type DialStatus, type LegResult, resolveDial } from './dial.js';
export { formatLoadReport, formatTranscript } from './format.js';
export { isLoopbackUrl } from './http.js';
export { LATENCY_KINDS, type LatencyKind, LOAD_LIMITS, type LoadCall, type LoadOptions, type LoadReport, runLoad } from './load.js';
export { apiOriginatedCall, inboundCall, internalCall, outboundCall, randomE164 } from './presets.js';
export { behaviourFor, DEFAULT_TARGET, type GatherInput, type RecordingInput, type Scenario, type TargetBehaviour } from './scenario.js';
export { type LatencyStats, latencyStats } from './stats.js';
export {
  type CallStatus,
  DIAL_STATUS_FIELDS,
  DIAL_STATUS_SPELLINGS,
  type DialStatusField,
  dialStatusParams,
  type DialStatusSpelling,
  type DialStatusStyle,
  type Disposition,
  spellDialStatus,
} from './statuses.js';
export type { CallOutcome, CallTranscript, DialRecord, ExchangeKind, ExecutedVerb, HttpExchange, HungUpBy } from './transcript.js';
export { cdrPayload, sessionUpdatePayload, type WebhookDelivery, type WebhookKind, type WebhookOptions, type WebhookOrder } from './webhooks.js';
