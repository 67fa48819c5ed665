import type { Migration } from 'kysely';

import * as initial from './001_initial.js';
import * as calls from './002_calls.js';
import * as requestsKeyHmac from './004_requests_key_hmac.js';
import * as sessionStart from './005_session_start.js';
import * as outboundPolicy from './006_outbound_policy.js';
import * as callOutcome from './007_call_outcome.js';
import * as voicemailBoxes from './008_voicemail_boxes.js';

/** Ordered by name; never edit a migration that has shipped, add a new one. */
export const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_calls': calls,
  '004_requests_key_hmac': requestsKeyHmac,
  '005_session_start': sessionStart,
  '006_outbound_policy': outboundPolicy,
  '007_call_outcome': callOutcome,
  '008_voicemail_boxes': voicemailBoxes,
};
