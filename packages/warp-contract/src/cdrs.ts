import { z } from 'zod';

import { idSchema, isoDateTime, listQuery } from './common.js';
import { jurisdiction, numberZone, traceStep } from './routing.js';
import { decimalSchema } from './scalars.js';

/* CDR ingestion, rated CDRs and exports (issue 15). Money is decimal strings. */

// ---------------------------------------------------------------- ingestion (edge key, /v1/internal/cdrs)

export const cdrAttempt = z.strictObject({
  provider_id: idSchema,
  started_at: isoDateTime,
  answered_at: isoDateTime.nullable().optional(),
  ended_at: isoDateTime,
  sip_code: z.number().int().min(100).max(699),
});
export const ingestCdr = z
  .strictObject({
    call_id: z.string().min(1).max(255),
    trunk_id: idSchema.optional(),
    source_ip: z.union([z.ipv4(), z.ipv6()]).optional(),
    ani: z.string().max(32),
    dni: z.string().min(1).max(32),
    decision_id: z.string().max(64).optional(),
    started_at: isoDateTime,
    attempts: z.array(cdrAttempt).max(20),
    disconnect_cause: z.string().max(64).optional(),
  })
  .refine((c) => !!(c.trunk_id || c.source_ip), { message: 'give trunk_id or source_ip', path: ['trunk_id'] });
/** The batch is parsed loosely so one bad CDR is rejected on its own while the rest are stored. */
export const ingestBatch = z.strictObject({ cdrs: z.array(z.unknown()).min(1).max(1000) });
export const ingestResult = z.object({
  results: z.array(
    z.object({
      index: z.number().int(),
      call_id: z.string().nullable(),
      status: z.enum(['accepted', 'duplicate', 'rejected']),
      errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  ),
});
export type CdrAttempt = z.infer<typeof cdrAttempt>;
export type IngestCdr = z.input<typeof ingestCdr>;
export type IngestResult = z.infer<typeof ingestResult>;

// ---------------------------------------------------------------- rated CDRs

export const cdrDirection = z.enum(['outbound', 'inbound']);
export const cdrDisposition = z.enum(['answered', 'no_answer', 'busy', 'failed', 'cancelled']);

/** A rated CDR as its customer sees it: the sell side only. */
export const cdrView = z.object({
  id: idSchema,
  call_id: z.string(),
  trunk_id: idSchema.nullable(),
  ani: z.string(),
  dni: z.string(),
  direction: cdrDirection,
  zone: z.union([jurisdiction, numberZone]).nullable(),
  started_at: isoDateTime,
  answered_at: isoDateTime.nullable(),
  ended_at: isoDateTime.nullable(),
  /** seconds */
  duration: z.number().int(),
  billable_seconds: z.number().int(),
  rate: decimalSchema.nullable(),
  amount: decimalSchema,
  disposition: cdrDisposition,
});
/** The staff view: both ratings, every attempt and the routing trace. */
export const cdrDetailView = cdrView.extend({
  customer_id: idSchema,
  sell_rate: decimalSchema.nullable(),
  sell_amount: decimalSchema,
  cost_rate: decimalSchema.nullable(),
  cost_amount: decimalSchema,
  margin: decimalSchema,
  margin_percent: decimalSchema.nullable(),
  provider_id: idSchema.nullable(),
  attempts: z.array(cdrAttempt),
  rating_error: z.string().nullable(),
  trace: z.array(traceStep),
});
export type Cdr = z.infer<typeof cdrView>;
export type CdrDetail = z.infer<typeof cdrDetailView>;

/** `date_from`/`date_to` are required, at most 93 days apart. */
export const cdrQuery = listQuery.extend({
  date_from: z.string().min(1),
  date_to: z.string().min(1),
  trunk_id: idSchema.optional(),
  direction: cdrDirection.optional(),
});
export const adminCdrQuery = listQuery.extend({
  customer_id: idSchema.optional(),
  trunk_id: idSchema.optional(),
  date_from: z.string().min(1),
  date_to: z.string().min(1),
  /** prefix search */
  ani: z.string().max(32).optional(),
  /** prefix search */
  dnis: z.string().max(32).optional(),
  /** `true`: only CDRs that could not be rated (their rating_error says why) */
  unrated: z.enum(['true', 'false']).optional(),
});
export type CdrQuery = z.infer<typeof cdrQuery>;
export type AdminCdrQuery = z.infer<typeof adminCdrQuery>;

export const cdrExportRequest = z.strictObject({
  date_from: z.string().min(1),
  date_to: z.string().min(1),
  format: z.enum(['csv', 'json', 'pdf']),
});
export const cdrExport = z.object({
  download_url: z.string(),
  export_id: idSchema,
  status: z.enum(['pending', 'running', 'ready', 'failed']),
});
/** `POST /admin/cdrs/rerate`: re-rates a period (≤ 93 days) on today's decks, keeping the previous figures in history. */
export const cdrRerateRequest = z.strictObject({
  date_from: z.string().min(1),
  date_to: z.string().min(1),
  customer_id: idSchema.optional(),
});
export type CdrRerateRequest = z.infer<typeof cdrRerateRequest>;
export type CdrExportRequest = z.infer<typeof cdrExportRequest>;
export type CdrExport = z.infer<typeof cdrExport>;
