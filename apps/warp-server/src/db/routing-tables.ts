/** Row types of the routing tables (migration 003); see schema.ts for the conventions. */
export interface ProvidersTable {
  id: string;
  name: string;
  type: 'lrn' | 'ocn_lata' | 'prefix' | 'tollfree' | 'international';
  status: 'active' | 'disabled';
  gateways: string;
  dial_string_template: string | null;
  tech_prefix: string | null;
  jurisdiction_policy: 'interstate' | 'intrastate' | 'poi';
  poi_state: string | null;
  ani_classes: string;
  max_channels: number | null;
  max_cps: number | null;
  initial_increment: number;
  subsequent_increment: number;
  connection_fee: string;
  created_at: string;
  updated_at: string;
}

export interface RatesTable {
  id: string;
  /** `p:<provider id>` or `s:<rate plan>` */
  owner: string;
  provider_id: string | null;
  rate_plan: string | null;
  prefix: string | null;
  npanxx: string | null;
  /** OCN/LATA-keyed rows (migration 006): both set, prefix and npanxx null */
  ocn: string | null;
  lata: string | null;
  description: string | null;
  country: string | null;
  interstate: string | null;
  intrastate: string | null;
  local: string | null;
  indeterminate: string | null;
  rate: string | null;
  connection_fee: string;
  initial_increment: number;
  subsequent_increment: number;
  minimum_duration: number;
  effective_date: string;
  /** exclusive; null = open-ended */
  end_date: string | null;
  import_id: string;
  created_at: string;
}

export interface PartitionsTable {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface PartitionProvidersTable {
  partition_id: string;
  provider_id: string;
  priority: number;
  weight: number;
  time_windows: string | null;
  position: number;
}

export interface RoutingOverridesTable {
  id: string;
  customer_id: string | null;
  trunk_id: string | null;
  prefix: string | null;
  npanxx: string | null;
  ocn: string | null;
  lata: string | null;
  action: 'force_providers' | 'sell_rate' | 'rate_ceiling';
  provider_ids: string;
  rate: string | null;
  time_window: string | null;
  note: string | null;
  created_at: string;
  created_by: string | null;
}

export interface RoutingExclusionsTable {
  id: string;
  customer_id: string | null;
  provider_id: string | null;
  prefix: string | null;
  npanxx_pattern: string | null;
  country: string | null;
  premium: number;
  expires_at: string | null;
  reason: string | null;
  created_at: string;
}

export interface NpaNxxReferenceTable {
  npanxx: string;
  state: string;
  rate_center: string | null;
  ocn: string | null;
  lata: string | null;
  updated_at: string;
}

export interface RoutingTables {
  providers: ProvidersTable;
  rates: RatesTable;
  partitions: PartitionsTable;
  partition_providers: PartitionProvidersTable;
  routing_overrides: RoutingOverridesTable;
  routing_exclusions: RoutingExclusionsTable;
  npanxx_reference: NpaNxxReferenceTable;
}
