import { useAllBusinessHours, useAllRingGroups, useExtensionNames } from '../../data/lookups';
import { SelectField } from '../../ui/Field';

/** Pickers shared by the phone-number, ring-group and business-hours forms. */

export function ExtensionSelect({
  label,
  value,
  onChange,
  error,
  hint,
  optional,
  name,
  activeOnly = true,
  exclude,
}: {
  label: string;
  value: string;
  onChange: (id: string) => void;
  error?: string | undefined;
  hint?: string;
  optional?: boolean;
  name: string;
  activeOnly?: boolean;
  exclude?: ReadonlySet<string>;
}) {
  const names = useExtensionNames();
  const list = (names.extensions.data ?? []).filter((e) => !exclude?.has(e.id) || e.id === value);
  return (
    <SelectField
      label={label}
      name={name}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={names.extensions.isLoading ? 'Loading extensions…' : hint}
      optional={optional}
    >
      <option value="">{optional ? 'None' : 'Choose an extension…'}</option>
      {list.map((e) => (
        <option key={e.id} value={e.id} disabled={activeOnly && e.status !== 'active' && e.id !== value}>
          {names.label(e.id)}
          {e.status !== 'active' ? ' (inactive)' : ''}
        </option>
      ))}
    </SelectField>
  );
}

export function RingGroupSelect({
  label,
  value,
  onChange,
  error,
  name,
}: {
  label: string;
  value: string;
  onChange: (id: string) => void;
  error?: string | undefined;
  name: string;
}) {
  const groups = useAllRingGroups();
  return (
    <SelectField
      label={label}
      name={name}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={groups.isLoading ? 'Loading ring groups…' : groups.data?.length === 0 ? 'No ring groups yet: create one first.' : undefined}
    >
      <option value="">Choose a ring group…</option>
      {(groups.data ?? []).map((g) => (
        <option key={g.id} value={g.id} disabled={g.status !== 'active' && g.id !== value}>
          {g.name} ({g.members.length} {g.members.length === 1 ? 'member' : 'members'}){g.status !== 'active' ? ' (inactive)' : ''}
        </option>
      ))}
    </SelectField>
  );
}

export function BusinessHoursSelect({
  label,
  value,
  onChange,
  error,
  name,
}: {
  label: string;
  value: string;
  onChange: (id: string) => void;
  error?: string | undefined;
  name: string;
}) {
  const hours = useAllBusinessHours();
  return (
    <SelectField
      label={label}
      name={name}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={hours.isLoading ? 'Loading schedules…' : hours.data?.length === 0 ? 'No business hours yet: create them first.' : undefined}
    >
      <option value="">Choose business hours…</option>
      {(hours.data ?? []).map((h) => (
        <option key={h.id} value={h.id}>
          {h.name} ({h.timezone})
        </option>
      ))}
    </SelectField>
  );
}
