import { IANAZone } from 'luxon';

/**
 * Business-hours evaluation: pure, no I/O, shared by the API (`is_open_now`) and the call router.
 *
 * Semantics:
 * - The instant is converted to wall-clock time in the schedule's IANA zone with the zone's offset
 *   *at that instant*, so DST is handled by construction. Going instant → wall time is never
 *   ambiguous: in the repeated fall-back hour each pass is evaluated on its own (a range inside that
 *   hour is open during both passes), and wall times skipped by a spring-forward never occur (a range
 *   that starts inside the gap opens at the first instant after it; one wholly inside the gap never
 *   opens). Nothing here converts wall time to an instant, so luxon's "later offset" rule for
 *   ambiguous times never comes into play.
 * - A range belongs to the day it opens (`day_of_week`, 0 = Sunday … 6 = Saturday).
 * - Same-day range (`open < close`): open when `open <= t < close`; `close_time` "24:00" is the end
 *   of that day.
 * - Overnight range (`close < open`): on day D it covers `open <= t < 24:00`, and on D+1
 *   `00:00 <= t < close` (Saturday spills into Sunday). `close` "00:00" simply means midnight.
 * - Equal open and close times describe no time at all (the API rejects them).
 * - A holiday closes its whole local calendar date: the early-morning spill of the previous
 *   evening's overnight range included. A range that opens on a holiday never opens, so its spill
 *   into the next (ordinary) day stays closed too.
 * - A zone unknown to the runtime's tz database is never open (closed routing is the safe side).
 *
 * "HH:MM" strings and holiday dates are parsed once (`compileSchedule`, or implicitly and memoized
 * per definition object); evaluation then allocates nothing beyond luxon's offset lookup.
 */

export interface Schedule {
  day_of_week: number;
  open_time: string;
  close_time: string;
}

export interface Holiday {
  date: string;
  name: string;
}

interface BusinessHoursLike {
  timezone: string;
  schedules: readonly Schedule[];
  holidays: readonly Holiday[];
}

export interface CompiledSchedule {
  readonly kind: 'compiled-schedule';
  readonly timezone: string;
  /** undefined when the zone is unknown. */
  readonly zone: IANAZone | undefined;
  /** Per weekday: flat [start, end, start, end, …] minutes of the ranges that open that day (end ≤ 1440). */
  readonly ranges: readonly Int16Array[];
  /** Per weekday: close minutes of the previous weekday's overnight ranges (each covers [0, close)). */
  readonly spills: readonly Int16Array[];
  /** Holidays as days since 1970-01-01 of the local calendar. */
  readonly holidayDays: ReadonlySet<number>;
}

const MINUTES_PER_DAY = 1440;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** "HH:MM" (00:00–23:59, or 24:00 when `allowEndOfDay`) → minutes after midnight, NaN if malformed. */
export function parseTime(value: string, allowEndOfDay = false): number {
  if (allowEndOfDay && value === '24:00') return MINUTES_PER_DAY;
  const m = TIME_RE.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

/** "YYYY-MM-DD" → days since 1970-01-01, NaN unless it is a real calendar date. */
export function parseDate(value: string): number {
  if (!DATE_RE.test(value)) return Number.NaN;
  // ISO parsing rolls 02-30 over into March instead of failing: the round trip catches it.
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return Number.NaN;
  return ms / MS_PER_DAY;
}

interface Interval {
  index: number;
  day: number;
  start: number;
  end: number;
  spill: boolean;
}

/** The intervals a range occupies within the week: its own day, plus the next day for overnight ranges. */
function intervalsOf(s: Schedule, index: number): Interval[] {
  const open = parseTime(s.open_time);
  const close = parseTime(s.close_time, true);
  if (!Number.isInteger(s.day_of_week) || s.day_of_week < 0 || s.day_of_week > 6 || Number.isNaN(open) || Number.isNaN(close) || open === close) {
    return [];
  }
  if (close > open) return [{ index, day: s.day_of_week, start: open, end: close, spill: false }];
  const own: Interval = { index, day: s.day_of_week, start: open, end: MINUTES_PER_DAY, spill: false };
  if (close === 0) return [own];
  return [own, { index, day: (s.day_of_week + 1) % 7, start: 0, end: close, spill: true }];
}

export function compileSchedule(hours: BusinessHoursLike): CompiledSchedule {
  const ranges: number[][] = [[], [], [], [], [], [], []];
  const spills: number[][] = [[], [], [], [], [], [], []];
  hours.schedules.forEach((s, i) => {
    for (const iv of intervalsOf(s, i)) {
      if (iv.spill) spills[iv.day]!.push(iv.end);
      else ranges[iv.day]!.push(iv.start, iv.end);
    }
  });
  const holidayDays = new Set<number>();
  for (const h of hours.holidays) {
    const day = parseDate(h.date);
    if (!Number.isNaN(day)) holidayDays.add(day);
  }
  // create() is memoized per name and validates once; isValidZone() would build a formatter every time.
  const zone = IANAZone.create(hours.timezone);
  return {
    kind: 'compiled-schedule',
    timezone: hours.timezone,
    zone: zone.isValid ? zone : undefined,
    ranges: ranges.map((r) => Int16Array.from(r)),
    spills: spills.map((r) => Int16Array.from(r)),
    holidayDays,
  };
}

const isCompiled = (h: BusinessHoursLike | CompiledSchedule): h is CompiledSchedule => (h as CompiledSchedule).kind === 'compiled-schedule';

/**
 * Raw definitions are compiled once per object, so callers holding long-lived definitions (the
 * routing snapshot) get the fast path for free. Such definitions must not be mutated in place.
 */
const compiledCache = new WeakMap<BusinessHoursLike, CompiledSchedule>();

function compiledOf(hours: BusinessHoursLike | CompiledSchedule): CompiledSchedule {
  if (isCompiled(hours)) return hours;
  let compiled = compiledCache.get(hours);
  if (!compiled) {
    compiled = compileSchedule(hours);
    compiledCache.set(hours, compiled);
  }
  return compiled;
}

/**
 * A zone's UTC offset at an instant, memoized per zone for the current minute: every real
 * transition falls on a minute boundary, so this is exact, and the call router stops asking
 * Intl for the same answer thousands of times a second.
 */
const offsetMemo = new Map<string, { minute: number; offset: number }>();
function zoneOffset(zone: IANAZone, ms: number): number {
  const minute = Math.floor(ms / MS_PER_MINUTE);
  const hit = offsetMemo.get(zone.name);
  if (hit && hit.minute === minute) return hit.offset;
  const offset = zone.offset(ms);
  if (offsetMemo.size > 1000) offsetMemo.clear();
  offsetMemo.set(zone.name, { minute, offset });
  return offset;
}

/** Local epoch day and minute of day of an instant, or NaN day for an unknown zone. */
function localParts(compiled: CompiledSchedule, ms: number): { day: number; minute: number } {
  const offset = compiled.zone ? zoneOffset(compiled.zone, ms) : Number.NaN;
  if (!Number.isFinite(offset)) return { day: Number.NaN, minute: Number.NaN };
  const local = ms + offset * MS_PER_MINUTE;
  const day = Math.floor(local / MS_PER_DAY);
  return { day, minute: Math.floor((local - day * MS_PER_DAY) / MS_PER_MINUTE) };
}

/** 1970-01-01 was a Thursday. */
const weekdayOf = (epochDay: number) => (((epochDay + 4) % 7) + 7) % 7;

function openAt(c: CompiledSchedule, ms: number): boolean {
  if (!c.zone) return false;
  const offset = zoneOffset(c.zone, ms);
  if (!Number.isFinite(offset)) return false;
  const local = ms + offset * MS_PER_MINUTE;
  const day = Math.floor(local / MS_PER_DAY);
  if (c.holidayDays.has(day)) return false;
  const minute = Math.floor((local - day * MS_PER_DAY) / MS_PER_MINUTE);
  const weekday = weekdayOf(day);
  const own = c.ranges[weekday]!;
  for (let i = 0; i < own.length; i += 2) {
    if (minute >= own[i]! && minute < own[i + 1]!) return true;
  }
  const spill = c.spills[weekday]!;
  if (spill.length === 0 || c.holidayDays.has(day - 1)) return false;
  for (let i = 0; i < spill.length; i++) {
    if (minute < spill[i]!) return true;
  }
  return false;
}

/** Whether the business is open at `at` (a Date or epoch milliseconds). */
export function isOpenAt(hours: BusinessHoursLike | CompiledSchedule, at: Date | number): boolean {
  return openAt(compiledOf(hours), typeof at === 'number' ? at : at.getTime());
}

interface LocalClock {
  /** Local calendar date, "YYYY-MM-DD". */
  date: string;
  day_of_week: number;
  /** Local wall time, "HH:MM". */
  time: string;
  /** Minutes after local midnight. */
  minute: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local date and time the evaluator sees for `at` (for logs, tests and explanations). */
export function localClock(hours: BusinessHoursLike | CompiledSchedule, at: Date | number): LocalClock | undefined {
  const c = compiledOf(hours);
  const { day, minute } = localParts(c, typeof at === 'number' ? at : at.getTime());
  if (Number.isNaN(day)) return undefined;
  const d = new Date(day * MS_PER_DAY);
  return {
    date: `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    day_of_week: weekdayOf(day),
    time: `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`,
    minute,
  };
}

interface ScheduleConflict {
  index: number;
  message: string;
}

const describe = (s: Schedule) => `${DAY_NAMES[s.day_of_week] ?? '?'} ${s.open_time}–${s.close_time}`;

/**
 * Ranges that overlap another range on the same day, counting an overnight range's spill into the
 * next day. Touching ranges (one closes at 12:00, the next opens at 12:00) do not overlap. The
 * offender named is the later range of a same-day pair, or the overnight range whose spill collides.
 */
export function findScheduleConflicts(schedules: readonly Schedule[]): ScheduleConflict[] {
  const intervals = schedules.flatMap((s, i) => intervalsOf(s, i));
  const reported = new Set<number>();
  const out: ScheduleConflict[] = [];
  for (let a = 0; a < intervals.length; a++) {
    for (let b = a + 1; b < intervals.length; b++) {
      const x = intervals[a]!;
      const y = intervals[b]!;
      if (x.index === y.index || x.day !== y.day || !(x.start < y.end && y.start < x.end)) continue;
      const [offender, other] = y.spill && !x.spill ? [y, x] : x.spill && !y.spill ? [x, y] : x.index > y.index ? [x, y] : [y, x];
      if (reported.has(offender.index)) continue;
      reported.add(offender.index);
      const self = schedules[offender.index]!;
      const them = schedules[other.index]!;
      out.push({
        index: offender.index,
        message: offender.spill
          ? `${describe(self)} runs past midnight into ${DAY_NAMES[offender.day]} and overlaps schedules.${other.index} (${describe(them)})`
          : `${describe(self)} overlaps schedules.${other.index} (${describe(them)})`,
      });
    }
  }
  return out.sort((p, q) => p.index - q.index);
}
