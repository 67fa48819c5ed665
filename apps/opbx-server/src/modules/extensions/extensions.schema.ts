import { paginationQuery } from '@opbx/platform';
import { z } from 'zod';

import { extensionNumberSchema, idSchema, searchSchema, statusSchema } from '../../http/schemas.js';

const extensionTypeSchema = z.enum(['user', 'virtual', 'queue']);

const sipPassword = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(64, 'must be at most 64 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .refine((s) => /[A-Za-z]/.test(s) && /\d/.test(s), 'must contain letters and digits');

const sipConfigInput = z.strictObject({
  username: z
    .string()
    .regex(/^[A-Za-z0-9._-]{2,64}$/, 'must be 2–64 letters, digits, dots, dashes or underscores')
    .optional(),
  domain: z
    .string()
    .max(253)
    .regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/, 'must be a valid domain name')
    .optional(),
  password: sipPassword.optional(),
});

const callForwardingInput = z.strictObject({
  enabled: z.boolean(),
  destination: z.string().trim().max(32).optional(),
  on_no_answer: z.boolean().optional(),
});

export const createExtensionBody = z.strictObject({
  extension_number: extensionNumberSchema,
  type: extensionTypeSchema,
  user_id: idSchema.nullable().optional(),
  status: statusSchema.optional(),
  sip_config: sipConfigInput.optional(),
  voicemail_enabled: z.boolean().optional(),
  call_forwarding: callForwardingInput.nullable().optional(),
});

export const updateExtensionBody = z.strictObject({
  extension_number: extensionNumberSchema.optional(),
  user_id: idSchema.nullable().optional(),
  status: statusSchema.optional(),
  sip_config: sipConfigInput.optional(),
  voicemail_enabled: z.boolean().optional(),
  call_forwarding: callForwardingInput.nullable().optional(),
});

export const listExtensionsQuery = paginationQuery.extend({
  type: extensionTypeSchema.optional(),
  status: statusSchema.optional(),
  user_id: idSchema.optional(),
  search: searchSchema,
});

export type CreateExtensionInput = z.infer<typeof createExtensionBody>;
export type UpdateExtensionInput = z.infer<typeof updateExtensionBody>;
export type ListExtensionsQuery = z.infer<typeof listExtensionsQuery>;

/** Fields an agent may change on their own extension. */
export const AGENT_EXTENSION_FIELDS = new Set(['voicemail_enabled', 'call_forwarding']);
