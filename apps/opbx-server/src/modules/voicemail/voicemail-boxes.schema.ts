import { paginationQuery } from '@opbx/platform';
import { z } from 'zod';

import { nameSchema } from '../../http/schemas.js';

const greeting = z
  .string()
  .trim()
  .max(500, 'must be at most 500 characters')
  .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'must not contain control characters');

/** Omitted fields keep their value; a null or empty greeting restores the default one. */
export const updateVoicemailBoxBody = z.strictObject({
  name: nameSchema(100).optional(),
  greeting: greeting.nullable().optional(),
});

export const boxMessageParams = z.object({ id: z.string().max(64), messageId: z.string().max(64) });

export const listMessagesQuery = paginationQuery.extend({
  /** `true`: only messages nobody has marked read. */
  unread: z.enum(['true', 'false']).optional(),
});

export const updateMessageBody = z.strictObject({ read: z.boolean('must be true or false') });

export type UpdateVoicemailBoxInput = z.infer<typeof updateVoicemailBoxBody>;
export type ListMessagesQuery = z.infer<typeof listMessagesQuery>;
