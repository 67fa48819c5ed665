import { paginationQuery } from '@opbx/platform';
import { z } from 'zod';

import { idSchema, nameSchema, searchSchema, statusSchema } from '../../http/schemas.js';

const strategySchema = z.enum(['simultaneous', 'round_robin', 'sequential']);
const fallbackTypeSchema = z.enum(['voicemail', 'extension', 'hangup']);

const MIN_MEMBERS = 1;
const MAX_MEMBERS = 50;
export const DEFAULT_TIMEOUT = 30;

const timeoutSchema = z
  .number('must be a number of seconds')
  .int('must be a whole number of seconds')
  .min(5, 'must be at least 5 seconds')
  .max(300, 'must be at most 300 seconds');

const memberInput = z.strictObject({
  extension_id: idSchema,
  priority: z.number('must be a number').int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100'),
});

const membersSchema = z.array(memberInput).min(MIN_MEMBERS, 'must contain at least one member').max(MAX_MEMBERS, `must contain at most ${MAX_MEMBERS} members`);

/**
 * Shape only: which types need or forbid an extension, and whether it exists, is checked by the
 * service so that callers bypassing HTTP (the demo seed) get the same rules.
 */
const fallbackActionInput = z.strictObject({
  type: fallbackTypeSchema,
  extension_id: idSchema.optional(),
});

export const createRingGroupBody = z.strictObject({
  name: nameSchema(100),
  strategy: strategySchema,
  timeout: timeoutSchema.optional(),
  members: membersSchema,
  // null is accepted as "no fallback", the same as leaving it out.
  fallback_action: fallbackActionInput.nullable().optional(),
  status: statusSchema.optional(),
});

export const updateRingGroupBody = z.strictObject({
  name: nameSchema(100).optional(),
  strategy: strategySchema.optional(),
  timeout: timeoutSchema.optional(),
  members: membersSchema.optional(),
  // null removes the fallback; absent leaves it unchanged.
  fallback_action: fallbackActionInput.nullable().optional(),
  status: statusSchema.optional(),
});

export const listRingGroupsQuery = paginationQuery.extend({
  search: searchSchema,
  strategy: strategySchema.optional(),
  status: statusSchema.optional(),
});

export type MemberInput = z.infer<typeof memberInput>;
export type FallbackActionInput = z.infer<typeof fallbackActionInput>;
export type CreateRingGroupInput = z.infer<typeof createRingGroupBody>;
export type UpdateRingGroupInput = z.infer<typeof updateRingGroupBody>;
export type ListRingGroupsQuery = z.infer<typeof listRingGroupsQuery>;
