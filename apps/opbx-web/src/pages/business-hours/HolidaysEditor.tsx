import { useId } from 'react';

import { cx } from '../../lib/cx';
import { Button, IconButton } from '../../ui/Button';
import { inputBase } from '../../ui/Field';
import { PlusIcon, XIcon } from '../../ui/icons';

export interface HolidayRow {
  key: string;
  date: string;
  name: string;
}

let counter = 0;
export const newHoliday = (date = '', name = ''): HolidayRow => ({ key: `h${++counter}`, date, name });

export function HolidaysEditor({
  holidays,
  onChange,
  errors,
  disabled,
}: {
  holidays: HolidayRow[];
  onChange: (h: HolidayRow[]) => void;
  errors: Record<string, string>;
  disabled?: boolean;
}) {
  const id = useId();
  const update = (key: string, patch: Partial<HolidayRow>) => onChange(holidays.map((h) => (h.key === key ? { ...h, ...patch } : h)));
  return (
    <div>
      {holidays.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 px-4 py-5 text-center text-sm text-zinc-500">
          No holidays. On a holiday the whole local day counts as closed.
        </p>
      ) : (
        <ul className="space-y-2" aria-label="Holidays">
          {holidays.map((h, i) => {
            const dateError = errors[`holidays.${i}.date`];
            const nameError = errors[`holidays.${i}.name`] ?? errors[`holidays.${i}`];
            return (
              <li key={h.key}>
                <div className="flex items-center gap-2">
                  <label className="sr-only" htmlFor={`${id}-${h.key}-date`}>
                    Holiday {i + 1} date
                  </label>
                  <input
                    id={`${id}-${h.key}-date`}
                    type="date"
                    value={h.date}
                    disabled={disabled}
                    onChange={(e) => update(h.key, { date: e.target.value })}
                    aria-invalid={dateError ? true : undefined}
                    className={cx(inputBase, 'w-40')}
                  />
                  <label className="sr-only" htmlFor={`${id}-${h.key}-name`}>
                    Holiday {i + 1} name
                  </label>
                  <input
                    id={`${id}-${h.key}-name`}
                    type="text"
                    value={h.name}
                    placeholder="Name, e.g. New Year’s Day"
                    disabled={disabled}
                    onChange={(e) => update(h.key, { name: e.target.value })}
                    aria-invalid={nameError ? true : undefined}
                    className={cx(inputBase, 'flex-1')}
                  />
                  {!disabled && (
                    <IconButton
                      label={`Remove holiday ${h.name || i + 1}`}
                      onClick={() => onChange(holidays.filter((x) => x.key !== h.key))}
                      className="hover:text-red-600"
                    >
                      <XIcon />
                    </IconButton>
                  )}
                </div>
                {(dateError || nameError) && <p className="mt-1 text-xs font-medium text-red-600">{dateError ?? nameError}</p>}
              </li>
            );
          })}
        </ul>
      )}
      {!disabled && (
        <Button size="sm" className="mt-3" icon={<PlusIcon className="size-3.5" />} onClick={() => onChange([...holidays, newHoliday()])}>
          Add holiday
        </Button>
      )}
    </div>
  );
}
