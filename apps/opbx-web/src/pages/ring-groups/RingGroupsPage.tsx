import type { RingGroup } from '@opbx/client';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { paths } from '../../app/paths';
import { usePermissions } from '../../auth/permissions';
import { useExtensionNames } from '../../data/lookups';
import { compact, useListParams } from '../../lib/hooks';
import { usePageTitle } from '../../lib/title';
import { Button } from '../../ui/Button';
import { PageHeader, StatusBadge } from '../../ui/Card';
import { ConfirmDelete } from '../../ui/Dialogs';
import { PlusIcon } from '../../ui/icons';
import { actionsColumn, ListTable } from '../../ui/ListTable';
import type { Column } from '../../ui/Table';
import { FilterSelect, SearchInput, StatusFilter, Toolbar } from '../../ui/Toolbar';
import { useDeleteRingGroup, useRingGroups } from './api';
import { STRATEGIES, strategyLabel } from './strategies';

const FILTERS = ['search', 'strategy', 'status'] as const;

export default function RingGroupsPage() {
  usePageTitle('Ring groups');
  const perms = usePermissions();
  const navigate = useNavigate();
  const names = useExtensionNames();
  const [params, setParams, filters] = useListParams(FILTERS);
  const list = useRingGroups(compact({ search: params.search, strategy: params.strategy, status: params.status, page: params.page, per_page: 20 }));
  const remove = useDeleteRingGroup();
  const [deleting, setDeleting] = useState<RingGroup | null>(null);

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
    actionsColumn((g) => ({ name: g.name, onDelete: perms.manage ? () => setDeleting(g) : undefined, onOpen: () => navigate(paths.ringGroup(g.id)) })),
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
        <StatusFilter value={params.status} onChange={(v) => setParams({ status: v })} />
      </Toolbar>
      <ListTable
        label="Ring groups"
        noun="ring groups"
        columns={columns}
        source={list}
        filters={filters}
        onPage={(page) => setParams({ page })}
        empty={{
          title: 'No ring groups yet',
          hint: 'Group extensions so a call rings the whole team.',
          action: perms.manage && (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => navigate(paths.ringGroupNew)}>
              Create a ring group
            </Button>
          ),
        }}
      />
      <ConfirmDelete
        target={deleting}
        onClose={() => setDeleting(null)}
        title={(g) => `Delete ${g.name}?`}
        description="Its members are not affected. This cannot be undone."
        onDelete={(g) => remove.mutateAsync(g.id)}
        deleted={(g) => `Deleted ${g.name}.`}
      />
    </>
  );
}
