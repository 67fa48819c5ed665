/**
 * Row types of the CDR tables (migration 004, issue 15); conventions as in schema.ts. Money is
 * integers: rates in micro-units (1e-6), amounts in units of 1e-5, so SQL sums are exact in both
 * dialects. PostgreSQL returns BIGINT as a string, hence `number | string`: read with Number().
 */
type Int8 = number | string;

export interface EdgeKeysTable {
  id: string;
  name: string;
  /** `warp_edge_` + the first 8 characters of the random part: unique, found by index */
  prefix: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** One row per call id ever accepted: the idempotency claim (a partitioned table cannot hold a unique call id). */
export interface CdrCallsTable {
  call_id: string;
  cdr_id: string;
  started_at: string;
  received_at: string;
}

export interface CdrsTable {
  id: string;
  call_id: string;
  customer_id: string;
  trunk_id: string | null;
  provider_id: string | null;
  ani: string;
  dni: string;
  direction: 'outbound' | 'inbound';
  zone: string | null;
  decision_id: string | null;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration: number;
  disposition: 'answered' | 'no_answer' | 'busy' | 'failed' | 'cancelled';
  sip_code: number | null;
  disconnect_cause: string | null;
  /** JSON: the attempts as ingested */
  attempts: string;
  /** JSON: the route engine's trace when rated */
  trace: string;
  sell_rate: Int8 | null;
  sell_billable: number;
  sell_amount: Int8;
  cost_rate: Int8 | null;
  cost_billable: number;
  cost_amount: Int8;
  rating_error: string | null;
  rated_at: string;
  received_at: string;
}

/** The figures a CDR had before each re-rating. */
export interface CdrRatingHistoryTable {
  id: string;
  cdr_id: string;
  rerate_id: string;
  started_at: string;
  sell_rate: Int8 | null;
  sell_billable: number;
  sell_amount: Int8;
  cost_rate: Int8 | null;
  cost_billable: number;
  cost_amount: Int8;
  rating_error: string | null;
  rated_at: string;
  replaced_at: string;
}

/** Hourly roll-ups; '' stands for "none" in the key columns (a primary key holds no NULL). */
export interface UsageHourlyTable {
  customer_id: string;
  trunk_id: string;
  provider_id: string;
  zone: string;
  /** `YYYY-MM-DDTHH` UTC */
  hour: string;
  calls: number;
  answered: number;
  duration: Int8;
  sell_billable: Int8;
  sell_amount: Int8;
  cost_amount: Int8;
  unrated: number;
}

export interface CdrExportsTable {
  id: string;
  customer_id: string;
  date_from: string;
  date_to: string;
  format: 'csv' | 'json' | 'pdf';
  status: 'pending' | 'running' | 'ready' | 'failed';
  rows: number;
  bytes: Int8;
  error: string | null;
  created_at: string;
  completed_at: string | null;
  /** the file and its links stop working then (24 hours) */
  expires_at: string;
}

/** A route decision as the edge got it (migration 008): what rating reads back for a CDR naming it. */
export interface RouteDecisionsTable {
  id: string;
  decided_at: string;
  customer_id: string;
  trunk_id: string | null;
  decision: 'route' | 'reject';
  /** the call's own jurisdiction (null outside US and premium numbers) */
  jurisdiction: string | null;
  lrn: string | null;
  /** JSON: the engine's trace */
  trace: string;
}

export interface CdrTables {
  edge_keys: EdgeKeysTable;
  cdr_calls: CdrCallsTable;
  cdrs: CdrsTable;
  cdr_rating_history: CdrRatingHistoryTable;
  usage_hourly: UsageHourlyTable;
  cdr_exports: CdrExportsTable;
  route_decisions: RouteDecisionsTable;
}

// The CDR tables join WARP's Database type here, so schema.ts (shared) needs no edit.
declare module './schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends CdrTables {}
}
