import { type ReactNode, useRef, useState } from 'react';

import { useExtensionNames } from '../../data/lookups';
import { cx } from '../../lib/cx';
import { Button, IconButton } from '../../ui/Button';
import { Field, selectClass } from '../../ui/Field';
import { ArrowDownIcon, ArrowUpIcon, PlusIcon, XIcon } from '../../ui/icons';

/**
 * The ordered member list: position is priority (1 = first). Reordering is done with buttons,
 * not drag and drop, so it works the same with a keyboard and a screen reader.
 */
export function MembersEditor({
  members,
  onChange,
  errors,
  disabled,
  hint,
}: {
  members: string[];
  onChange: (ids: string[]) => void;
  errors: Record<string, string>;
  disabled?: boolean;
  hint?: ReactNode;
}) {
  const names = useExtensionNames();
  const [adding, setAdding] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const rows = useRef(new Map<string, HTMLLIElement>());
  const taken = new Set(members);
  const available = (names.extensions.data ?? []).filter((e) => !taken.has(e.id));

  const move = (index: number, delta: -1 | 1, direction: 'up' | 'down') => {
    const target = index + delta;
    if (target < 0 || target >= members.length) return;
    const next = members.slice();
    [next[index], next[target]] = [next[target]!, next[index]!];
    onChange(next);
    const id = members[index]!;
    setAnnouncement(`${names.label(id)} moved to position ${target + 1} of ${members.length}`);
    // Keep focus on the same control of the moved row (or its other arrow at the ends).
    requestAnimationFrame(() => {
      const row = rows.current.get(id);
      const button =
        row?.querySelector<HTMLButtonElement>(`button[data-move="${direction}"]:not(:disabled)`) ??
        row?.querySelector<HTMLButtonElement>('button[data-move]:not(:disabled)');
      button?.focus();
    });
  };

  const add = () => {
    if (!adding) return;
    onChange([...members, adding]);
    setAnnouncement(`${names.label(adding)} added at position ${members.length + 1}`);
    setAdding('');
  };

  const listError = errors['members'];
  return (
    <div>
      <div className="mb-2 flex items-baseline justify-between">
        <h3 className="text-sm font-medium text-zinc-800" id="members-label">
          Members <span className="font-normal text-zinc-500">({members.length})</span>
        </h3>
        {hint && <p className="text-xs text-zinc-500">{hint}</p>}
      </div>
      <p className="sr-only" aria-live="polite">
        {announcement}
      </p>
      {listError && (
        <p className="mb-2 text-xs font-medium text-red-600" role="alert">
          {listError}
        </p>
      )}
      {members.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-500">
          No members yet. Add at least one extension below.
        </p>
      ) : (
        <ol aria-labelledby="members-label" className="divide-y divide-zinc-100 rounded-md border border-zinc-200 bg-white" data-testid="members">
          {members.map((id, i) => {
            const error = errors[`members.${i}.extension_id`] ?? errors[`members.${i}.priority`] ?? errors[`members.${i}`];
            const label = names.label(id);
            const ext = names.byId.get(id);
            return (
              <li
                key={id}
                ref={(el) => {
                  if (el) rows.current.set(id, el);
                  else rows.current.delete(id);
                }}
                className={cx('flex items-center gap-3 px-3 py-2', error && 'bg-red-50/60')}
              >
                <span
                  className="flex size-6 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-xs font-semibold text-zinc-600 tabular-nums"
                  aria-label={`Priority ${i + 1}`}
                >
                  {i + 1}
                </span>
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium text-zinc-900">{label}</p>
                  {ext && ext.status !== 'active' && <p className="text-xs text-amber-700">Inactive: it will not ring</p>}
                  {error && <p className="text-xs font-medium text-red-600">{error}</p>}
                </div>
                {!disabled && (
                  <div className="flex items-center gap-0.5">
                    <IconButton label={`Move ${label} up`} data-move="up" onClick={() => move(i, -1, 'up')} disabled={i === 0}>
                      <ArrowUpIcon />
                    </IconButton>
                    <IconButton label={`Move ${label} down`} data-move="down" onClick={() => move(i, 1, 'down')} disabled={i === members.length - 1}>
                      <ArrowDownIcon />
                    </IconButton>
                    <IconButton label={`Remove ${label}`} onClick={() => onChange(members.filter((m) => m !== id))} className="hover:text-red-600">
                      <XIcon />
                    </IconButton>
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {!disabled && (
        <div className="mt-3 flex items-end gap-2">
          <Field label="Add a member" className="flex-1">
            {(control) => (
              <select
                {...control}
                name="add_member"
                value={adding}
                onChange={(e) => setAdding(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    add();
                  }
                }}
                className={selectClass}
              >
                <option value="">{available.length ? 'Choose an extension…' : 'Every extension is already a member'}</option>
                {available.map((e) => (
                  <option key={e.id} value={e.id} disabled={e.status !== 'active'}>
                    {names.label(e.id)}
                    {e.status !== 'active' ? ' (inactive)' : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Button icon={<PlusIcon />} onClick={add} disabled={!adding}>
            Add
          </Button>
        </div>
      )}
    </div>
  );
}
