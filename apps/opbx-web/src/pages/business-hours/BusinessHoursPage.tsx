import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { paths } from '../../app/paths';
import { usePermissions } from '../../auth/permissions';
import { useAllRingGroups, useExtensionNames } from '../../data/lookups';
import { useListParams } from '../../lib/hooks';
import { usePageTitle } from '../../lib/title';
import { Button } from '../../ui/Button';
import { PageHeader } from '../../ui/Card';
import { ConfirmDelete } from '../../ui/Dialogs';
import { PlusIcon } from '../../ui/icons';
import { actionsColumn, ListTable } from '../../ui/ListTable';
import { paginateLocally } from '../../ui/Pagination';
import type { Column } from '../../ui/Table';
import { FilterSelect, SearchInput, Toolbar } from '../../ui/Toolbar';
import { useBusinessHoursList, useDeleteBusinessHours } from './api';
import { type BusinessHoursView, summarize } from './model';
import { OpenBadge } from './OpenBadge';

const FILTERS = ['search', 'now'] as const;
const PER_PAGE = 20;

export default function BusinessHoursPage() {
  usePageTitle('Business hours');
  const perms = usePermissions();
  const navigate = useNavigate();
  const names = useExtensionNames();
  const groups = useAllRingGroups();
  const [params, setParams, filters] = useListParams(FILTERS);
  const list = useBusinessHoursList();
  const remove = useDeleteBusinessHours();
  const [deleting, setDeleting] = useState<BusinessHoursView | null>(null);

  // The API returns every schedule at once (a company has a handful), so search and pages are local.
  const term = params.search.toLowerCase();
  const matching = (list.data ?? []).filter(
    (h) =>
      (!term || h.name.toLowerCase().includes(term) || h.timezone.toLowerCase().includes(term)) && (!params.now || (params.now === 'open') === h.is_open_now),
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
    { key: 'now', header: 'Now', cell: (h) => <OpenBadge open={h.is_open_now} holidays={h.holidays} timezone={h.timezone} /> },
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
    actionsColumn((h) => ({ name: h.name, onDelete: perms.manage ? () => setDeleting(h) : undefined, onOpen: () => navigate(paths.businessHoursOne(h.id)) })),
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
      <ListTable
        label="Business hours"
        noun="schedules"
        columns={columns}
        source={{ data: list.data && { data: page.rows, meta: page.meta }, isLoading: list.isLoading, error: list.error, refetch: list.refetch }}
        filters={filters}
        onPage={(p) => setParams({ page: p })}
        empty={{
          title: 'No business hours yet',
          hint: 'Route calls differently when you are open and closed.',
          action: perms.manage && (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => navigate(paths.businessHoursNew)}>
              Set up business hours
            </Button>
          ),
        }}
      />
      <ConfirmDelete
        target={deleting}
        onClose={() => setDeleting(null)}
        title={(h) => `Delete ${h.name}?`}
        description="This cannot be undone."
        onDelete={(h) => remove.mutateAsync(h.id)}
        deleted={(h) => `Deleted ${h.name}.`}
      />
    </>
  );
}
