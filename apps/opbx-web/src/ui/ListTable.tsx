import type { ReactNode } from 'react';

import { IconButton } from './Button';
import { ChevronRightIcon, PencilIcon, TrashIcon } from './icons';
import { type PageMeta, Pagination } from './Pagination';
import { EmptyState } from './States';
import { type Column, DataTable } from './Table';

/** What a list page has loaded: a react-query result fits, and so does a page cut locally. */
export interface ListSource<T> {
  data?: { data: T[]; meta: PageMeta };
  isLoading: boolean;
  isFetching?: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** The list's filters as `useListParams` reports them. */
export interface ListFilters {
  active: boolean;
  clear: () => void;
}

/**
 * A paged list of records: the table, its pagination and both empty states. "None yet" carries
 * the page's call to action; "none match" offers the way back to the whole list.
 */
export function ListTable<T extends { id: string }>({
  label,
  noun,
  columns,
  source,
  filters,
  onPage,
  empty,
}: {
  label: string;
  /** Plural, lower case: "users", "ring groups". */
  noun: string;
  columns: Column<T>[];
  source: ListSource<T>;
  filters: ListFilters;
  onPage: (page: number) => void;
  empty: { title: string; hint?: ReactNode; action?: ReactNode };
}) {
  return (
    <DataTable
      label={label}
      columns={columns}
      rows={source.data?.data}
      rowKey={(row) => row.id}
      isLoading={source.isLoading}
      isFetching={source.isFetching}
      error={source.error}
      onRetry={() => void source.refetch()}
      empty={
        filters.active ? (
          <EmptyState title={`No ${noun} match these filters`}>
            <button type="button" className="font-medium text-indigo-600 hover:underline" onClick={filters.clear}>
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title={empty.title} action={empty.action}>
            {empty.hint}
          </EmptyState>
        )
      }
      footer={<Pagination meta={source.data?.meta} onPage={onPage} noun={noun} />}
    />
  );
}

/** The last column of a list: the row's icon buttons, each shown only when its handler is given. */
export function actionsColumn<T>(actions: (row: T) => { name: string; onEdit?: () => void; onDelete?: () => void; onOpen?: () => void } | null): Column<T> {
  return {
    key: 'actions',
    header: <span className="sr-only">Actions</span>,
    align: 'right',
    cell: (row) => {
      const a = actions(row);
      if (!a) return null;
      return (
        <div className="flex justify-end gap-1">
          {a.onEdit && (
            <IconButton label={`Edit ${a.name}`} onClick={a.onEdit}>
              <PencilIcon />
            </IconButton>
          )}
          {a.onDelete && (
            <IconButton label={`Delete ${a.name}`} onClick={a.onDelete} className="hover:text-red-600">
              <TrashIcon />
            </IconButton>
          )}
          {a.onOpen && (
            <IconButton label={`Open ${a.name}`} onClick={a.onOpen}>
              <ChevronRightIcon />
            </IconButton>
          )}
        </div>
      );
    },
  };
}
