import { z } from 'zod';

import { idSchema, isoDateTime, listQuery } from './common.js';
import { decimalSchema, e164, usStateSchema } from './scalars.js';

/* Local numbers: inventory search, ordering, E911, porting (seed types; numbers issue). */

export const phoneNumberView = z.object({
  id: idSchema,
  number: e164,
  type: z.enum(['local', 'tollfree']),
  status: z.enum(['active', 'pending', 'porting', 'released']),
  trunk_id: idSchema.nullable(),
  rate_center: z.string().nullable(),
  state: usStateSchema.nullable(),
  e911_address_id: idSchema.nullable(),
  sms_enabled: z.boolean(),
  monthly_rate: decimalSchema,
  created_at: isoDateTime,
});
/** The seed calls it `Number`, which would shadow the global. */
export type PhoneNumber = z.infer<typeof phoneNumberView>;
export const numberQuery = listQuery.extend({ trunk_id: idSchema.optional() });
export type NumberQuery = z.infer<typeof numberQuery>;

export const numberSearchQuery = z.object({
  area_code: z
    .string()
    .regex(/^[2-9]\d{2}$/)
    .optional(),
  rate_center: z.string().max(64).optional(),
  state: usStateSchema.optional(),
  contains: z
    .string()
    .regex(/^\d{1,10}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
export type NumberSearchQuery = z.infer<typeof numberSearchQuery>;
export const availableNumberView = z.object({
  number: e164,
  rate_center: z.string().nullable(),
  state: usStateSchema.nullable(),
  monthly_rate: decimalSchema,
  setup_fee: decimalSchema,
});
export type AvailableNumber = z.infer<typeof availableNumberView>;

export const orderNumbers = z.strictObject({ numbers: z.array(e164).min(1).max(100), trunk_id: idSchema });
export type OrderNumbers = z.infer<typeof orderNumbers>;
export const e911Update = z.strictObject({ address_id: idSchema });

export const serviceAddress = z.strictObject({
  street: z.string().min(1).max(200),
  city: z.string().min(1).max(100),
  state: usStateSchema,
  postal_code: z.string().regex(/^\d{5}(-\d{4})?$/),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('US'),
});
export const portRequest = z.strictObject({
  numbers: z.array(e164).min(1).max(1000),
  trunk_id: idSchema,
  losing_carrier: z.string().min(1).max(100),
  account_number: z.string().min(1).max(64),
  pin: z.string().max(20).optional(),
  authorized_name: z.string().min(1).max(100),
  service_address: serviceAddress,
  requested_date: z.iso.date().optional(),
});
export type PortRequest = z.input<typeof portRequest>;
export const portOrderView = z.object({
  id: idSchema,
  status: z.enum(['submitted', 'pending', 'foc_received', 'completed', 'rejected', 'cancelled']),
  numbers: z.array(e164),
  trunk_id: idSchema,
  foc_date: z.iso.date().nullable(),
  reject_reason: z.string().nullable(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
});
export type PortOrder = z.infer<typeof portOrderView>;
