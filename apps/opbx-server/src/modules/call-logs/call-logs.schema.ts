import { paginationQuery } from '@opbx/platform';
import { z } from 'zod';

import { CALL_OUTCOMES, type CallOutcome } from '../../db/schema.js';
import { idSchema } from '../../http/schemas.js';

const dateOrDateTime = z
  .string()
  .max(40)
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)),
    'must be an ISO date (YYYY-MM-DD) or date-time',
  );

export const callLogFilters = z.object({
  direction: z.enum(['inbound', 'outbound']).optional(),
  status: z.enum(['initiated', 'ringing', 'answered', 'completed', 'failed', 'busy', 'no_answer']).optional(),
  /** Beyond the spec: how calls turned out (a missed call that reached voicemail is `voicemail`, not answered). */
  outcome: z.enum(CALL_OUTCOMES as [CallOutcome, ...CallOutcome[]]).optional(),
  from_date: dateOrDateTime.optional(),
  to_date: dateOrDateTime.optional(),
  extension_id: idSchema.optional(),
  did_id: idSchema.optional(),
  search: z
    .string()
    .trim()
    .max(32)
    .regex(/^[\d+*#\s().-]*$/, 'must be part of a phone number')
    .optional(),
});

export const listCallLogsQuery = paginationQuery.extend(callLogFilters.shape);
export type CallLogFilters = z.infer<typeof callLogFilters>;
export type ListCallLogsQuery = z.infer<typeof listCallLogsQuery>;
