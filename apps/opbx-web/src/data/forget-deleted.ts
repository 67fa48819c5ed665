import { type QueryClient, useQueryClient } from '@tanstack/react-query';

type Row = { id?: unknown };
type Page = { data: Row[]; meta?: { total?: number } & Record<string, unknown> };

function without(old: unknown, id: string): unknown {
  if (Array.isArray(old)) return old.some((r: Row) => r?.id === id) ? old.filter((r: Row) => r?.id !== id) : old;
  if (old && typeof old === 'object' && Array.isArray((old as Page).data)) {
    const page = old as Page;
    const data = page.data.filter((r) => r?.id !== id);
    if (data.length === page.data.length) return old;
    const meta = page.meta && typeof page.meta.total === 'number' ? { ...page.meta, total: page.meta.total - 1 } : page.meta;
    return { ...page, data, meta };
  }
  return old;
}

/**
 * Takes a deleted record out of every cached list of its domain at once. Invalidating alone left
 * lists that were not on screen holding it, and one shown again (say after clearing a filter)
 * displayed the deleted row until its refetch came back.
 */
export function forgetDeleted(qc: QueryClient, root: readonly unknown[], id: string): void {
  qc.setQueriesData({ queryKey: root }, (old: unknown) => without(old, id));
}

/** onSuccess for a delete mutation: forget the record in `root`'s lists, then refresh what depends on it. */
export function useOnDeleted(root: readonly unknown[], invalidate: () => void) {
  const qc = useQueryClient();
  return (_: unknown, id: string) => {
    forgetDeleted(qc, root, id);
    invalidate();
  };
}
