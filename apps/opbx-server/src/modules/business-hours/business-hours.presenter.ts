import type { Selectable } from 'kysely';

import type { BusinessHoursTable } from '../../db/schema.js';
import { compileSchedule, type Holiday, isOpenAt, type Schedule } from './schedule.js';

export type BusinessHoursRow = Selectable<BusinessHoursTable>;

interface RoutingView<T extends string> {
  type: T;
  extension_id?: string;
  ring_group_id?: string;
}

export interface BusinessHoursView {
  id: string;
  organization_id: string;
  name: string;
  timezone: string;
  schedules: Schedule[];
  holidays: Holiday[];
  open_hours_routing: RoutingView<BusinessHoursRow['open_type']>;
  closed_hours_routing: RoutingView<BusinessHoursRow['closed_type']>;
  is_open_now: boolean;
  current_status: 'open' | 'closed';
  created_at: string;
  updated_at: string;
}

/** The JSON columns, rebuilt key by key so nothing stray that reached storage leaks out. */
export function storedCalendar(row: Pick<BusinessHoursRow, 'schedules' | 'holidays'>): { schedules: Schedule[]; holidays: Holiday[] } {
  const schedules = (JSON.parse(row.schedules) as Schedule[]).map((s) => ({ day_of_week: s.day_of_week, open_time: s.open_time, close_time: s.close_time }));
  const holidays = (JSON.parse(row.holidays) as Holiday[]).map((h) => ({ date: h.date, name: h.name }));
  return { schedules, holidays };
}

function routing<T extends string>(type: T, extensionId: string | null, ringGroupId: string | null): RoutingView<T> {
  return {
    type,
    ...(extensionId ? { extension_id: extensionId } : {}),
    ...(ringGroupId ? { ring_group_id: ringGroupId } : {}),
  };
}

/** `now` is passed in so every row of one response is judged at the same instant. */
export function presentBusinessHours(row: BusinessHoursRow, now: Date): BusinessHoursView {
  const { schedules, holidays } = storedCalendar(row);
  const open = isOpenAt(compileSchedule({ timezone: row.timezone, schedules, holidays }), now);
  return {
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    timezone: row.timezone,
    schedules,
    holidays,
    open_hours_routing: routing(row.open_type, row.open_extension_id, row.open_ring_group_id),
    closed_hours_routing: routing(row.closed_type, row.closed_extension_id, row.closed_ring_group_id),
    is_open_now: open,
    current_status: open ? 'open' : 'closed',
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
