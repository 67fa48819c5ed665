import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { usePermissions } from '../../auth/permissions';
import { paths } from '../../app/paths';
import { useListParams } from '../../lib/hooks';
import { usePageTitle } from '../../lib/title';
import { useAllRingGroups, useExtensionNames } from '../../data/lookups';
import { Button, IconButton } from '../../ui/Button';
import { PageHeader } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/Dialogs';
import { Pagination, paginateLocally } from '../../ui/Pagination';
import { DataTable, type Column } from '../../ui/Table';
import { FilterSelect, SearchInput, Toolbar } from '../../ui/Toolbar';
import { EmptyState } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { ChevronRightIcon, PlusIcon, TrashIcon } from '../../ui/icons';
import { useBusinessHoursList, useDeleteBusinessHours } from './api';
import { summarize, type BusinessHoursView } from './model';
import { OpenBadge } from './OpenBadge';

const FILTERS = ['search', 'now'] as const;
const PER_PAGE = 20;

export default function BusinessHoursPage() {
  usePageTitle('Business hours');
  const perms = usePermissions();
  const toast = useToast();
  const navigate = useNavigate();
  const names = useExtensionNames();
  const groups = useAllRingGroups();
  const [params, setParams] = useListParams(FILTERS);
  const list = useBusinessHoursList();
  const remove = useDeleteBusinessHours();
  const [deleting, setDeleting] = useState<BusinessHoursView | null>(null);
  const filtered = Boolean(params.search || params.now);

  // The API returns every schedule at once (a company has a handful), so search and pages are local.
  const term = params.search.toLowerCase();
  const matching = (list.data ?? []).filter(
    (h) => (!term || h.name.toLowerCase().includes(term) || h.timezone.toLowerCase().includes(term)) && (!params.now || (params.now === 'open') === h.is_open_now),
  );
  const page = paginateLocally(matching, params.page, PER_PAGE);

  const target = (r: { type: string; extension_id?: string; ring_group_id?: string }) => {
    if (r.type === 'ring_group') return `Ring group ${groups.data?.find((g) => g.id === r.ring_group_id)?.name ?? '…'}`;
    if (r.type === 'extension') return `Extension ${names.label(r.extension_id)}`;
    if (r.type === 'voicemail') return `Voicemail of ${names.label(r.extension_id)}`;
    return 'Hang up';
  };

  const columns: Column<BusinessHoursView>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (h) => (
        <div>
          <Link to={paths.businessHoursOne(h.id)} className="font-medium text-indigo-700 hover:underline">
            {h.name}
          </Link>
          <p className="text-xs text-zinc-500">{h.timezone}</p>
        </div>
      ),
    },
    { key: 'now', header: 'Now', cell: (h) => <OpenBadge open={h.is_open_now} /> },
    {
      key: 'hours',
      header: 'Hours',
      cell: (h) => (
        <div className="max-w-md text-zinc-700">
          {summarize(h.schedules)}
          {h.holidays.length > 0 && <p className="text-xs text-zinc-500">{h.holidays.length === 1 ? '1 holiday' : `${h.holidays.length} holidays`}</p>}
        </div>
      ),
    },
    {
      key: 'routing',
      header: 'Open → / Closed →',
      hideBelow: 'lg',
      cell: (h) => (
        <div className="text-xs text-zinc-600">
          <p>{target(h.open_hours_routing)}</p>
          <p className="text-zinc-500">{target(h.closed_hours_routing)}</p>
        </div>
      ),
    },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (h) => (
        <div className="flex justify-end gap-1">
          {perms.manage && (
            <IconButton label={`Delete ${h.name}`} onClick={() => setDeleting(h)} className="hover:text-red-600">
              <TrashIcon />
            </IconButton>
          )}
          <IconButton label={`Open ${h.name}`} onClick={() => navigate(paths.businessHoursOne(h.id))}>
            <ChevronRightIcon />
          </IconButton>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Business hours"
        description="Opening hours decide where calls go, evaluated in each schedule's own time zone."
        actions={
          perms.manage && (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => navigate(paths.businessHoursNew)}>
              New business hours
            </Button>
          )
        }
      />
      <Toolbar>
        <SearchInput label="Search business hours" placeholder="Search name or time zone" value={params.search} onChange={(v) => setParams({ search: v })} />
        <FilterSelect label="Right now" value={params.now} onChange={(v) => setParams({ now: v })}>
          <option value="">Open or closed</option>
          <option value="open">Open now</option>
          <option value="closed">Closed now</option>
        </FilterSelect>
      </Toolbar>
      <DataTable
        label="Business hours"
        columns={columns}
        rows={list.data ? page.rows : undefined}
        rowKey={(h) => h.id}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={() => void list.refetch()}
        empty={
          filtered ? (
            <EmptyState title="Nothing matches these filters">
              <button type="button" className="font-medium text-indigo-600 hover:underline" onClick={() => setParams({ search: null, now: null })}>
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState
              title="No business hours yet"
              action={
                perms.manage && (
                  <Button variant="primary" icon={<PlusIcon />} onClick={() => navigate(paths.businessHoursNew)}>
                    Set up business hours
                  </Button>
                )
              }
            >
              Route calls differently when you are open and closed.
            </EmptyState>
          )
        }
        footer={<Pagination meta={list.data ? page.meta : undefined} onPage={(p) => setParams({ page: p })} noun="schedules" />}
      />
      <ConfirmDialog
        open={Boolean(deleting)}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'business hours'}?`}
        description="This cannot be undone."
        onConfirm={async () => {
          await remove.mutateAsync(deleting!.id);
          toast.success(`Deleted ${deleting!.name}.`);
        }}
      />
    </>
  );
}
