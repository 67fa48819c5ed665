import { type ReactNode, type RefObject, useEffect, useRef, useState } from 'react';

import { cx } from '../lib/cx';
import { EmptyState, ErrorState, Skeleton } from './States';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  className?: string;
  /** Hidden below this width to keep the table readable on a laptop. */
  hideBelow?: 'md' | 'lg' | 'xl';
  align?: 'right';
}

interface TableProps<T> {
  label: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  isLoading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  empty?: ReactNode;
  /** Rows dimmed while a new page loads (previous data kept). */
  isFetching?: boolean;
  rowClassName?: (row: T) => string | undefined;
  footer?: ReactNode;
}

const HIDE = { md: 'hidden md:table-cell', lg: 'hidden lg:table-cell', xl: 'hidden xl:table-cell' } as const;

/**
 * Whether the element is wider inside than it shows (a table scrolling sideways on a phone). Such
 * a region must be reachable by keyboard, so it can be scrolled without a pointer.
 */
function useScrollsSideways(ref: RefObject<HTMLElement | null>): boolean {
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [ref]);
  return scrolls;
}

/** A list table with its loading, error and empty states built in. */
export function DataTable<T>({ label, columns, rows, rowKey, isLoading, error, onRetry, empty, isFetching, rowClassName, footer }: TableProps<T>) {
  const showSkeleton = isLoading && !rows;
  const scroller = useRef<HTMLDivElement>(null);
  const scrolls = useScrollsSideways(scroller);
  return (
    <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs">
      {error && !rows ? (
        <ErrorState error={error} onRetry={onRetry} />
      ) : (
        // relative: screen-reader-only text in cells is absolutely positioned, and must scroll
        // inside the table rather than widen the page on a phone.
        <div
          ref={scroller}
          className="relative overflow-x-auto focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none focus-visible:ring-inset"
          {...(scrolls ? { tabIndex: 0, role: 'region', 'aria-label': `${label} (scrolls sideways)` } : {})}
        >
          <table className="min-w-full text-sm" aria-label={label} aria-busy={isLoading || isFetching || undefined}>
            <thead className="border-b border-zinc-200 bg-zinc-50/80">
              <tr>
                {columns.map((c) => (
                  <th
                    key={c.key}
                    scope="col"
                    className={cx(
                      'px-4 py-2.5 text-left text-xs font-medium tracking-wide text-zinc-500 uppercase',
                      c.align === 'right' && 'text-right',
                      c.hideBelow && HIDE[c.hideBelow],
                      c.className,
                    )}
                  >
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className={cx('divide-y divide-zinc-100 transition-opacity', isFetching && !isLoading && 'opacity-60')}>
              {showSkeleton &&
                Array.from({ length: 5 }, (_, i) => (
                  <tr key={i}>
                    {columns.map((c) => (
                      <td key={c.key} className={cx('px-4 py-3', c.hideBelow && HIDE[c.hideBelow])}>
                        <Skeleton className="h-4 w-3/4" />
                      </td>
                    ))}
                  </tr>
                ))}
              {rows?.map((row) => (
                <tr key={rowKey(row)} className={cx('hover:bg-zinc-50/70', rowClassName?.(row))}>
                  {columns.map((c) => (
                    <td
                      key={c.key}
                      className={cx(
                        'px-4 py-2.5 align-middle text-zinc-700',
                        c.align === 'right' && 'text-right',
                        c.hideBelow && HIDE[c.hideBelow],
                        c.className,
                      )}
                    >
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {rows && rows.length === 0 && (empty ?? <EmptyState title="Nothing here yet" />)}
        </div>
      )}
      {error && rows ? (
        <p role="alert" className="border-t border-red-100 bg-red-50 px-4 py-2 text-xs text-red-700">
          Couldn't refresh this list. Showing the last data loaded.
        </p>
      ) : null}
      {footer}
    </div>
  );
}
