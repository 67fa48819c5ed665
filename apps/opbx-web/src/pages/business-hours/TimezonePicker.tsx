import { useId, useMemo } from 'react';

import { useNow } from '../../lib/hooks';
import { Field, inputClass } from '../../ui/Field';
import { localTimeIn, timezones } from './model';

/** IANA zone combobox: type to filter the browser's zone list; the local time confirms the choice. */
export function TimezonePicker({
  value,
  onChange,
  error,
  disabled,
}: {
  value: string;
  onChange: (tz: string) => void;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const listId = useId();
  const zones = useMemo(timezones, []);
  const now = useNow(30_000);
  const local = value ? localTimeIn(value, new Date(now)) : null;
  const known = zones.includes(value);
  return (
    <Field
      label="Time zone"
      error={error}
      hint={
        value
          ? local && known
            ? `Local time there: ${local}`
            : 'Not a known IANA time zone, e.g. America/New_York.'
          : 'Start typing a city, e.g. New_York or Berlin.'
      }
    >
      {(control) => (
        <>
          <input
            {...control}
            name="timezone"
            list={listId}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            disabled={disabled}
            autoComplete="off"
            spellCheck={false}
            className={inputClass}
          />
          <datalist id={listId}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}
