import type { ColumnType } from 'kysely';

/**
 * Table types. Portable storage conventions (same on SQLite and PostgreSQL):
 * ids are UUIDv7 text; times are ISO-8601 UTC text; booleans are 0/1 integers;
 * small nested structures (schedules, settings) are JSON text.
 */
export interface OrganizationsTable {
  id: string;
  name: string;
  status: 'active' | 'inactive';
  timezone: string;
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  password_hash: string;
  role: 'owner' | 'admin' | 'agent';
  status: 'active' | 'inactive';
  created_at: string;
  updated_at: string;
}

interface ApiTokensTable {
  id: string;
  user_id: string;
  organization_id: string;
  token_hash: string;
  expires_at: string;
  revoked_at: string | null;
  created_at: string;
  /** The login that began this token's session (null on tokens issued before it was recorded). */
  session_started_at: string | null;
}

export interface ExtensionsTable {
  id: string;
  organization_id: string;
  user_id: string | null;
  extension_number: string;
  type: 'user' | 'virtual' | 'queue';
  status: 'active' | 'inactive';
  sip_username: string;
  sip_domain: string | null;
  sip_password_enc: string;
  voicemail_enabled: number;
  forwarding_enabled: number;
  forwarding_destination: string | null;
  forwarding_on_no_answer: number;
  created_at: string;
  updated_at: string;
}

export interface DidsTable {
  id: string;
  organization_id: string;
  phone_number: string;
  friendly_name: string | null;
  routing_type: 'extension' | 'ring_group' | 'business_hours' | 'voicemail';
  extension_id: string | null;
  ring_group_id: string | null;
  business_hours_id: string | null;
  fallback_extension_id: string | null;
  voicemail_greeting: string | null;
  status: 'active' | 'inactive';
  cloudonix_dnid: string | null;
  cloudonix_voice_application_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface RingGroupsTable {
  id: string;
  organization_id: string;
  name: string;
  strategy: 'simultaneous' | 'round_robin' | 'sequential';
  timeout: number;
  fallback_type: 'voicemail' | 'extension' | 'hangup' | null;
  fallback_extension_id: string | null;
  status: 'active' | 'inactive';
  rotation: number;
  created_at: string;
  updated_at: string;
}

interface RingGroupMembersTable {
  ring_group_id: string;
  extension_id: string;
  organization_id: string;
  priority: number;
}

export interface BusinessHoursTable {
  id: string;
  organization_id: string;
  name: string;
  timezone: string;
  schedules: string;
  holidays: string;
  open_type: 'extension' | 'ring_group';
  open_extension_id: string | null;
  open_ring_group_id: string | null;
  closed_type: 'voicemail' | 'extension' | 'ring_group' | 'hangup';
  closed_extension_id: string | null;
  closed_ring_group_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Bumped on every configuration write; the routing cache compares it to decide freshness. */
interface ConfigVersionsTable {
  organization_id: string;
  version: number;
}

interface CloudonixSettingsTable {
  organization_id: string;
  domain_uuid: string;
  domain_name: string;
  /** HMAC-SHA256 of the key (`context.keyedHash`); a bare SHA-256 only until start-up upgrades a row of 002. */
  requests_key_hash: string;
  requests_key_hash_alg: ColumnType<'sha256' | 'hmac-sha256', 'sha256' | 'hmac-sha256' | undefined, 'sha256' | 'hmac-sha256'>;
  requests_key_enc: string;
  webhook_base_url: string;
  created_at: string;
  updated_at: string;
}

export type CallStatus = 'initiated' | 'ringing' | 'answered' | 'completed' | 'failed' | 'busy' | 'no_answer';

/**
 * How a call turned out, beyond the spec's CallStatus: `answered` (a person took it), `voicemail` (nobody
 * did; the caller reached a mailbox), `missed` (nobody answered), `busy`, `failed`, `abandoned` (the
 * caller hung up while it rang). Null while the call is still ringing.
 */
export type CallOutcome = 'answered' | 'voicemail' | 'missed' | 'busy' | 'failed' | 'abandoned';
export const CALL_OUTCOMES: readonly CallOutcome[] = ['answered', 'voicemail', 'missed', 'busy', 'failed', 'abandoned'];

export interface CallLogsTable {
  id: string;
  organization_id: string;
  /** Cloudonix CallSid (= session token): the key every event correlates on. */
  call_id: string;
  direction: 'inbound' | 'outbound';
  /** Cloudonix's own value, kept verbatim: its set is open. */
  direction_raw: string | null;
  from_number: string;
  to_number: string;
  did_id: string | null;
  extension_id: string | null;
  ring_group_id: string | null;
  status: CallStatus;
  /** Which kind of event set the current status (cdr outranks everything). */
  status_source: string | null;
  status_raw: string | null;
  disposition_raw: string | null;
  sip_call_id: string | null;
  answer_time: string | null;
  end_time: string | null;
  duration: number | null;
  recording_url: string | null;
  cloudonix_cdr: string | null;
  /** The outbound-policy rule that refused the call (`international_not_allowed`, …), else null. */
  blocked_reason: string | null;
  outcome: CallOutcome | null;
  created_at: string;
  updated_at: string;
}

/** Where an organization's extensions may call and forward to (absent: the default, national only). */
export interface OutboundPoliciesTable {
  organization_id: string;
  /** ISO 3166-1 alpha-2: what "national" means. */
  country: string;
  allow_national: number;
  allow_international: number;
  allow_premium: number;
  allow_special: number;
  /** JSON arrays: E.164 prefixes (`+1900`), ISO country codes. */
  blocked_prefixes: string;
  blocked_countries: string;
  created_at: string;
  updated_at: string;
}

interface CallEventsTable {
  id: string;
  organization_id: string;
  call_id: string;
  kind: string;
  /** Unique per organization: a replayed event is ignored by the insert itself. */
  provider_key: string;
  payload: string;
  received_at: string;
}

/** A mailbox that is not an extension's: the organization's general mailbox (one per organization). */
export interface VoicemailBoxesTable {
  id: string;
  organization_id: string;
  kind: 'general';
  name: string;
  /** What callers hear before the tone (a DID's own voicemail greeting comes first); null: the default. */
  greeting: string | null;
  created_at: string;
  updated_at: string;
}

/** A voicemail message, in an extension's box (`extension_id`) or in a voicemail box (`box_id`). */
export interface VoicemailsTable {
  id: string;
  organization_id: string;
  extension_id: string | null;
  box_id: string | null;
  /** extension_id or box_id: unique with the call, so a replayed callback stores one message. */
  mailbox: string;
  call_id: string;
  from_number: string;
  recording_url: string;
  duration: number | null;
  read_at: string | null;
  created_at: string;
}

export type PresenceStatus = 'idle' | 'ringing' | 'on_call' | 'offline';

interface ExtensionPresenceTable {
  extension_id: string;
  organization_id: string;
  status: PresenceStatus;
  current_call_id: string | null;
  updated_at: string;
}

export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  extensions: ExtensionsTable;
  dids: DidsTable;
  ring_groups: RingGroupsTable;
  ring_group_members: RingGroupMembersTable;
  business_hours: BusinessHoursTable;
  config_versions: ConfigVersionsTable;
  cloudonix_settings: CloudonixSettingsTable;
  outbound_policies: OutboundPoliciesTable;
  call_logs: CallLogsTable;
  call_events: CallEventsTable;
  voicemail_boxes: VoicemailBoxesTable;
  voicemails: VoicemailsTable;
  extension_presence: ExtensionPresenceTable;
}
