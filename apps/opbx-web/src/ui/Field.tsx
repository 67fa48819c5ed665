import { type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes, useId } from 'react';

import { cx } from '../lib/cx';

interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

interface FieldProps {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  /** Hide the label visually (it stays for screen readers), for compact grids. */
  srOnlyLabel?: boolean;
  className?: string;
  optional?: boolean;
  children: (control: ControlProps) => ReactNode;
}

/** Label, control, hint and the server's error for it, wired together for assistive tech. */
export function Field({ label, error, hint, srOnlyLabel, className, optional, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className={cx('mb-1 block text-sm font-medium text-zinc-800', srOnlyLabel && 'sr-only')}>
        {label}
        {optional && <span className="ml-1 font-normal text-zinc-500">(optional)</span>}
      </label>
      {children({ id, ...(error ? { 'aria-invalid': true as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {error && (
        <p id={errorId} className="mt-1 text-xs font-medium text-red-600" data-field-error>
          {error}
        </p>
      )}
      {hint && !error && (
        <p id={hintId} className="mt-1 text-xs text-zinc-500">
          {hint}
        </p>
      )}
    </div>
  );
}

const controlBase =
  'block rounded-md border-0 bg-white focus-visible:outline-none text-sm text-zinc-900 shadow-sm ring-1 ring-inset ring-zinc-300 placeholder:text-zinc-500 focus:ring-2 focus:ring-inset focus:ring-indigo-500 disabled:bg-zinc-50 disabled:text-zinc-500 aria-[invalid=true]:ring-red-400';

/** Without a width, for controls sized by their context (time and date inputs in grids). */
export const inputBase = cx(controlBase, 'h-9 px-3');
export const inputClass = cx(inputBase, 'w-full');
export const selectClass = cx(controlBase, 'h-9 w-full pl-3 pr-8');

type Common = Omit<FieldProps, 'children'>;

export function TextField({
  label,
  error,
  hint,
  srOnlyLabel,
  className,
  optional,
  ref,
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }) {
  return (
    <Field label={label} error={error} hint={hint} srOnlyLabel={srOnlyLabel} className={className} optional={optional}>
      {(control) => <input ref={ref} className={inputClass} {...input} {...control} />}
    </Field>
  );
}

export function SelectField({ label, error, hint, srOnlyLabel, className, optional, children, ...select }: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field label={label} error={error} hint={hint} srOnlyLabel={srOnlyLabel} className={className} optional={optional}>
      {(control) => (
        <select className={selectClass} {...select} {...control}>
          {children}
        </select>
      )}
    </Field>
  );
}

export function TextAreaField({ label, error, hint, className, optional, ...area }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Field label={label} error={error} hint={hint} className={className} optional={optional}>
      {(control) => <textarea className={cx(controlBase, 'min-h-20 w-full px-3 py-2')} {...area} {...control} />}
    </Field>
  );
}

/** A checkbox or switch-like toggle with its label to the right. */
export function CheckboxField({
  label,
  description,
  error,
  checked,
  onChange,
  disabled,
  name,
}: {
  label: ReactNode;
  description?: ReactNode;
  error?: string | undefined;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  name?: string;
}) {
  const id = useId();
  return (
    <div>
      <div className="flex items-start gap-2.5">
        <input
          id={id}
          name={name}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.target.checked)}
          aria-invalid={error ? true : undefined}
          aria-describedby={description ? `${id}-desc` : undefined}
          className="mt-0.5 size-4 rounded border-zinc-300 accent-indigo-600"
        />
        <div>
          <label htmlFor={id} className="text-sm font-medium text-zinc-800">
            {label}
          </label>
          {description && (
            <p id={`${id}-desc`} className="text-xs text-zinc-500">
              {description}
            </p>
          )}
        </div>
      </div>
      {error && <p className="mt-1 text-xs font-medium text-red-600">{error}</p>}
    </div>
  );
}

/** Radio cards: a fieldset with a legend, one option per card with a short explanation. */
export function RadioCards<T extends string>({
  legend,
  name,
  value,
  onChange,
  options,
  error,
  disabled,
  columns = 2,
}: {
  legend: ReactNode;
  name: string;
  value: T;
  onChange: (value: T) => void;
  options: ReadonlyArray<{ value: T; label: string; description?: string }>;
  error?: string | undefined;
  disabled?: boolean;
  columns?: 2 | 3 | 4;
}) {
  const grid = { 2: 'sm:grid-cols-2', 3: 'sm:grid-cols-3', 4: 'sm:grid-cols-4' }[columns];
  return (
    <fieldset disabled={disabled}>
      <legend className="mb-1.5 text-sm font-medium text-zinc-800">{legend}</legend>
      <div className={cx('grid gap-2', grid)}>
        {options.map((o) => (
          <label
            key={o.value}
            className={cx(
              'relative flex cursor-pointer flex-col rounded-md border px-3 py-2 text-sm shadow-sm transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500',
              value === o.value ? 'border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500' : 'border-zinc-200 bg-white hover:border-zinc-300',
              disabled && 'cursor-not-allowed opacity-70',
            )}
          >
            {/* The real radio covers the whole card, invisibly: clicks, keyboard and assistive tech all reach it. */}
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
              className="absolute inset-0 size-full cursor-pointer appearance-none opacity-0"
            />
            <span className="font-medium text-zinc-900">{o.label}</span>
            {o.description && <span className="mt-0.5 text-xs text-zinc-500">{o.description}</span>}
          </label>
        ))}
      </div>
      {error && <p className="mt-1 text-xs font-medium text-red-600">{error}</p>}
    </fieldset>
  );
}
