/**
 * Every date and time the console shows goes through here, so one screen never writes "14:05"
 * while another writes "2:05 PM". The language is the browser's; the clock (12- or 24-hour) is
 * the one that language uses, decided once and applied to every format, including the wall-clock
 * times of business hours ("09:00" as the API stores them). Times of calls show in the
 * organization's time zone, so they match the call-log filters.
 */

export type HourCycle = 'h12' | 'h23';

/** The browser locale's own clock: h11/h12 read as 12-hour, h23/h24 as 24-hour. */
function localeHourCycle(): HourCycle {
  const cycle = new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h11' || cycle === 'h12' ? 'h12' : 'h23';
}

let cycle: HourCycle | undefined;
export function hourCycle(): HourCycle {
  cycle ??= localeHourCycle();
  return cycle;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A cached formatter in the user's locale; any format with an hour gets the app's one clock:
 * "09:00" on a 24-hour clock, "9:00 AM" on a 12-hour one.
 */
function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const full: Intl.DateTimeFormatOptions = options.hour ? { ...options, hour: hourCycle() === 'h23' ? '2-digit' : 'numeric', hourCycle: hourCycle() } : options;
  const key = JSON.stringify(full);
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(undefined, full);
    } catch {
      // An unknown zone must not break the page; fall back to the browser's.
      const { timeZone: _ignored, ...rest } = full;
      f = new Intl.DateTimeFormat(undefined, rest);
    }
    formatters.set(key, f);
  }
  return f;
}

const CLOCK = { hour: 'numeric', minute: '2-digit' } as const;

function parse(iso: string | Date | null | undefined): Date | null {
  if (!iso) return null;
  const d = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "Dec 5, 14:05:09" or "Dec 5, 2:05:09 PM": a call's moment. */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  const d = parse(iso);
  return d ? formatter({ timeZone, month: 'short', day: 'numeric', ...CLOCK, second: '2-digit' }).format(d) : '—';
}

/** "Dec 5, 2026". */
export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  const d = parse(iso);
  return d ? formatter({ timeZone, year: 'numeric', month: 'short', day: 'numeric' }).format(d) : '—';
}

/** "14:05" or "2:05 PM": a time of day. */
export function formatTime(iso: string | Date | null | undefined, timeZone?: string): string {
  const d = parse(iso);
  return d ? formatter({ timeZone, ...CLOCK }).format(d) : '—';
}

/** "Tue 14:05": the wall time now in a zone, or null for a zone the browser does not know. */
export function formatWeekdayTime(timeZone: string, now = new Date()): string | null {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
  } catch {
    return null;
  }
  return formatter({ timeZone, weekday: 'short', ...CLOCK }).format(now);
}

/**
 * A wall-clock "HH:mm" as stored for business hours ("17:30" → "17:30" or "5:30 PM"). Formatted
 * as that time on a fixed UTC day, so no zone or daylight-saving change can shift it.
 */
export function formatClock(hhmm: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) return hhmm;
  const hours = Number(m[1]);
  // 24:00 is the end of the day: a 24-hour clock writes it so ("00:00–24:00" reads as all day);
  // a 12-hour clock has no such time and writes midnight.
  if (hours === 24 && hourCycle() === 'h23') return `24:${m[2]}`;
  return formatter({ timeZone: 'UTC', ...CLOCK }).format(new Date(Date.UTC(2000, 0, 1, hours % 24, Number(m[2]))));
}

/** Today's date in a zone as the API writes dates (YYYY-MM-DD), for comparing with holidays. */
export function dateKeyIn(timeZone: string, now = new Date()): string {
  try {
    // en-CA writes dates as YYYY-MM-DD: a machine format here, never shown.
    return new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** A chart's bucket: "14:00" / "2 PM" for an hour, "Tue 5" for a day, in the zone of the data. */
export function formatBucket(iso: string, unit: 'hour' | 'day', timeZone?: string): string {
  const d = parse(iso);
  if (!d) return '';
  return unit === 'hour' ? formatTime(d, timeZone) : formatter({ timeZone, weekday: 'short', day: 'numeric' }).format(d);
}
