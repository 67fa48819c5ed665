import { z } from 'zod';

import { listQuery } from './common.js';

export const auditEntryView = z.object({
  id: z.string(),
  created_at: z.string(),
  actor: z.object({
    type: z.enum(['user', 'api_key', 'system']),
    id: z.string().nullable(),
    /** The user's email, or the key's name, at the time of the action. */
    label: z.string().nullable(),
  }),
  customer_id: z.string().nullable(),
  /** `<resource>.<verb>`, e.g. `trunk.update`, `customer.suspend`, `trunk.credentials_viewed`. */
  action: z.string(),
  target_type: z.string(),
  target_id: z.string().nullable(),
  /** Changed fields as `{field: {from, to}}` (secrets appear as "[redacted]"), or the action's details. */
  changes: z.record(z.string(), z.unknown()),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntryView>;

export const auditListQuery = listQuery.extend({
  customer_id: z.string().max(64).optional(),
  actor_id: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  target_id: z.string().max(64).optional(),
});
export type AuditListQuery = z.infer<typeof auditListQuery>;
