import type { TimeWindow } from '@warp/contract';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Is `at` inside the weekly window, in the window's time zone (its wall clock, so daylight saving
 * moves the window with the clocks)? Start inclusive, end exclusive. A window whose end is before
 * its start runs overnight (22:00–06:00): the early part belongs to the day it started on. Start
 * equal to end is the whole day (HH:MM cannot say 24:00, and an empty window would be pointless).
 */
export function inWindow(window: TimeWindow, at: number): boolean {
  const parts = formatter(window.timezone ?? 'UTC').formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as (typeof DAYS)[number];
  const minute = Number(get('hour')) * 60 + Number(get('minute'));
  const [sh, sm] = window.start.split(':').map(Number) as [number, number];
  const [eh, em] = window.end.split(':').map(Number) as [number, number];
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  const days = window.days as string[];
  if (start === end) return days.includes(day);
  if (start < end) return days.includes(day) && minute >= start && minute < end;
  const yesterday = DAYS[(DAYS.indexOf(day) + 6) % 7]!;
  return (days.includes(day) && minute >= start) || (days.includes(yesterday) && minute < end);
}

export const inAnyWindow = (windows: readonly TimeWindow[] | null | undefined, at: number): boolean =>
  !windows || windows.length === 0 || windows.some((w) => inWindow(w, at));
