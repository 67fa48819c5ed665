import { z } from 'zod';

import { emailSchema, listQuery, longText, moneySchema, searchSchema, text } from './common.js';

export const CUSTOMER_TYPES = ['prepaid', 'postpaid'] as const;
export const CUSTOMER_STATUSES = ['active', 'suspended', 'terminated'] as const;
export const customerType = z.enum(CUSTOMER_TYPES);
export const customerStatus = z.enum(CUSTOMER_STATUSES);

const phone = z
  .string()
  .trim()
  .max(32)
  .regex(/^\+?[0-9 ().-]{5,31}$/, 'must be a phone number');

export const contactSchema = z.strictObject({
  name: text(100).optional(),
  email: emailSchema.optional(),
  phone: phone.optional(),
  /** Where invoices and account notices go, when not `email`. */
  billing_email: emailSchema.optional(),
  technical_email: emailSchema.optional(),
});
export type Contact = z.infer<typeof contactSchema>;

export const addressSchema = z.strictObject({
  line1: text(200),
  line2: text(200).optional(),
  city: text(100),
  state: text(100).optional(),
  postal_code: text(20),
  country: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. US'),
});
export type Address = z.infer<typeof addressSchema>;

export const currencySchema = z
  .string()
  .trim()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code, e.g. USD');

export const customerView = z.object({
  id: z.string(),
  /** Billing account number: unique, generated. */
  ban: z.string(),
  name: z.string(),
  type: customerType,
  status: customerStatus,
  status_reason: z.string().nullable(),
  contact: contactSchema,
  address: addressSchema.nullable(),
  credit_limit: z.string(),
  /** Net days. */
  payment_terms: z.number().int(),
  currency: z.string(),
  suspended_at: z.string().nullable(),
  terminated_at: z.string().nullable(),
  /** the customer's sell deck (issue 13); a trunk may override it */
  rate_plan: z.string().nullable().optional(),
  /** routing policy: may be routed above its sell rate (no margin guard) */
  allow_loss: z.boolean().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Customer = z.infer<typeof customerView>;

/** A rate plan's name, as sell decks are uploaded under it. */
export const ratePlanName = z
  .string()
  .trim()
  .regex(/^[\w.-]{1,64}$/, 'must be 1 to 64 letters, digits, . _ or -');

export const customerCreate = z.strictObject({
  name: text(200),
  type: customerType,
  contact: contactSchema.default({}),
  address: addressSchema.optional(),
  credit_limit: moneySchema.optional(),
  payment_terms: z.number().int().min(0).max(365).optional(),
  currency: currencySchema.optional(),
  rate_plan: ratePlanName.nullable().optional(),
  allow_loss: z.boolean().optional(),
});
export type CustomerCreate = z.input<typeof customerCreate>;

/** Staff update: every commercial field; status changes go through suspend / terminate / reactivate. */
export const customerUpdate = z.strictObject({
  name: text(200).optional(),
  type: customerType.optional(),
  contact: contactSchema.optional(),
  address: addressSchema.nullable().optional(),
  credit_limit: moneySchema.optional(),
  payment_terms: z.number().int().min(0).max(365).optional(),
  currency: currencySchema.optional(),
  rate_plan: ratePlanName.nullable().optional(),
  allow_loss: z.boolean().optional(),
});
export type CustomerUpdate = z.input<typeof customerUpdate>;

/** A customer admin changes its contact details only (not status, credit limit, terms or type). */
export const accountUpdate = z.strictObject({
  contact: contactSchema.optional(),
  address: addressSchema.nullable().optional(),
});
export type AccountUpdate = z.input<typeof accountUpdate>;

export const statusChangeRequest = z.strictObject({ reason: longText(500).pipe(z.string().min(1, 'is required')) });
export type StatusChangeRequest = z.infer<typeof statusChangeRequest>;

export const customerListQuery = listQuery.extend({
  status: customerStatus.optional(),
  type: customerType.optional(),
  /** Matches name or BAN. */
  search: searchSchema,
});
export type CustomerListQuery = z.infer<typeof customerListQuery>;
