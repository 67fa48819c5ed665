import { z } from 'zod';

import { idSchema, isoDateTime } from './common.js';
import { decimalSchema } from './scalars.js';

/* Staff operations: service configuration (third-party integrations), system monitoring, support tickets. */

// ---------------------------------------------------------------- service configuration

export const serviceType = z.enum(['lrn', 'tollfree', 'numbers', 'porting', 'messaging', 'payments', 'netsuite', 'email', 'cnam', 'e911']);
export type ServiceType = z.infer<typeof serviceType>;
const serviceFields = {
  type: serviceType,
  name: z.string().trim().min(1).max(100),
  /** the vendor, e.g. `telique`, `somos`, `netsuite` */
  provider: z.string().trim().min(1).max(64),
  enabled: z.boolean().default(true),
  base_url: z.url().nullable().optional(),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
};
/** Credentials are write-only: sent on create/update, stored encrypted, never returned. */
export const serviceConfigCreate = z.strictObject({
  ...serviceFields,
  credentials: z.record(z.string(), z.string().max(4096)).optional(),
});
export const serviceConfigUpdate = serviceConfigCreate.partial();
export const serviceConfigView = z.object({
  ...serviceFields,
  id: idSchema,
  /** which credential names are set (never their values) */
  credential_keys: z.array(z.string()),
  credentials_rotated_at: isoDateTime.nullable(),
  last_test: z.object({ ok: z.boolean(), at: isoDateTime, message: z.string() }).nullable(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
});
export type ServiceConfigCreate = z.input<typeof serviceConfigCreate>;
export type ServiceConfigUpdate = z.input<typeof serviceConfigUpdate>;
export type ServiceConfig = z.infer<typeof serviceConfigView>;
export const serviceTestResult = z.object({ ok: z.boolean(), latency_ms: z.number().nullable(), message: z.string() });
export type TestResult = z.infer<typeof serviceTestResult>;
export const serviceHistoryEntry = z.object({
  id: idSchema,
  action: z.string(),
  actor_id: idSchema.nullable(),
  changes: z.record(z.string(), z.unknown()),
  request_id: z.string().nullable(),
  created_at: isoDateTime,
});
export type ServiceHistoryEntry = z.infer<typeof serviceHistoryEntry>;
export const rotateCredentialsResult = z.object({ rotated_at: isoDateTime, credential_keys: z.array(z.string()) });

// ---------------------------------------------------------------- system monitoring

export const systemMetrics = z.object({
  active_calls: z.number().int(),
  calls_per_second: z.number(),
  asr: z.number(),
  acd: z.number(),
  trunks_registered: z.number().int().optional(),
  providers_up: z.number().int(),
  providers_down: z.number().int(),
  cdr_backlog: z.number().int(),
  as_of: isoDateTime,
});
export type SystemMetrics = z.infer<typeof systemMetrics>;
export const activeCallView = z.object({
  call_id: z.string(),
  customer_id: idSchema,
  trunk_id: idSchema.nullable(),
  provider_id: idSchema.nullable(),
  ani: z.string(),
  dni: z.string(),
  state: z.enum(['routing', 'ringing', 'answered']),
  started_at: isoDateTime,
  answered_at: isoDateTime.nullable(),
  sell_rate: decimalSchema.nullable(),
});
export type ActiveCall = z.infer<typeof activeCallView>;
export const systemAlertView = z.object({
  id: idSchema,
  severity: z.enum(['info', 'warning', 'critical']),
  source: z.string(),
  message: z.string(),
  created_at: isoDateTime,
  resolved_at: isoDateTime.nullable(),
});
/** The seed's `Alert` (renamed: the DOM has one). */
export type SystemAlert = z.infer<typeof systemAlertView>;

// ---------------------------------------------------------------- support tickets

export const ticketStatus = z.enum(['open', 'pending', 'resolved', 'closed']);
export const ticketPriority = z.enum(['low', 'normal', 'high', 'urgent']);
const ticketFields = {
  customer_id: idSchema,
  subject: z.string().trim().min(1).max(200),
  description: z.string().max(10_000).default(''),
  priority: ticketPriority.default('normal'),
  category: z.string().max(64).optional(),
  assigned_to: idSchema.nullable().optional(),
};
export const ticketCreate = z.strictObject(ticketFields);
export const ticketUpdate = z
  .strictObject({
    ...ticketFields,
    status: ticketStatus,
  })
  .partial();
export const ticketView = z.object({
  ...ticketFields,
  id: idSchema,
  status: ticketStatus,
  created_at: isoDateTime,
  updated_at: isoDateTime,
});
export const ticketQuery = z.object({
  status: ticketStatus.optional(),
  customer_id: idSchema.optional(),
  assigned_to: idSchema.optional(),
  page: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
export const ticketMessageCreate = z.strictObject({ message: z.string().trim().min(1).max(10_000) });
export const ticketMessageView = z.object({
  id: idSchema,
  ticket_id: idSchema,
  author_id: idSchema.nullable(),
  message: z.string(),
  created_at: isoDateTime,
});
export type TicketCreate = z.input<typeof ticketCreate>;
export type TicketUpdate = z.input<typeof ticketUpdate>;
export type Ticket = z.infer<typeof ticketView>;
export type TicketQuery = z.infer<typeof ticketQuery>;
export type TicketMessage = z.infer<typeof ticketMessageView>;
