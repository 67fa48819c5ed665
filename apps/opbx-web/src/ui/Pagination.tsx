import { Button } from './Button';

export interface PageMeta {
  current_page: number;
  per_page: number;
  total: number;
  last_page: number;
  from: number;
  to: number;
}

export function Pagination({ meta, onPage, noun = 'results' }: { meta: PageMeta | undefined; onPage: (page: number) => void; noun?: string }) {
  if (!meta || meta.total === 0) return null;
  const { current_page: page, last_page: last } = meta;
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between gap-3 border-t border-zinc-100 px-4 py-2.5 text-sm">
      <p className="text-zinc-500">
        {meta.total === 1 ? (
          <>
            <span className="font-medium text-zinc-700">1</span> {noun.replace(/s$/, '')}
          </>
        ) : meta.from === meta.to ? (
          <>
            <span className="font-medium text-zinc-700">{meta.from}</span> of {meta.total} {noun}
          </>
        ) : (
          <>
            <span className="font-medium text-zinc-700">
              {meta.from}–{meta.to}
            </span>{' '}
            of <span className="font-medium text-zinc-700">{meta.total}</span> {noun}
          </>
        )}
      </p>
      {last > 1 && (
        <div className="flex items-center gap-2">
          <span className="text-xs text-zinc-500">
            Page {page} of {last}
          </span>
          <Button size="sm" onClick={() => onPage(page - 1)} disabled={page <= 1} aria-label="Previous page">
            Previous
          </Button>
          <Button size="sm" onClick={() => onPage(page + 1)} disabled={page >= last} aria-label="Next page">
            Next
          </Button>
        </div>
      )}
    </nav>
  );
}

/** Client-side pages for the few lists the server returns whole (business hours). */
export function paginateLocally<T>(rows: T[], page: number, perPage: number): { rows: T[]; meta: PageMeta } {
  const total = rows.length;
  const last = Math.max(1, Math.ceil(total / perPage));
  const current = Math.min(Math.max(1, page), last);
  const start = (current - 1) * perPage;
  const slice = rows.slice(start, start + perPage);
  return { rows: slice, meta: { current_page: current, per_page: perPage, total, last_page: last, from: total ? start + 1 : 0, to: start + slice.length } };
}
