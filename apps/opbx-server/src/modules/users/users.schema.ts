import { paginationQuery } from '@opbx/platform';
import { z } from 'zod';

import { extensionNumberSchema, nameSchema, searchSchema, statusSchema } from '../../http/schemas.js';

const roleSchema = z.enum(['owner', 'admin', 'agent']);

/** At least 8 characters with a letter and a digit; long passphrases welcome. */
const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  .refine((s) => /[A-Za-z]/.test(s) && /\d/.test(s), 'must contain at least one letter and one digit');

const emailSchema = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .email('must be a valid email address')
  .transform((s) => s.toLowerCase());

export const createUserBody = z.strictObject({
  name: nameSchema(255),
  email: emailSchema,
  password: passwordSchema,
  role: roleSchema,
  status: statusSchema.optional(),
  extension_number: extensionNumberSchema.optional(),
});

export const updateUserBody = z.strictObject({
  name: nameSchema(255).optional(),
  email: emailSchema.optional(),
  password: passwordSchema.optional(),
  role: roleSchema.optional(),
  status: statusSchema.optional(),
  /** Required when users change their own password or email. */
  current_password: z.string().min(1, 'is required').max(256).optional(),
});

export const listUsersQuery = paginationQuery.extend({
  role: roleSchema.optional(),
  status: statusSchema.optional(),
  search: searchSchema,
});

export type CreateUserInput = z.infer<typeof createUserBody>;
export type UpdateUserInput = z.infer<typeof updateUserBody>;
export type ListUsersQuery = z.infer<typeof listUsersQuery>;
