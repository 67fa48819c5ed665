import { z } from 'zod';

import { idSchema, nameSchema, searchSchema, timezoneSchema } from '../../http/schemas.js';
import { parseDate, parseTime } from './schedule.js';

const MAX_SCHEDULES = 70;
const MAX_HOLIDAYS = 366;

const openTime = z.string('must be a time HH:MM').refine((s) => !Number.isNaN(parseTime(s)), 'must be a time HH:MM between 00:00 and 23:59');
const closeTime = z.string('must be a time HH:MM').refine((s) => !Number.isNaN(parseTime(s, true)), 'must be a time HH:MM between 00:00 and 24:00');

const scheduleInput = z
  .strictObject({
    day_of_week: z
      .number('must be a number from 0 (Sunday) to 6 (Saturday)')
      .int('must be an integer')
      .min(0, 'must be 0 (Sunday) to 6 (Saturday)')
      .max(6, 'must be 0 (Sunday) to 6 (Saturday)'),
    open_time: openTime,
    close_time: closeTime,
  })
  .refine((s) => s.open_time !== s.close_time, {
    message: 'must differ from open_time (a close_time before open_time runs past midnight)',
    path: ['close_time'],
  });

const holidayInput = z.strictObject({
  date: z.string('must be a calendar date YYYY-MM-DD').refine((s) => !Number.isNaN(parseDate(s)), 'must be a calendar date YYYY-MM-DD'),
  name: nameSchema(100),
});

// Ids of the other types are accepted (forms often keep them around) but never stored.
const routingIds = {
  extension_id: idSchema.nullable().optional(),
  ring_group_id: idSchema.nullable().optional(),
};

const openRoutingInput = z.strictObject({ type: z.enum(['extension', 'ring_group']), ...routingIds });
const closedRoutingInput = z.strictObject({ type: z.enum(['voicemail', 'extension', 'ring_group', 'hangup']), ...routingIds });

const schedulesInput = z.array(scheduleInput).max(MAX_SCHEDULES, `must have at most ${MAX_SCHEDULES} ranges`);
const holidaysInput = z.array(holidayInput).max(MAX_HOLIDAYS, `must have at most ${MAX_HOLIDAYS} holidays`);

export const createBusinessHoursBody = z.strictObject({
  name: nameSchema(100),
  /** Defaults to the organization's time zone. */
  timezone: timezoneSchema.optional(),
  schedules: schedulesInput,
  holidays: holidaysInput.optional(),
  open_hours_routing: openRoutingInput,
  closed_hours_routing: closedRoutingInput,
});

export const updateBusinessHoursBody = z.strictObject({
  name: nameSchema(100).optional(),
  timezone: timezoneSchema.optional(),
  schedules: schedulesInput.optional(),
  holidays: holidaysInput.optional(),
  open_hours_routing: openRoutingInput.optional(),
  closed_hours_routing: closedRoutingInput.optional(),
});

export const listBusinessHoursQuery = z.object({ search: searchSchema });

export type OpenRoutingInput = z.infer<typeof openRoutingInput>;
export type ClosedRoutingInput = z.infer<typeof closedRoutingInput>;
export type CreateBusinessHoursInput = z.infer<typeof createBusinessHoursBody>;
export type UpdateBusinessHoursInput = z.infer<typeof updateBusinessHoursBody>;
export type ListBusinessHoursQuery = z.infer<typeof listBusinessHoursQuery>;
