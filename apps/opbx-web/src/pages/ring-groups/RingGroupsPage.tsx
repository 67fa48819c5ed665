import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { RingGroup } from '@opbx/client';
import { usePermissions } from '../../auth/permissions';
import { paths } from '../../app/paths';
import { compact, useListParams } from '../../lib/hooks';
import { usePageTitle } from '../../lib/title';
import { useExtensionNames } from '../../data/lookups';
import { Button, IconButton } from '../../ui/Button';
import { PageHeader, StatusBadge } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/Dialogs';
import { Pagination } from '../../ui/Pagination';
import { DataTable, type Column } from '../../ui/Table';
import { FilterSelect, SearchInput, Toolbar } from '../../ui/Toolbar';
import { EmptyState } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { ChevronRightIcon, PlusIcon, TrashIcon } from '../../ui/icons';
import { useDeleteRingGroup, useRingGroups } from './api';
import { STRATEGIES, strategyLabel } from './strategies';

const FILTERS = ['search', 'strategy', 'status'] as const;

export default function RingGroupsPage() {
  usePageTitle('Ring groups');
  const perms = usePermissions();
  const toast = useToast();
  const navigate = useNavigate();
  const names = useExtensionNames();
  const [params, setParams] = useListParams(FILTERS);
  const list = useRingGroups(compact({ search: params.search, strategy: params.strategy, status: params.status, page: params.page, per_page: 20 }));
  const remove = useDeleteRingGroup();
  const [deleting, setDeleting] = useState<RingGroup | null>(null);
  const filtered = Boolean(params.search || params.strategy || params.status);

  const fallbackText = (g: RingGroup) => {
    const f = g.fallback_action;
    if (!f) return 'Nothing';
    if (f.type === 'extension') return `Extension ${names.label(f.extension_id)}`;
    if (f.type === 'voicemail') return f.extension_id ? `Voicemail of ${names.label(f.extension_id)}` : 'Voicemail';
    return 'Hang up';
  };

  const columns: Column<RingGroup>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (g) => (
        <Link to={paths.ringGroup(g.id)} className="font-medium text-indigo-700 hover:underline">
          {g.name}
        </Link>
      ),
    },
    { key: 'strategy', header: 'Strategy', cell: (g) => strategyLabel(g.strategy) },
    {
      key: 'members',
      header: 'Members',
      cell: (g) => {
        const ordered = [...g.members].sort((a, b) => a.priority - b.priority);
        const shown = ordered.slice(0, 3).map((m) => names.byId.get(m.extension_id)?.extension_number ?? '…');
        return (
          <span className="text-zinc-700">
            <span className="font-mono">{shown.join(', ')}</span>
            {ordered.length > 3 && <span className="text-zinc-500"> +{ordered.length - 3}</span>}
          </span>
        );
      },
    },
    { key: 'timeout', header: 'Timeout', hideBelow: 'md', cell: (g) => `${g.timeout}s` },
    { key: 'fallback', header: 'If unanswered', hideBelow: 'lg', cell: (g) => <span className="text-zinc-600">{fallbackText(g)}</span> },
    { key: 'status', header: 'Status', cell: (g) => <StatusBadge status={g.status} /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (g) => (
        <div className="flex justify-end gap-1">
          {perms.manage && (
            <IconButton label={`Delete ${g.name}`} onClick={() => setDeleting(g)} className="hover:text-red-600">
              <TrashIcon />
            </IconButton>
          )}
          <IconButton label={`Open ${g.name}`} onClick={() => navigate(paths.ringGroup(g.id))}>
            <ChevronRightIcon />
          </IconButton>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Ring groups"
        description="Teams of extensions that share incoming calls."
        actions={
          perms.manage && (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => navigate(paths.ringGroupNew)}>
              New ring group
            </Button>
          )
        }
      />
      <Toolbar>
        <SearchInput label="Search ring groups" placeholder="Search by name" value={params.search} onChange={(v) => setParams({ search: v })} />
        <FilterSelect label="Strategy" value={params.strategy} onChange={(v) => setParams({ strategy: v })}>
          <option value="">Any strategy</option>
          {STRATEGIES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Status" value={params.status} onChange={(v) => setParams({ status: v })}>
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="inactive">Inactive</option>
        </FilterSelect>
      </Toolbar>
      <DataTable
        label="Ring groups"
        columns={columns}
        rows={list.data?.data}
        rowKey={(g) => g.id}
        isLoading={list.isLoading}
        isFetching={list.isFetching}
        error={list.error}
        onRetry={() => void list.refetch()}
        empty={
          filtered ? (
            <EmptyState title="No ring groups match these filters">
              <button type="button" className="font-medium text-indigo-600 hover:underline" onClick={() => setParams({ search: null, strategy: null, status: null })}>
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState
              title="No ring groups yet"
              action={
                perms.manage && (
                  <Button variant="primary" icon={<PlusIcon />} onClick={() => navigate(paths.ringGroupNew)}>
                    Create a ring group
                  </Button>
                )
              }
            >
              Group extensions so a call rings the whole team.
            </EmptyState>
          )
        }
        footer={<Pagination meta={list.data?.meta} onPage={(page) => setParams({ page })} noun="ring groups" />}
      />
      <ConfirmDialog
        open={Boolean(deleting)}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'ring group'}?`}
        description="Its members are not affected. This cannot be undone."
        onConfirm={async () => {
          await remove.mutateAsync(deleting!.id);
          toast.success(`Deleted ${deleting!.name}.`);
        }}
      />
    </>
  );
}
