export { simulateCall, summarizeVerb, CALL_DIRECTIONS, type CallDirection, type SimulateCallOptions } from './call.js';
export { runLoad, LATENCY_KINDS, LOAD_LIMITS, type LoadCall, type LoadOptions, type LoadReport, type LatencyKind } from './load.js';
export { parseCxml, CxmlParseError } from './cxml/parse.js';
export type * from './cxml/types.js';
export { resolveDial, type DialLeg, type DialLimits, type DialResolution, type DialStatus, type LegResult } from './dial.js';
export {
  behaviourFor,
  DEFAULT_TARGET,
  type GatherInput,
  type RecordingInput,
  type Scenario,
  type TargetBehaviour,
} from './scenario.js';
export {
  dialStatusParams,
  spellDialStatus,
  DIAL_STATUS_FIELDS,
  DIAL_STATUS_SPELLINGS,
  type CallStatus,
  type DialStatusField,
  type DialStatusSpelling,
  type DialStatusStyle,
  type Disposition,
} from './statuses.js';
export { cdrPayload, sessionUpdatePayload, type WebhookDelivery, type WebhookKind, type WebhookOptions, type WebhookOrder } from './webhooks.js';
export type { CallOutcome, CallTranscript, DialRecord, ExchangeKind, ExecutedVerb, HttpExchange, HungUpBy } from './transcript.js';
export { latencyStats, type LatencyStats } from './stats.js';
export { isLoopbackUrl } from './http.js';
export { formatLoadReport, formatTranscript } from './format.js';
export { createCallsimCommand, runCallsimCli, parseTargetSpec, UsageError, type CliIo } from './cli.js';
export { apiOriginatedCall, inboundCall, internalCall, outboundCall, randomE164 } from './presets.js';
