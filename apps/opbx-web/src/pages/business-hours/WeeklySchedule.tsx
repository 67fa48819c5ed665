import { useId } from 'react';

import { cx } from '../../lib/cx';
import { Button, IconButton } from '../../ui/Button';
import { inputBase } from '../../ui/Field';
import { PlusIcon, XIcon } from '../../ui/icons';
import { minutes, overnight, WEEK } from './model';

export interface Range {
  key: string;
  day_of_week: number;
  open_time: string;
  close_time: string;
}

let counter = 0;
export const newRange = (day: number, open = '09:00', close = '17:00'): Range => ({
  key: `r${++counter}`,
  day_of_week: day,
  open_time: open,
  close_time: close,
});

const pct = (m: number) => `${(m / 1440) * 100}%`;

/** A 24-hour bar for one day: its own ranges, plus the morning part of last night's overnight ranges. */
function DayTimeline({ day, ranges }: { day: number; ranges: Range[] }) {
  const previous = (day + 6) % 7;
  const segments: Array<{ from: number; to: number; carried: boolean }> = [];
  for (const r of ranges) {
    const open = minutes(r.open_time);
    const close = minutes(r.close_time);
    if (Number.isNaN(open) || Number.isNaN(close)) continue;
    if (r.day_of_week === day) segments.push({ from: open, to: overnight(r) ? 1440 : close, carried: false });
    if (r.day_of_week === previous && overnight(r) && close > 0) segments.push({ from: 0, to: close, carried: true });
  }
  return (
    <div aria-hidden className="relative h-2.5 w-full overflow-hidden rounded-full bg-zinc-100">
      {[6, 12, 18].map((h) => (
        <span key={h} className="absolute inset-y-0 w-px bg-white" style={{ left: pct(h * 60) }} />
      ))}
      {segments.map((s, i) => (
        <span
          key={i}
          className={cx('absolute inset-y-0 rounded-full', s.carried ? 'bg-indigo-300' : 'bg-indigo-500')}
          style={{ left: pct(s.from), width: pct(Math.max(s.to - s.from, 4)) }}
        />
      ))}
    </div>
  );
}

export function WeeklySchedule({
  ranges,
  onChange,
  errors,
  disabled,
}: {
  ranges: Range[];
  onChange: (r: Range[]) => void;
  errors: Record<string, string>;
  disabled?: boolean;
}) {
  const id = useId();
  const update = (key: string, patch: Partial<Range>) => onChange(ranges.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const copyMonday = () => {
    const monday = ranges.filter((r) => r.day_of_week === 1);
    onChange([
      ...ranges.filter((r) => r.day_of_week === 1 || r.day_of_week === 0 || r.day_of_week === 6),
      ...[2, 3, 4, 5].flatMap((d) => monday.map((m) => newRange(d, m.open_time, m.close_time))),
    ]);
  };

  return (
    <div>
      {!disabled && (
        <div className="mb-3 flex flex-wrap gap-2">
          <Button size="sm" onClick={copyMonday} disabled={!ranges.some((r) => r.day_of_week === 1)}>
            Copy Monday to Tue–Fri
          </Button>
          <Button size="sm" variant="ghost" onClick={() => onChange([])} disabled={ranges.length === 0}>
            Clear all
          </Button>
        </div>
      )}
      <div className="divide-y divide-zinc-100 rounded-md border border-zinc-200" role="group" aria-label="Weekly hours" data-testid="weekly-schedule">
        {WEEK.map((d) => {
          const mine = ranges.map((r, index) => ({ r, index })).filter(({ r }) => r.day_of_week === d.day);
          return (
            <div key={d.day} className="grid grid-cols-[6.5rem_1fr] items-start gap-3 px-3 py-2.5 md:grid-cols-[6.5rem_1fr_10rem]">
              <p className="pt-1.5 text-sm font-medium text-zinc-800" id={`${id}-${d.day}`}>
                {d.long}
              </p>
              <div className="space-y-2">
                {mine.length === 0 && <p className="pt-1.5 text-sm text-zinc-500">Closed</p>}
                {mine.map(({ r, index }, n) => {
                  const error =
                    errors[`schedules.${index}`] ??
                    errors[`schedules.${index}.open_time`] ??
                    errors[`schedules.${index}.close_time`] ??
                    errors[`schedules.${index}.day_of_week`];
                  const label = `${d.long}${mine.length > 1 ? `, hours ${n + 1}` : ''}`;
                  return (
                    <div key={r.key}>
                      <div className="flex flex-wrap items-center gap-2">
                        <label className="sr-only" htmlFor={`${id}-${r.key}-open`}>
                          {label}: opens at
                        </label>
                        <input
                          id={`${id}-${r.key}-open`}
                          type="time"
                          value={r.open_time}
                          disabled={disabled}
                          onChange={(e) => update(r.key, { open_time: e.target.value })}
                          aria-invalid={error ? true : undefined}
                          className={cx(inputBase, 'w-36')}
                        />
                        <span className="text-zinc-400" aria-hidden>
                          –
                        </span>
                        <label className="sr-only" htmlFor={`${id}-${r.key}-close`}>
                          {label}: closes at
                        </label>
                        <input
                          id={`${id}-${r.key}-close`}
                          type="time"
                          value={r.close_time}
                          disabled={disabled}
                          onChange={(e) => update(r.key, { close_time: e.target.value })}
                          aria-invalid={error ? true : undefined}
                          className={cx(inputBase, 'w-36')}
                        />
                        {overnight(r) && (
                          <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700" title="Closes the next day">
                            next day
                          </span>
                        )}
                        {!disabled && (
                          <IconButton label={`Remove ${label}`} onClick={() => onChange(ranges.filter((x) => x.key !== r.key))} className="hover:text-red-600">
                            <XIcon />
                          </IconButton>
                        )}
                      </div>
                      {error && <p className="mt-1 text-xs font-medium text-red-600">{error}</p>}
                    </div>
                  );
                })}
                {!disabled && (
                  <button
                    type="button"
                    onClick={() => {
                      const last = mine[mine.length - 1]?.r;
                      onChange([
                        ...ranges,
                        last ? newRange(d.day, last.close_time, last.close_time === '00:00' ? '02:00' : addHours(last.close_time, 2)) : newRange(d.day),
                      ]);
                    }}
                    className="inline-flex items-center gap-1 rounded px-1 text-xs font-medium text-indigo-600 hover:bg-indigo-50"
                    aria-label={`Add hours on ${d.long}`}
                  >
                    <PlusIcon className="size-3.5" /> Add hours
                  </button>
                )}
              </div>
              <div className="col-span-2 pt-1 md:col-span-1 md:pt-3">
                <DayTimeline day={d.day} ranges={ranges} />
              </div>
            </div>
          );
        })}
      </div>
      <div aria-hidden className="mt-2 flex items-center justify-end gap-4 text-xs text-zinc-500">
        <span className="flex items-center gap-1.5">
          <span className="h-2 w-4 rounded-full bg-indigo-500" /> Open
        </span>
        <span className="flex items-center gap-1.5">
          <span className="h-2 w-4 rounded-full bg-indigo-300" /> Continues from the day before
        </span>
      </div>
    </div>
  );
}

function addHours(hhmm: string, h: number): string {
  const m = (minutes(hhmm) + h * 60) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
