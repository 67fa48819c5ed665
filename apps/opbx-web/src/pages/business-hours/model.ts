import type { BusinessHours } from '@opbx/client';

import { formatClock, formatWeekdayTime } from '../../lib/datetime';

/** The server adds the open/closed state, evaluated in the schedule's own time zone. */
export type BusinessHoursView = BusinessHours & { is_open_now: boolean; current_status: 'open' | 'closed' };

export type Schedule = BusinessHours['schedules'][number];

/** Monday first, as people read a work week; values are the API's 0 = Sunday … 6 = Saturday. */
export const WEEK: ReadonlyArray<{ day: number; short: string; long: string }> = [
  { day: 1, short: 'Mon', long: 'Monday' },
  { day: 2, short: 'Tue', long: 'Tuesday' },
  { day: 3, short: 'Wed', long: 'Wednesday' },
  { day: 4, short: 'Thu', long: 'Thursday' },
  { day: 5, short: 'Fri', long: 'Friday' },
  { day: 6, short: 'Sat', long: 'Saturday' },
  { day: 0, short: 'Sun', long: 'Sunday' },
];

export const minutes = (hhmm: string) => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

/** A range whose close is earlier than its open (or 00:00) ends the next day. */
export const overnight = (s: Pick<Schedule, 'open_time' | 'close_time'>) =>
  minutes(s.close_time) < minutes(s.open_time) || (s.close_time === '00:00' && s.open_time !== '00:00');

/** "Mon–Fri 09:00–17:00 · Sat 10:00–14:00" for lists (or 9:00 AM–5:00 PM, on a 12-hour clock). */
export function summarize(schedules: Schedule[]): string {
  if (schedules.length === 0) return 'Always closed';
  const byDay = new Map<number, string>();
  for (const d of WEEK) {
    const ranges = schedules
      .filter((s) => s.day_of_week === d.day)
      .sort((a, b) => a.open_time.localeCompare(b.open_time))
      .map((s) =>
        s.open_time === '00:00' && s.close_time === '24:00' ? 'all day' : `${formatClock(s.open_time)}–${formatClock(s.close_time)}${overnight(s) ? '⁺¹' : ''}`,
      );
    if (ranges.length) byDay.set(d.day, ranges.join(', '));
  }
  // Collapse consecutive days with identical hours: Mon–Fri 09:00–17:00.
  const parts: string[] = [];
  let i = 0;
  while (i < WEEK.length) {
    const text = byDay.get(WEEK[i]!.day);
    if (!text) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < WEEK.length && byDay.get(WEEK[j + 1]!.day) === text) j++;
    parts.push(`${WEEK[i]!.short}${j > i ? `–${WEEK[j]!.short}` : ''} ${text}`);
    i = j + 1;
  }
  return parts.join(' · ');
}

export function timezones(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/** Local wall time in a zone ("Tue 14:05"), or null for an unknown zone. */
export const localTimeIn = (zone: string, now = new Date()): string | null => formatWeekdayTime(zone, now);
