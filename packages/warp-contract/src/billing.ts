import { z } from 'zod';

import { idSchema, isoDateTime, listQuery } from './common.js';
import { currencySchema } from './customers.js';
import { dateSchema, decimalSchema } from './scalars.js';

/* Balance, invoices, payment methods, recharge and the staff's billing reports (seed types; billing issue). */

export const balanceView = z.object({
  customer_id: idSchema,
  type: z.enum(['prepaid', 'postpaid']),
  balance: decimalSchema,
  credit_limit: decimalSchema.nullable(),
  /** what can still be spent: balance (+ credit limit on postpaid) */
  available: decimalSchema,
  unbilled_usage: decimalSchema,
  currency: currencySchema,
  updated_at: isoDateTime,
});
export type Balance = z.infer<typeof balanceView>;

export const invoiceStatus = z.enum(['draft', 'open', 'paid', 'overdue', 'void']);
export const invoiceLine = z.object({
  description: z.string(),
  quantity: decimalSchema,
  unit_price: decimalSchema,
  amount: decimalSchema,
});
export const invoiceView = z.object({
  id: idSchema,
  number: z.string(),
  customer_id: idSchema,
  status: invoiceStatus,
  period_start: dateSchema,
  period_end: dateSchema,
  issued_at: isoDateTime.nullable(),
  due_date: dateSchema.nullable(),
  currency: currencySchema,
  subtotal: decimalSchema,
  tax: decimalSchema,
  total: decimalSchema,
  amount_paid: decimalSchema,
  amount_due: decimalSchema,
  lines: z.array(invoiceLine).optional(),
  netsuite_id: z.string().nullable().optional(),
});
export type Invoice = z.infer<typeof invoiceView>;
export const invoiceQuery = listQuery.extend({ status: invoiceStatus.optional() });
export type InvoiceQuery = z.infer<typeof invoiceQuery>;
export const downloadLink = z.object({ download_url: z.string(), expires_at: isoDateTime.optional() });
export type DownloadLink = z.infer<typeof downloadLink>;

export const paymentMethodType = z.enum(['card', 'ach', 'wire']);
export const paymentMethodView = z.object({
  id: idSchema,
  type: paymentMethodType,
  brand: z.string().nullable(),
  last4: z
    .string()
    .regex(/^\d{4}$/)
    .nullable(),
  exp_month: z.number().int().min(1).max(12).nullable(),
  exp_year: z.number().int().nullable(),
  is_default: z.boolean(),
  created_at: isoDateTime,
});
/** The card or bank details never reach WARP: the portal sends the payment processor's token. */
export const paymentMethodCreate = z.strictObject({
  type: paymentMethodType,
  token: z.string().min(1).max(255),
  set_default: z.boolean().optional(),
});
export type PaymentMethod = z.infer<typeof paymentMethodView>;
export type PaymentMethodCreate = z.infer<typeof paymentMethodCreate>;

export const rechargeRequest = z.strictObject({
  amount: z.number().positive().max(1_000_000),
  payment_method_id: idSchema,
});
export const paymentView = z.object({
  id: idSchema,
  customer_id: idSchema,
  amount: decimalSchema,
  currency: currencySchema,
  status: z.enum(['pending', 'succeeded', 'failed', 'refunded']),
  payment_method_id: idSchema.nullable(),
  invoice_id: idSchema.nullable().optional(),
  created_at: isoDateTime,
});
export type RechargeRequest = z.infer<typeof rechargeRequest>;
export type Payment = z.infer<typeof paymentView>;

// ---------------------------------------------------------------- staff reports

export const billingSummary = z.object({
  period: z.string(),
  revenue: decimalSchema,
  cost: decimalSchema,
  margin: decimalSchema,
  invoiced: decimalSchema,
  collected: decimalSchema,
  outstanding: decimalSchema,
  customers_billed: z.number().int(),
  currency: currencySchema,
});
export type BillingSummary = z.infer<typeof billingSummary>;

export const arReport = z.object({
  as_of: isoDateTime,
  currency: currencySchema,
  total: decimalSchema,
  buckets: z.object({ current: decimalSchema, d1_30: decimalSchema, d31_60: decimalSchema, d61_90: decimalSchema, d90_plus: decimalSchema }),
  customers: z.array(z.object({ customer_id: idSchema, name: z.string(), ban: z.string(), outstanding: decimalSchema, oldest_due: dateSchema.nullable() })),
});
export type ARReport = z.infer<typeof arReport>;

export const revenueQuery = z.object({ start_date: dateSchema, end_date: dateSchema });
export const revenueReport = z.object({
  start_date: dateSchema,
  end_date: dateSchema,
  currency: currencySchema,
  revenue: decimalSchema,
  cost: decimalSchema,
  margin: decimalSchema,
  series: z.array(z.object({ date: dateSchema, revenue: decimalSchema, cost: decimalSchema, margin: decimalSchema })),
});
export type RevenueQuery = z.infer<typeof revenueQuery>;
export type RevenueReport = z.infer<typeof revenueReport>;

export const reconcileRequest = z.strictObject({ date: dateSchema });
export const reconcileResult = z.object({
  date: dateSchema,
  status: z.enum(['matched', 'discrepancies', 'running']),
  discrepancies: z.array(z.object({ customer_id: idSchema, expected: decimalSchema, actual: decimalSchema, note: z.string() })),
});
export type ReconcileResult = z.infer<typeof reconcileResult>;

export const disputeView = z.object({
  id: idSchema,
  customer_id: idSchema,
  invoice_id: idSchema.nullable(),
  amount: decimalSchema,
  reason: z.string(),
  status: z.enum(['open', 'resolved', 'rejected']),
  resolution: z.string().nullable(),
  created_at: isoDateTime,
  resolved_at: isoDateTime.nullable(),
});
export const disputeResolution = z.strictObject({ resolution: z.string().trim().min(1).max(2000) });
export type Dispute = z.infer<typeof disputeView>;
