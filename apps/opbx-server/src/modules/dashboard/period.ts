import { DateTime } from 'luxon';

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/**
 * The dashboard's rolling window in the organization's time zone: the last 24 local hours or the
 * last 7 or 30 local days, the current one included. The chart and the per-agent figures share
 * it, so their totals agree.
 */
export function periodWindow(period: Period, timezone: string, now = DateTime.now()) {
  const unit = period === 'day' ? 'hour' : 'day';
  const count = period === 'day' ? 24 : period === 'week' ? 7 : 30;
  const first = now
    .setZone(timezone)
    .startOf(unit)
    .minus({ [unit]: count - 1 });
  return { unit, count, first } as const;
}
