import { z } from 'zod';

import { idSchema, isoDateTime } from './common.js';
import { dateSchema, decimalSchema, reportPeriod } from './scalars.js';

/* Usage summaries, live metrics and margin analysis (issue 15). */

/** `?period=today|week|month`, or a custom `?start&end` without `period` (what the seed's client sends). */
export const usageSummaryQuery = z.union([z.object({ period: reportPeriod }), z.object({ start: z.string().min(1), end: z.string().min(1) })]);
export type UsageSummaryQuery = z.infer<typeof usageSummaryQuery>;

export const usageDay = z.object({
  date: dateSchema,
  calls: z.number().int(),
  answered: z.number().int(),
  billable_minutes: decimalSchema,
  charges: decimalSchema,
});
export const usageSummary = z.object({
  start: isoDateTime,
  end: isoDateTime,
  calls: z.number().int(),
  answered: z.number().int(),
  /** percent */
  asr: z.number(),
  /** seconds */
  acd: z.number(),
  billable_minutes: decimalSchema,
  charges: decimalSchema,
  currency: z.string(),
  daily: z.array(usageDay),
});
export type UsageSummary = z.infer<typeof usageSummary>;

/** `GET /admin/customers/:id/usage?period=` */
export const customerUsage = usageSummary.extend({
  customer_id: idSchema,
  cost: decimalSchema,
  margin: decimalSchema,
});
export type CustomerUsage = z.infer<typeof customerUsage>;

/** `GET /metrics/current` */
export const currentMetrics = z.object({
  active_calls: z.number().int(),
  calls_per_second: z.number(),
  /** percent over `window_minutes` */
  asr: z.number(),
  window_minutes: z.number().int(),
  spend_today: decimalSchema,
  currency: z.string(),
  as_of: isoDateTime,
});
export type CurrentMetrics = z.infer<typeof currentMetrics>;
/** The seed's name for it. */
export type Metrics = CurrentMetrics;

export const marginQuery = z.object({
  customer_id: idSchema.optional(),
  provider_id: idSchema.optional(),
  destination: z.string().max(32).optional(),
  date_from: z.string().optional(),
  date_to: z.string().optional(),
});
export type MarginQuery = z.infer<typeof marginQuery>;
/** below 15 % critical, below 40 % warning */
export const marginHealth = z.enum(['healthy', 'warning', 'critical']);
export const marginRow = z.object({
  customer_id: idSchema.nullable(),
  provider_id: idSchema.nullable(),
  zone: z.string().nullable(),
  calls: z.number().int(),
  revenue: decimalSchema,
  cost: decimalSchema,
  margin: decimalSchema,
  margin_percent: decimalSchema.nullable(),
  health: marginHealth,
});
export const marginAnalysis = z.object({
  rows: z.array(marginRow),
  totals: marginRow.omit({ customer_id: true, provider_id: true, zone: true }),
});
export type MarginAnalysis = z.infer<typeof marginAnalysis>;
