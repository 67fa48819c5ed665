import { z } from 'zod';

import { idSchema, isoDateTime } from './common.js';

/*
 * NetSuite: WARP's own /netsuite/* endpoints (staff) and the NetSuite REST record shapes the
 * NetSuiteApiClient reads and writes (../shared/reference/netsuite-rest.md). NetSuite records carry
 * custom fields (custentity_*, custbody_*) at the top level, so their schemas keep unknown keys.
 */

// ---------------------------------------------------------------- WARP's NetSuite endpoints

export const netSuiteAuthStatus = z.object({
  connected: z.boolean(),
  account_id: z.string().nullable(),
  expires_at: isoDateTime.nullable(),
  refresh_expires_at: isoDateTime.nullable().optional(),
});
export type NetSuiteAuthStatus = z.infer<typeof netSuiteAuthStatus>;
export const netSuiteOAuthInit = z.object({ auth_url: z.string() });

export const netSuiteSyncType = z.enum(['customers', 'invoices', 'payments', 'all']);
export const netSuiteSyncTrigger = z.strictObject({ type: netSuiteSyncType.default('all') });
export const netSuiteSyncRun = z.object({
  id: idSchema,
  type: netSuiteSyncType,
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'partial']),
  started_at: isoDateTime.nullable(),
  finished_at: isoDateTime.nullable(),
  records_synced: z.number().int(),
  records_failed: z.number().int(),
  error: z.string().nullable(),
});
export const netSuiteSyncStatus = z.object({
  last_run: netSuiteSyncRun.nullable(),
  running: z.boolean(),
  pending: z.object({ customers: z.number().int(), invoices: z.number().int(), payments: z.number().int() }),
});
export const netSuiteSyncHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type NetSuiteSyncType = z.infer<typeof netSuiteSyncType>;
export type NetSuiteSyncRun = z.infer<typeof netSuiteSyncRun>;
export type NetSuiteSyncStatus = z.infer<typeof netSuiteSyncStatus>;
export type NetSuiteSyncHistoryQuery = z.infer<typeof netSuiteSyncHistoryQuery>;

/** How WARP objects map onto NetSuite: subsidiary, items per charge type, accounts, custom field ids. */
export const netSuiteMappings = z.strictObject({
  subsidiary_id: z.string().nullable().optional(),
  currency_ids: z.record(z.string(), z.string()).optional(),
  items: z.record(z.string(), z.string()).optional(),
  ar_account_id: z.string().nullable().optional(),
  deposit_account_id: z.string().nullable().optional(),
  customer_id_field: z.string().default('custentity_warp_customer_id'),
  invoice_id_field: z.string().default('custbody_warp_invoice_id'),
});
export type NetSuiteMappings = z.input<typeof netSuiteMappings>;

// ---------------------------------------------------------------- NetSuite REST records

export const netSuiteLink = z.object({ rel: z.string(), href: z.string() });
export const netSuiteRef = z.looseObject({ id: z.string(), refName: z.string().optional(), links: z.array(netSuiteLink).optional() });
export type NetSuiteRef = z.infer<typeof netSuiteRef>;
const sublist = <T extends z.ZodType>(line: T) => z.looseObject({ items: z.array(line) });

export const netSuiteCustomerView = z.looseObject({
  id: z.string(),
  externalId: z.string().optional(),
  entityId: z.string().optional(),
  companyName: z.string().optional(),
  isPerson: z.boolean().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  subsidiary: netSuiteRef.optional(),
  terms: netSuiteRef.optional(),
  currency: netSuiteRef.optional(),
  isInactive: z.boolean().optional(),
  balance: z.number().optional(),
  overdueBalance: z.number().optional(),
  custentity_warp_customer_id: z.string().optional(),
});
export const netSuiteInvoiceLine = z.looseObject({
  item: netSuiteRef,
  quantity: z.number().optional(),
  rate: z.number().optional(),
  amount: z.number().optional(),
  description: z.string().optional(),
});
export const netSuiteInvoiceView = z.looseObject({
  id: z.string(),
  externalId: z.string().optional(),
  tranId: z.string().optional(),
  entity: netSuiteRef.optional(),
  tranDate: z.string().optional(),
  dueDate: z.string().optional(),
  subsidiary: netSuiteRef.optional(),
  currency: netSuiteRef.optional(),
  memo: z.string().optional(),
  total: z.number().optional(),
  item: sublist(netSuiteInvoiceLine).optional(),
  custbody_warp_invoice_id: z.string().optional(),
});
export const netSuitePaymentView = z.looseObject({
  id: z.string(),
  externalId: z.string().optional(),
  customer: netSuiteRef.optional(),
  payment: z.number().optional(),
  tranDate: z.string().optional(),
  currency: netSuiteRef.optional(),
  account: netSuiteRef.optional(),
  memo: z.string().optional(),
  apply: sublist(z.looseObject({ doc: netSuiteRef, apply: z.boolean(), amount: z.number().optional() })).optional(),
});
export const netSuiteItemView = z.looseObject({
  id: z.string(),
  itemId: z.string().optional(),
  displayName: z.string().optional(),
  externalId: z.string().optional(),
  subsidiary: z.unknown().optional(),
  isInactive: z.boolean().optional(),
});
export const netSuiteJournalEntryView = z.looseObject({
  id: z.string(),
  externalId: z.string().optional(),
  tranDate: z.string().optional(),
  subsidiary: netSuiteRef.optional(),
  currency: netSuiteRef.optional(),
  memo: z.string().optional(),
  line: sublist(z.looseObject({ account: netSuiteRef, debit: z.number().optional(), credit: z.number().optional(), memo: z.string().optional() })).optional(),
});
export const netSuiteSubsidiaryView = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  legalName: z.string().optional(),
  parent: netSuiteRef.optional(),
  currency: netSuiteRef.optional(),
  isInactive: z.boolean().optional(),
});
export const netSuiteCompanyInfoView = z.looseObject({ companyName: z.string().optional() });
export type NetSuiteCustomer = z.infer<typeof netSuiteCustomerView>;
export type NetSuiteInvoice = z.infer<typeof netSuiteInvoiceView>;
export type NetSuitePayment = z.infer<typeof netSuitePaymentView>;
export type NetSuiteItem = z.infer<typeof netSuiteItemView>;
export type NetSuiteJournalEntry = z.infer<typeof netSuiteJournalEntryView>;
export type NetSuiteSubsidiary = z.infer<typeof netSuiteSubsidiaryView>;
export type NetSuiteCompanyInfo = z.infer<typeof netSuiteCompanyInfoView>;

/** A record collection: items hold `id` and `links` only. */
export const netSuiteCollection = z.object({
  links: z.array(netSuiteLink),
  count: z.number().int(),
  hasMore: z.boolean(),
  offset: z.number().int(),
  totalResults: z.number().int(),
  items: z.array(z.looseObject({ id: z.string(), links: z.array(netSuiteLink).optional() })),
});
export interface NetSuiteCollection<T = { id: string }> extends Omit<z.infer<typeof netSuiteCollection>, 'items'> {
  items: T[];
}

/** The token endpoint's answer; `expires_in` may come as a string. */
export const netSuiteTokenResponse = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
  expires_in: z.coerce.number().positive(),
  token_type: z.string(),
});
export type NetSuiteTokenResponse = z.infer<typeof netSuiteTokenResponse>;

/** Both error shapes NetSuite sends: `o:errorDetails[]` and the older flat one. */
export const netSuiteErrorBody = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  'o:errorCode': z.string().optional(),
  'o:errorDetails': z.array(z.looseObject({ detail: z.string(), 'o:errorCode': z.string(), 'o:errorPath': z.string().optional() })).optional(),
});
export type NetSuiteErrorBody = z.infer<typeof netSuiteErrorBody>;
