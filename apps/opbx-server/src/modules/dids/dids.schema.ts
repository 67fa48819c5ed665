import { paginationQuery } from '@opbx/platform';
import { z } from 'zod';

import { e164Schema, idSchema, searchSchema, statusSchema } from '../../http/schemas.js';

const routingTypeSchema = z.enum(['extension', 'ring_group', 'business_hours', 'voicemail']);
export type RoutingType = z.infer<typeof routingTypeSchema>;

/** The routing_config key that names the target of each routing type (voicemail: the mailbox's extension, optional: none means the general mailbox). */
export const TARGET_FIELD = {
  extension: 'extension_id',
  ring_group: 'ring_group_id',
  business_hours: 'business_hours_id',
  voicemail: 'extension_id',
} as const satisfies Record<RoutingType, string>;
export type TargetField = (typeof TARGET_FIELD)[RoutingType];

const optionalText = (max: number, allowNewlines: boolean) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !(allowNewlines ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/ : /[\u0000-\u001f\u007f]/).test(s), 'must not contain control characters')
    .nullable();

/**
 * Every key is optional and nullable: null (or absence) means "not set", so a form may send all
 * keys at once. Ids that do not belong to the chosen routing type are accepted but never stored.
 */
const routingConfigInput = z.strictObject({
  extension_id: idSchema.nullable().optional(),
  ring_group_id: idSchema.nullable().optional(),
  business_hours_id: idSchema.nullable().optional(),
  fallback_extension_id: idSchema.nullable().optional(),
  voicemail_greeting: optionalText(500, true).optional(),
});
export type RoutingConfigInput = z.infer<typeof routingConfigInput>;

const friendlyName = optionalText(255, false);

export const createDidBody = z.strictObject({
  phone_number: e164Schema,
  friendly_name: friendlyName.optional(),
  routing_type: routingTypeSchema,
  routing_config: routingConfigInput,
  status: statusSchema.optional(),
});

/** routing_config merges key by key into the stored one (null clears a key), like a JSON merge patch. */
export const updateDidBody = z.strictObject({
  // Named so the client learns why, instead of a generic "Unknown field".
  phone_number: z.never({ error: 'cannot be changed after creation: delete the number and add it again' }).optional(),
  friendly_name: friendlyName.optional(),
  routing_type: routingTypeSchema.optional(),
  routing_config: routingConfigInput.optional(),
  status: statusSchema.optional(),
});

export const listDidsQuery = paginationQuery.extend({
  status: statusSchema.optional(),
  routing_type: routingTypeSchema.optional(),
  search: searchSchema,
});

export type CreateDidInput = z.infer<typeof createDidBody>;
export type UpdateDidInput = z.infer<typeof updateDidBody>;
export type ListDidsQuery = z.infer<typeof listDidsQuery>;
