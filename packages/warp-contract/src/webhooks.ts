import { z } from 'zod';

import { listQuery, longText } from './common.js';

export const WEBHOOK_EVENTS = ['trunk.created', 'trunk.updated', 'trunk.deleted', 'api_key.created', 'cdr_export.ready'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
export const webhookEvent = z.enum(WEBHOOK_EVENTS);

const url = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }));

export const webhookCreate = z.strictObject({
  url,
  events: z.array(webhookEvent).min(1, 'at least one event').max(WEBHOOK_EVENTS.length),
  description: longText(500).optional(),
});
export type WebhookCreate = z.infer<typeof webhookCreate>;

/** `status: "active"` re-enables an endpoint that was disabled after failing. */
export const webhookUpdate = z.strictObject({
  url: url.optional(),
  events: z.array(webhookEvent).min(1, 'at least one event').max(WEBHOOK_EVENTS.length).optional(),
  description: longText(500).nullable().optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export type WebhookUpdate = z.infer<typeof webhookUpdate>;

export const webhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  /** Since when every delivery has failed (null when the last one succeeded). */
  failing_since: z.string().nullable(),
  disabled_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Webhook = z.infer<typeof webhookView>;

/** The create answer: the only time the signing `secret` is shown. */
export const webhookCreated = webhookView.extend({ secret: z.string() });
export type WebhookCreated = z.infer<typeof webhookCreated>;

export const deliveryAttemptView = z.object({
  attempted_at: z.string(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});

export const webhookDeliveryView = z.object({
  id: z.string(),
  webhook_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
  attempt_log: z.array(deliveryAttemptView).optional(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliveryView>;

export const deliveryListQuery = listQuery.extend({ status: z.enum(['pending', 'delivered', 'failed']).optional() });

/**
 * The body POSTed to an endpoint. Signed with `X-Warp-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, t + "." + raw body)>`.
 */
export const webhookPayload = z.object({
  event_id: z.string(),
  event_type: z.string(),
  created_at: z.string(),
  data: z.unknown(),
});
export type WebhookPayload = z.infer<typeof webhookPayload>;
