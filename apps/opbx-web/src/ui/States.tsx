import type { ReactNode } from 'react';

import type { ApiErrorInfo } from '../lib/api-error';
import { apiError } from '../lib/api-error';
import { cx } from '../lib/cx';

export function Spinner({ className, label }: { className?: string; label?: string }) {
  return (
    <svg
      className={cx('animate-spin text-current', className ?? 'size-4')}
      viewBox="0 0 24 24"
      fill="none"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    >
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}

export function LoadingBlock({ label = 'Loading…', className }: { label?: string; className?: string }) {
  return (
    <div role="status" className={cx('flex items-center justify-center gap-2 py-12 text-sm text-zinc-500', className)}>
      <Spinner />
      {label}
    </div>
  );
}

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={cx('animate-pulse rounded bg-zinc-200/70', className ?? 'h-4 w-full')} />;
}

export function EmptyState({ title, children, action, icon }: { title: string; children?: ReactNode; action?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center px-6 py-12 text-center">
      {icon && <div className="mb-3 text-zinc-500">{icon}</div>}
      <p className="text-sm font-medium text-zinc-900">{title}</p>
      {children && <p className="mt-1 max-w-sm text-sm text-zinc-500">{children}</p>}
      {action && <div className="mt-4">{action}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry, title = "Couldn't load this" }: { error: unknown; onRetry?: () => void; title?: string }) {
  const info: ApiErrorInfo = apiError(error);
  return (
    <div role="alert" className="flex flex-col items-center justify-center px-6 py-10 text-center">
      <p className="text-sm font-medium text-red-700">{title}</p>
      <p className="mt-1 max-w-md text-sm text-zinc-600">{info.message}</p>
      {info.requestId && <p className="mt-1 font-mono text-xs text-zinc-500">Request {info.requestId}</p>}
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-3 rounded-md px-2.5 py-1 text-sm font-medium text-indigo-600 hover:bg-indigo-50">
          Try again
        </button>
      )}
    </div>
  );
}

/** Inline alert for forms and panels. */
export function Alert({ tone = 'error', title, children }: { tone?: 'error' | 'warning' | 'info' | 'success'; title?: ReactNode; children?: ReactNode }) {
  const tones = {
    error: 'border-red-200 bg-red-50 text-red-800',
    warning: 'border-amber-200 bg-amber-50 text-amber-900',
    info: 'border-sky-200 bg-sky-50 text-sky-900',
    success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  } as const;
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={cx('rounded-md border px-3 py-2.5 text-sm', tones[tone])}>
      {title && <p className="font-medium">{title}</p>}
      {children && <div className={cx(title ? 'mt-1' : '', 'space-y-1')}>{children}</div>}
    </div>
  );
}
