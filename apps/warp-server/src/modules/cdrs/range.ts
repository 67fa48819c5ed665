import { invalid } from '@opbx/platform';

const DAY = 86_400_000;
export const MAX_RANGE_DAYS = 93;

/**
 * A date range in UTC: `YYYY-MM-DD` covers that whole day (date_to inclusive), a date-time with an
 * offset is an exact instant (date_to exclusive). Answers ISO bounds [from, to) comparable with
 * the stored started_at text.
 */
export function parseRange(
  dateFrom: string,
  dateTo: string,
  fields: [string, string] = ['date_from', 'date_to'],
  maxDays = MAX_RANGE_DAYS,
): { from: string; to: string } {
  const read = (value: string, field: string, end: boolean) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const t = Date.parse(`${value}T00:00:00Z`);
      if (Number.isNaN(t)) throw invalid([{ field, message: 'is not a date' }]);
      return end ? t + DAY : t;
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
      throw invalid([{ field, message: 'must be YYYY-MM-DD or an ISO-8601 date-time with an offset' }]);
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw invalid([{ field, message: 'is not a date-time' }]);
    return t;
  };
  const from = read(dateFrom, fields[0], false);
  const to = read(dateTo, fields[1], true);
  if (to <= from) throw invalid([{ field: fields[1], message: `must be after ${fields[0]}` }]);
  if (to - from > maxDays * DAY) throw invalid([{ field: fields[1], message: `the range is at most ${maxDays} days` }]);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** `today` (since 00:00 UTC), `week` (the last 7 days including today), `month` (since the 1st, UTC). */
export function periodRange(period: 'today' | 'week' | 'month', now = new Date()): { from: string; to: string } {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = period === 'today' ? day : period === 'week' ? day - 6 * DAY : Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  return { from: new Date(from).toISOString(), to: new Date(day + DAY).toISOString() };
}
