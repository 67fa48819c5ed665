import type { RoutingTables } from './routing-tables.js';

/**
 * Row types of WARP's tables. Times are ISO-8601 UTC strings; lists and objects that are never
 * queried by their parts (IP lists, codecs, contact) are JSON text, the same in both dialects.
 */
export interface CustomersTable {
  id: string;
  ban: string;
  name: string;
  type: 'prepaid' | 'postpaid';
  status: 'active' | 'suspended' | 'terminated';
  status_reason: string | null;
  contact: string;
  address: string | null;
  credit_limit: string;
  payment_terms: number;
  currency: string;
  suspended_at: string | null;
  terminated_at: string | null;
  /** the sell deck (issue 13) */
  rate_plan?: string | null;
  /** 1 = may be routed above its sell rate (no margin guard) */
  allow_loss?: number;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  type: 'staff' | 'customer';
  staff_role: 'super_admin' | 'admin' | 'support' | 'finance' | 'sales' | null;
  /** Null until an invited user sets one (or for users who only sign in through OIDC). */
  password_hash: string | null;
  status: 'active' | 'disabled';
  mfa_secret_enc: string | null;
  mfa_enabled: number;
  /** The TOTP time step of the last accepted code; older or equal steps are refused (no replay). */
  mfa_last_step: number | string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  user_id: string;
  customer_id: string;
  role: 'customer_admin' | 'developer' | 'billing' | 'viewer';
  created_at: string;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

/** One sign-in: its refresh tokens form a rotation family; revoking it ends every token of it. */
export interface SessionsTable {
  id: string;
  user_id: string;
  method: 'password' | 'oidc' | 'invitation';
  ip: string | null;
  created_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  id: string;
  session_id: string;
  token_hash: string;
  expires_at: string;
  /** Set when exchanged; presenting it again is reuse and revokes the session. */
  rotated_at: string | null;
  created_at: string;
}

export interface AccessTokensTable {
  token_hash: string;
  session_id: string;
  user_id: string;
  expires_at: string;
  created_at: string;
}

export interface InvitationsTable {
  id: string;
  email: string;
  name: string | null;
  role: string;
  customer_id: string | null;
  token_hash: string;
  invited_by: string | null;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface OidcStatesTable {
  state_hash: string;
  code_verifier: string;
  nonce: string;
  expires_at: string;
  created_at: string;
}

export interface AuditLogTable {
  id: string;
  created_at: string;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  actor_label: string | null;
  customer_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  changes: string;
  request_id: string | null;
  ip: string | null;
}

export interface TrunksTable {
  id: string;
  customer_id: string;
  name: string;
  description: string | null;
  status: 'active' | 'suspended' | 'testing' | 'inactive';
  direction: 'inbound' | 'outbound' | 'both';
  auth_type: 'ip_acl' | 'digest' | 'both';
  allowed_ips: string;
  sip_username: string | null;
  sip_password_enc: string | null;
  tech_prefix: string | null;
  max_channels: number;
  max_cps: number;
  daily_spend_limit: string | null;
  allowed_destinations: string;
  blocked_prefixes: string;
  codecs: string;
  partition_id: string | null;
  outbound_destinations: string;
  /** overrides the customer's rate plan (issue 13) */
  rate_plan?: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  customer_id: string;
  name: string;
  /** `warp_live_` + the first 8 characters of the random part: unique, found by index. */
  prefix: string;
  key_hash: string;
  scopes: string;
  allowed_ips: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
  created_by: string | null;
  created_at: string;
}

export interface WebhooksTable {
  id: string;
  customer_id: string;
  url: string;
  events: string;
  description: string | null;
  secret_enc: string;
  status: 'active' | 'disabled';
  failing_since: string | null;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  customer_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  /** A worker holds the delivery until then; another instance may take it after (crash recovery). */
  locked_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface Database extends RoutingTables {
  customers: CustomersTable;
  users: UsersTable;
  memberships: MembershipsTable;
  recovery_codes: RecoveryCodesTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  access_tokens: AccessTokensTable;
  invitations: InvitationsTable;
  oidc_states: OidcStatesTable;
  audit_log: AuditLogTable;
  trunks: TrunksTable;
  api_keys: ApiKeysTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  trunk_numbers: TrunkNumbersTable;
}

/** A number WARP sold, owned by a trunk (the SIP edge's origination, issue 16). */
export interface TrunkNumbersTable {
  number: string;
  trunk_id: string;
  created_at: string;
}
