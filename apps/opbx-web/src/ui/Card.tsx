import type { ReactNode } from 'react';

import { cx } from '../lib/cx';

export function Card({
  children,
  className,
  as: Tag = 'section',
  ...rest
}: {
  children: ReactNode;
  className?: string;
  as?: 'section' | 'div';
  'aria-labelledby'?: string;
}) {
  return (
    <Tag className={cx('rounded-lg border border-zinc-200 bg-white shadow-xs', className)} {...rest}>
      {children}
    </Tag>
  );
}

export function CardHeader({ title, description, actions, id }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; id?: string }) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-100 px-4 py-3">
      <div className="min-w-0">
        <h2 id={id} className="text-sm font-semibold text-zinc-900">
          {title}
        </h2>
        {description && <p className="mt-0.5 text-xs text-zinc-500">{description}</p>}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}

export function PageHeader({ title, description, actions, back }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; back?: ReactNode }) {
  return (
    <header className="mb-5">
      {back && <div className="mb-2">{back}</div>}
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">{title}</h1>
          {description && <p className="mt-1 text-sm text-zinc-500">{description}</p>}
        </div>
        {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
      </div>
    </header>
  );
}

type Tone = 'gray' | 'green' | 'red' | 'amber' | 'blue' | 'indigo' | 'violet' | 'cyan';
const TONES: Record<Tone, string> = {
  gray: 'bg-zinc-100 text-zinc-700 ring-zinc-500/10',
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  red: 'bg-red-50 text-red-700 ring-red-600/15',
  amber: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  blue: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  indigo: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20',
  violet: 'bg-violet-50 text-violet-700 ring-violet-600/20',
  cyan: 'bg-cyan-50 text-cyan-800 ring-cyan-600/20',
};

export function Badge({ tone = 'gray', children, dot, className }: { tone?: Tone; children: ReactNode; dot?: boolean; className?: string }) {
  return (
    <span
      className={cx('inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset', TONES[tone], className)}
    >
      {dot && <span aria-hidden className="size-1.5 rounded-full bg-current" />}
      {children}
    </span>
  );
}

export function StatusBadge({ status }: { status: 'active' | 'inactive' }) {
  return (
    <Badge tone={status === 'active' ? 'green' : 'gray'} dot>
      {status === 'active' ? 'Active' : 'Inactive'}
    </Badge>
  );
}

/** Definition list rows for detail panels. */
export function DescriptionList({ items }: { items: Array<{ term: ReactNode; value: ReactNode }> }) {
  return (
    <dl className="divide-y divide-zinc-100">
      {items.map((item, i) => (
        <div key={i} className="grid grid-cols-3 gap-3 py-2 text-sm">
          <dt className="text-zinc-500">{item.term}</dt>
          <dd className="col-span-2 min-w-0 break-words text-zinc-900">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
