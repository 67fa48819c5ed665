import { z } from 'zod';

import { idSchema, isoDateTime, listQuery } from './common.js';
import { decimalSchema, e164 } from './scalars.js';

/* SMS and MMS (seed types; messaging issue). */

export const sendSms = z.strictObject({
  from: e164,
  to: e164,
  body: z.string().min(1).max(1600),
  trunk_id: idSchema.optional(),
  webhook_url: z.url().optional(),
});
export const sendMms = z.strictObject({
  from: e164,
  to: e164,
  body: z.string().max(1600).optional(),
  media_urls: z.array(z.url()).min(1).max(10),
  trunk_id: idSchema.optional(),
});
export type SendSms = z.infer<typeof sendSms>;
export type SendMms = z.infer<typeof sendMms>;

export const messageView = z.object({
  id: idSchema,
  type: z.enum(['sms', 'mms']),
  direction: z.enum(['inbound', 'outbound']),
  from: e164,
  to: e164,
  body: z.string().nullable(),
  media_urls: z.array(z.string()),
  segments: z.number().int(),
  status: z.enum(['queued', 'sent', 'delivered', 'failed', 'received']),
  error_code: z.string().nullable(),
  price: decimalSchema.nullable(),
  trunk_id: idSchema.nullable(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
});
export type Message = z.infer<typeof messageView>;
export const messageQuery = listQuery.extend({
  direction: z.enum(['inbound', 'outbound']).optional(),
  from: z.string().max(16).optional(),
  to: z.string().max(16).optional(),
  date_from: z.string().optional(),
  date_to: z.string().optional(),
});
export type MessageQuery = z.infer<typeof messageQuery>;
