import { z } from 'zod';

import { idSchema, isoDateTime } from './common.js';

/* Toll-free numbers through Somos (customer side) and RespOrg administration (staff side). Seed types. */

/** A toll-free number as ten digits: 8YYNXXXXXX. */
export const tfn = z.string().regex(/^8(00|33|44|55|66|77|88)\d{7}$/, 'a toll-free number such as 8005551234');

export const tollFreeSearchQuery = z.object({
  area_code: z.enum(['800', '833', '844', '855', '866', '877', '888']).optional(),
  /** vanity pattern, digits or letters with `*` wildcards */
  pattern: z
    .string()
    .regex(/^[0-9A-Z*]{1,10}$/i)
    .optional(),
  quantity: z.coerce.number().int().min(1).max(10).optional(),
  consecutive: z.coerce.boolean().optional(),
});
export type TollFreeSearchQuery = z.infer<typeof tollFreeSearchQuery>;
export const tollFreeStatusValue = z.enum(['spare', 'reserved', 'assigned', 'working', 'transitional', 'disconnected']);
export const tollFreeNumberView = z.object({ tfn: tfn, status: tollFreeStatusValue });
export type TollFreeNumber = z.infer<typeof tollFreeNumberView>;

export const reserveTollFree = z.strictObject({ tfn: tfn });
export const reservationResult = z.object({ tfn: tfn, status: z.literal('reserved'), expires_at: isoDateTime });
export type ReservationResult = z.infer<typeof reservationResult>;
export const provisionTollFree = z.strictObject({ tfn: tfn, trunk_id: idSchema });
export const provisionResult = z.object({ tfn: tfn, status: tollFreeStatusValue, trunk_id: idSchema, number_id: idSchema });
export type ProvisionResult = z.infer<typeof provisionResult>;

/** Where a toll-free number's calls go; the seed's `RoutingConfig`. */
export const tollFreeRouting = z.strictObject({
  trunk_id: idSchema,
  /** ordered failover trunks */
  failover_trunk_ids: z.array(idSchema).max(5).optional(),
  /** RespOrg carrier identification codes, when routed per CIC */
  cic: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
});
export type RoutingConfig = z.infer<typeof tollFreeRouting>;
export const smsEnableOptions = z.strictObject({
  campaign_id: z.string().max(64).optional(),
  webhook_url: z.url().optional(),
});
export type SMSEnableOptions = z.infer<typeof smsEnableOptions>;
export const tollFreeStatus = z.object({
  tfn: tfn,
  status: tollFreeStatusValue,
  resp_org_id: z.string().nullable(),
  trunk_id: idSchema.nullable(),
  sms_enabled: z.boolean(),
  updated_at: isoDateTime,
});
export type TollFreeStatus = z.infer<typeof tollFreeStatus>;

// ---------------------------------------------------------------- RespOrg (staff)

export const respOrgEntityView = z.object({ id: z.string(), name: z.string() });
export const respOrgIdView = z.object({ id: z.string().regex(/^[A-Z0-9]{5}$/), entity_id: z.string(), name: z.string().nullable() });
export type RespOrgEntity = z.infer<typeof respOrgEntityView>;
export type RespOrgId = z.infer<typeof respOrgIdView>;
export const bulkReserveTollFree = z.strictObject({ numbers: z.array(tfn).min(1).max(1000), resp_org_id: z.string() });
export const bulkProvisionTollFree = z.strictObject({
  provisions: z
    .array(z.strictObject({ tfn: tfn, customer_id: idSchema, routing: tollFreeRouting }))
    .min(1)
    .max(1000),
});
export type BulkProvision = z.infer<typeof bulkProvisionTollFree>['provisions'][number];
export const bulkResult = z.object({
  results: z.array(z.object({ tfn: tfn, ok: z.boolean(), error: z.string().optional() })),
});
export type BulkResult = z.infer<typeof bulkResult>;
export const tollFreeTransfer = z.strictObject({ tfn: tfn, new_resp_org_id: z.string() });
export const tollFreeTransferResult = z.object({ tfn: tfn, status: z.enum(['pending', 'completed', 'rejected']), id: idSchema });
export type TollFreeTransferResult = z.infer<typeof tollFreeTransferResult>;
export const tollFreeInventoryQuery = z.object({ status: tollFreeStatusValue.optional(), resp_org_id: z.string().optional() });
export type TollFreeInventoryQuery = z.infer<typeof tollFreeInventoryQuery>;
export const tollFreeInventoryItem = tollFreeStatus.extend({ customer_id: idSchema.nullable() });
export type TollFreeInventoryItem = z.infer<typeof tollFreeInventoryItem>;
