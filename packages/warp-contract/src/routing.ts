import { z } from 'zod';

import { idSchema, isoDateTime, listQuery } from './common.js';
import { dateSchema, decimalSchema, digitsSchema, reportPeriod, timeWindow, usStateSchema } from './scalars.js';

/*
 * Least-cost routing (issue 13): providers, rate decks, partitions, routes, overrides, exclusions and the
 * simulator. Names follow the issue's "Names the tests and the portals rely on".
 */

// ---------------------------------------------------------------- providers

export const providerType = z.enum(['lrn', 'ocn_lata', 'prefix', 'tollfree', 'international']);
export const providerStatus = z.enum(['active', 'disabled']);
export const jurisdictionPolicy = z.enum(['interstate', 'intrastate', 'poi']);
export const aniClass = z.enum(['domestic', 'domestic_tollfree', 'international', 'any']);
export const sipTransport = z.enum(['udp', 'tcp', 'tls']);

export const gatewayView = z.strictObject({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(5060),
  transport: sipTransport.default('udp'),
  priority: z.number().int().min(0).max(1000).default(1),
  weight: z.number().int().min(0).max(1000).default(100),
});

const providerFields = {
  name: z.string().trim().min(1).max(100),
  type: providerType,
  status: providerStatus.default('active'),
  gateways: z.array(gatewayView).min(1).max(32),
  /** e.g. `sip:{tech_prefix}{dni}@{host}:{port}` */
  dial_string_template: z.string().max(255).optional(),
  tech_prefix: z
    .string()
    .regex(/^[0-9#*]{0,16}$/)
    .optional(),
  jurisdiction_policy: jurisdictionPolicy.default('interstate'),
  /** the provider's point-of-interconnect state, required with `poi` */
  poi_state: usStateSchema.nullable().optional(),
  ani_classes: z.array(aniClass).min(1).default(['any']),
  max_channels: z.number().int().min(0).nullable().optional(),
  max_cps: z.number().int().min(0).nullable().optional(),
  /** billing defaults for deck rows that leave them out */
  initial_increment: z.number().int().min(1).max(3600).default(6),
  subsequent_increment: z.number().int().min(1).max(3600).default(6),
  connection_fee: decimalSchema.default('0'),
};

const providerBody = z.strictObject(providerFields);
export const providerCreate = providerBody.refine((p) => p.jurisdiction_policy !== 'poi' || !!p.poi_state, {
  message: 'poi_state is required with jurisdiction_policy poi',
  path: ['poi_state'],
});
/** PATCH bodies: every field optional and no defaults (an omitted field keeps its stored value). */
function patchOf<S extends z.ZodRawShape>(shape: S) {
  const out: Record<string, z.ZodType> = {};
  for (const [k, f] of Object.entries(shape)) out[k] = (f instanceof z.ZodDefault ? (f.unwrap() as z.ZodType) : (f as z.ZodType)).optional();
  return z.strictObject(out as { [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer T> ? T : S[K]> });
}
export const providerUpdate = patchOf(providerFields);
export const providerView = z.object({
  ...providerFields,
  id: idSchema,
  created_at: isoDateTime,
  updated_at: isoDateTime,
});
export type ProviderType = z.infer<typeof providerType>;
export type Gateway = z.infer<typeof gatewayView>;
export type ProviderCreate = z.input<typeof providerCreate>;
export type ProviderUpdate = z.input<typeof providerUpdate>;
export type Provider = z.infer<typeof providerView>;

export const periodQuery = z.object({ period: reportPeriod });
export const providerPerformance = z.object({
  provider_id: idSchema,
  period: reportPeriod,
  attempts: z.number().int(),
  answered: z.number().int(),
  /** answer-seizure ratio, percent */
  asr: z.number(),
  /** average call duration, seconds */
  acd: z.number(),
  /** post-dial delay, milliseconds */
  pdd: z.number(),
  /** network effectiveness ratio, percent */
  ner: z.number(),
  sip_codes: z.record(z.string(), z.number().int()),
});
export type ProviderPerformance = z.infer<typeof providerPerformance>;

// ---------------------------------------------------------------- rate decks

/** The deck CSV header (any order; unknown columns are refused). `prefix`, `npanxx` or `ocn` + `lata` names the row. */
export const RATE_DECK_COLUMNS = [
  'prefix',
  'npanxx',
  'ocn',
  'lata',
  'description',
  'country',
  'interstate',
  'intrastate',
  'local',
  'indeterminate',
  'rate',
  'connection_fee',
  'initial_increment',
  'subsequent_increment',
  'minimum_duration',
  'effective_date',
  'end_date',
] as const;
export type RateDeckColumn = (typeof RATE_DECK_COLUMNS)[number];

export const jurisdiction = z.enum(['interstate', 'intrastate', 'local', 'indeterminate']);
export type Jurisdiction = z.infer<typeof jurisdiction>;

export const rateView = z.object({
  id: idSchema,
  /** set on provider cost decks */
  provider_id: idSchema.nullable(),
  /** set on customer sell decks */
  rate_plan: z.string().nullable(),
  prefix: digitsSchema.nullable(),
  npanxx: z
    .string()
    .regex(/^\d{6}$/)
    .nullable(),
  /** OCN/LATA-keyed rows (priced for `ocn_lata` providers): both set, prefix and npanxx null */
  ocn: z
    .string()
    .regex(/^[0-9A-Z]{4}$/)
    .nullable(),
  lata: z
    .string()
    .regex(/^\d{3}$/)
    .nullable(),
  description: z.string().nullable(),
  country: z.string().nullable(),
  interstate: decimalSchema.nullable(),
  intrastate: decimalSchema.nullable(),
  local: decimalSchema.nullable(),
  indeterminate: decimalSchema.nullable(),
  rate: decimalSchema.nullable(),
  connection_fee: decimalSchema,
  initial_increment: z.number().int(),
  subsequent_increment: z.number().int(),
  minimum_duration: z.number().int(),
  effective_date: dateSchema,
  end_date: dateSchema.nullable(),
});
export type Rate = z.infer<typeof rateView>;

export const rateQuery = listQuery.extend({
  provider_id: idSchema.optional(),
  rate_plan: z.string().optional(),
  /** digits of a dialled number: rows whose prefix or NPA-NXX it starts with */
  destination: digitsSchema.optional(),
  /** rows valid on that date (default today) */
  effective_date: dateSchema.optional(),
});
export type RateQuery = z.infer<typeof rateQuery>;

/** Form fields next to the `file` part of a deck upload, and its query. */
export const rateImportOptions = z.object({
  /** sell decks name their plan (required on `/admin/rates/import`) */
  rate_plan: z.string().trim().min(1).max(64).optional(),
  dry_run: z.boolean().optional(),
});
export type RateImportOptions = z.infer<typeof rateImportOptions>;

export const rateImportReport = z.object({
  dry_run: z.boolean(),
  rows: z.number().int(),
  accepted: z.number().int(),
  rejected: z.array(z.object({ line: z.number().int(), reason: z.string(), column: z.string().optional() })),
  diff: z.object({
    new: z.number().int(),
    increased: z.number().int(),
    decreased: z.number().int(),
    unchanged: z.number().int(),
    removed: z.number().int(),
  }),
  /** false on dry runs and on files with rejected rows */
  activated: z.boolean(),
});
export type RateImportReport = z.infer<typeof rateImportReport>;

// ---------------------------------------------------------------- partitions and routes

export const partitionMember = z.strictObject({
  provider_id: idSchema,
  priority: z.number().int().min(0).max(1000).default(1),
  weight: z.number().int().min(0).max(1000).default(100),
  time_windows: z.array(timeWindow).optional(),
});
const partitionFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).nullable().optional(),
  providers: z.array(partitionMember).max(200).default([]),
};
export const partitionCreate = z.strictObject(partitionFields);
export const partitionUpdate = patchOf(partitionFields);
export const partitionView = z.object({
  ...partitionFields,
  id: idSchema,
  trunk_count: z.number().int().optional(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
});
export const assignPartition = z.strictObject({ partition_id: idSchema.nullable() });
export type PartitionCreate = z.input<typeof partitionCreate>;
export type PartitionUpdate = z.input<typeof partitionUpdate>;
export type Partition = z.infer<typeof partitionView>;
export type AssignPartition = z.infer<typeof assignPartition>;

export const routeQuery = z.object({ partition_id: idSchema.optional(), provider_id: idSchema.optional() });
export type RouteQuery = z.infer<typeof routeQuery>;
export const routeView = z.object({
  partition_id: idSchema,
  partition_name: z.string(),
  provider_id: idSchema,
  provider_name: z.string(),
  provider_status: providerStatus,
  priority: z.number().int(),
  weight: z.number().int(),
  time_windows: z.array(timeWindow).optional(),
  /** whether a time window (if any) is open now */
  active_now: z.boolean(),
});
export type Route = z.infer<typeof routeView>;

// ---------------------------------------------------------------- overrides and exclusions

/** Where an override or exclusion applies; none of customer/trunk = global. Trunk beats customer beats global. */
const scopeFields = {
  customer_id: idSchema.nullable().optional(),
  trunk_id: idSchema.nullable().optional(),
};
const matchFields = {
  prefix: digitsSchema.optional(),
  npanxx: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  ocn: z
    .string()
    .regex(/^[0-9A-Z]{4}$/)
    .optional(),
  lata: z
    .string()
    .regex(/^\d{3,5}$/)
    .optional(),
};
export const overrideAction = z.enum(['force_providers', 'sell_rate', 'rate_ceiling']);
const overrideBody = z.strictObject({
  ...scopeFields,
  ...matchFields,
  action: overrideAction,
  /** ordered provider ids for `force_providers` */
  provider_ids: z.array(idSchema).min(1).max(20).optional(),
  /** per-minute rate for `sell_rate` / `rate_ceiling` */
  rate: decimalSchema.optional(),
  time_window: timeWindow.optional(),
  note: z.string().max(500).optional(),
});
export const overrideCreate = overrideBody.superRefine((o, ctx) => {
  if (!o.prefix && !o.npanxx && !(o.ocn || o.lata)) {
    ctx.addIssue({ code: 'custom', message: 'give prefix, npanxx, or ocn/lata', path: ['prefix'] });
  }
  if (o.action === 'force_providers' && !o.provider_ids) {
    ctx.addIssue({ code: 'custom', message: 'provider_ids is required with force_providers', path: ['provider_ids'] });
  }
  if (o.action !== 'force_providers' && !o.rate) {
    ctx.addIssue({ code: 'custom', message: `rate is required with ${o.action}`, path: ['rate'] });
  }
});
export const overrideView = z.object({
  ...overrideBody.shape,
  id: idSchema,
  created_at: isoDateTime,
  created_by: idSchema.nullable().optional(),
});
export type OverrideCreate = z.input<typeof overrideCreate>;
export type Override = z.infer<typeof overrideView>;

const exclusionBody = z.strictObject({
  customer_id: idSchema.nullable().optional(),
  /** remove this provider (for the customer, or everywhere) */
  provider_id: idSchema.optional(),
  /** or block a destination */
  prefix: digitsSchema.optional(),
  /** NPA-NXX with N (2-9) and X (0-9) wildcards: `900NXX`, `8XXNXX` */
  npanxx_pattern: z
    .string()
    .regex(/^[0-9NX]{3,6}$/)
    .optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  premium: z.boolean().optional(),
  expires_at: isoDateTime.nullable().optional(),
  reason: z.string().max(500).optional(),
});
export const exclusionCreate = exclusionBody.refine((e) => !!(e.provider_id || e.prefix || e.npanxx_pattern || e.country || e.premium), {
  message: 'give provider_id or a destination (prefix, npanxx_pattern, country, premium)',
  path: ['provider_id'],
});
export const exclusionView = z.object({
  ...exclusionBody.shape,
  id: idSchema,
  created_at: isoDateTime,
});
export type ExclusionCreate = z.input<typeof exclusionCreate>;
export type Exclusion = z.infer<typeof exclusionView>;

// ---------------------------------------------------------------- the engine's answer

export const rejectReason = z.enum([
  'NO_ROUTE',
  'ALL_PROVIDERS_EXCLUDED',
  'DESTINATION_BLOCKED',
  'DESTINATION_NOT_ALLOWED',
  'INVALID_NUMBER',
  'LRN_LOOKUP_FAILED',
  'TRUNK_DISABLED',
  'CUSTOMER_SUSPENDED',
  'INSUFFICIENT_BALANCE',
  'RATE_NOT_FOUND',
  'MARGIN_GUARD',
  'CAPACITY_EXCEEDED',
]);
export type RejectReason = z.infer<typeof rejectReason>;
export const numberZone = z.enum(['us', 'canada', 'caribbean', 'tollfree', 'premium', 'n11', 'international']);

export const simulateRequest = z
  .strictObject({
    trunk_id: idSchema.optional(),
    customer_id: idSchema.optional(),
    ani: z.string().max(32),
    dni: z.string().min(1).max(32),
    /** evaluate as of this instant (default now) */
    at: isoDateTime.optional(),
  })
  .refine((s) => !!(s.trunk_id || s.customer_id), { message: 'give trunk_id or customer_id', path: ['trunk_id'] });
export type SimulateRequest = z.input<typeof simulateRequest>;

export const routeCandidate = z.object({
  provider_id: idSchema,
  provider_name: z.string(),
  cost_rate: decimalSchema,
  sell_rate: decimalSchema.nullable(),
  margin: decimalSchema.nullable(),
  jurisdiction: jurisdiction.optional(),
  dial_string: z.string(),
});
export const traceStep = z.object({
  step: z.string(),
  detail: z.string(),
  provider_id: idSchema.optional(),
  dropped: z.string().optional(),
});
export const simulationResult = z.object({
  decision: z.enum(['route', 'reject']),
  reason_code: rejectReason.nullable(),
  zone: numberZone.nullable(),
  lrn: z.string().nullable(),
  ani_state: usStateSchema.nullable().optional(),
  dni_state: usStateSchema.nullable().optional(),
  routes: z.array(routeCandidate),
  trace: z.array(traceStep),
});
export type RouteCandidate = z.infer<typeof routeCandidate>;
export type SimulationResult = z.infer<typeof simulationResult>;
