import type { ReactNode } from 'react';
import { useEffect, useId, useState } from 'react';

import { cx } from '../lib/cx';
import { inputClass, selectClass } from './Field';
import { SearchIcon } from './icons';

/** The row of search and filters above a list. */
export function Toolbar({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div role="search" className="mb-3 flex flex-wrap items-end gap-2">
      {children}
      {actions && <div className="ml-auto flex items-center gap-2">{actions}</div>}
    </div>
  );
}

/** Search box that reports after typing pauses; Escape clears it. */
export function SearchInput({
  value,
  onChange,
  label,
  placeholder,
  className,
}: {
  value: string;
  onChange: (v: string) => void;
  label: string;
  placeholder?: string;
  className?: string;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  // Follow outside changes (Clear filters, back button) without eating a space being typed.
  useEffect(() => {
    setText((current) => (current.trim() === value ? current : value));
  }, [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const t = setTimeout(() => onChange(text.trim()), 300);
    return () => clearTimeout(t);
  }, [text]);
  return (
    <div className={cx('relative', className ?? 'w-64')}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-zinc-400" />
      <input
        id={id}
        type="search"
        value={text}
        placeholder={placeholder ?? label}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && text) {
            e.preventDefault();
            setText('');
          }
        }}
        className={cx(inputClass, 'pl-8')}
      />
    </div>
  );
}

/** A compact labelled select for list filters. */
export function FilterSelect({
  label,
  value,
  onChange,
  children,
  className,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  children: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-zinc-500">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={cx(selectClass, 'max-w-56 min-w-32')}>
        {children}
      </select>
    </div>
  );
}

/** The active / inactive filter every configuration list has. */
export function StatusFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <FilterSelect label="Status" value={value} onChange={onChange}>
      <option value="">Any status</option>
      <option value="active">Active</option>
      <option value="inactive">Inactive</option>
    </FilterSelect>
  );
}

/** Segmented control (radio group) for small mutually exclusive choices. */
export function Segmented<T extends string>({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: T;
  onChange: (v: T) => void;
  options: ReadonlyArray<{ value: T; label: string }>;
}) {
  return (
    <div role="radiogroup" aria-label={label} className="inline-flex rounded-md bg-zinc-100 p-0.5">
      {options.map((o) => {
        const selected = o.value === value;
        return (
          <button
            key={o.value}
            type="button"
            role="radio"
            aria-checked={selected}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(o.value)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              e.preventDefault();
              const i = options.findIndex((x) => x.value === value);
              const next = options[(i + (e.key === 'ArrowRight' ? 1 : options.length - 1)) % options.length]!;
              onChange(next.value);
              (e.currentTarget.parentElement?.querySelectorAll('button')[options.indexOf(next)] as HTMLButtonElement | undefined)?.focus();
            }}
            className={cx(
              'rounded px-2.5 py-1 text-xs font-medium transition-colors',
              selected ? 'bg-white text-zinc-900 shadow-sm' : 'text-zinc-600 hover:text-zinc-900',
            )}
          >
            {o.label}
          </button>
        );
      })}
    </div>
  );
}
