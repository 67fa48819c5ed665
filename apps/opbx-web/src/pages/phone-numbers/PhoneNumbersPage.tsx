import type { DIDNumber, Status } from '@opbx/client';
import { useState } from 'react';

import { usePermissions } from '../../auth/permissions';
import { usePhoneFormatter } from '../../data/lookups';
import { compact, useListParams } from '../../lib/hooks';
import { usePageTitle } from '../../lib/title';
import { Button } from '../../ui/Button';
import { PageHeader, StatusBadge } from '../../ui/Card';
import { ConfirmDelete } from '../../ui/Dialogs';
import { PlusIcon } from '../../ui/icons';
import { actionsColumn, ListTable } from '../../ui/ListTable';
import type { Column } from '../../ui/Table';
import { FilterSelect, SearchInput, StatusFilter, Toolbar } from '../../ui/Toolbar';
import { useDeleteDid, useDids } from './api';
import { PhoneNumberForm } from './PhoneNumberForm';
import { ROUTING_TYPES, useRoutingSummary } from './routing';

const FILTERS = ['search', 'routing_type', 'status'] as const;

export default function PhoneNumbersPage() {
  const showPhone = usePhoneFormatter();
  usePageTitle('Phone numbers');
  const perms = usePermissions();
  const summary = useRoutingSummary();
  const [params, setParams, filters] = useListParams(FILTERS);
  const list = useDids(
    compact({ search: params.search, routing_type: params.routing_type, status: params.status as Status | '', page: params.page, per_page: 20 }),
  );
  const remove = useDeleteDid();
  const [form, setForm] = useState<{ did: DIDNumber | null } | null>(null);
  const [deleting, setDeleting] = useState<DIDNumber | null>(null);

  const columns: Column<DIDNumber>[] = [
    {
      key: 'number',
      header: 'Number',
      cell: (d) => (
        <div>
          <p className="font-medium text-zinc-900 tabular-nums">{showPhone(d.phone_number)}</p>
          {d.friendly_name && <p className="text-xs text-zinc-500">{d.friendly_name}</p>}
        </div>
      ),
    },
    { key: 'routing', header: 'Routes to', cell: (d) => <span className="text-zinc-700">{summary(d)}</span> },
    { key: 'status', header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
    actionsColumn((d) => (perms.manage ? { name: showPhone(d.phone_number), onEdit: () => setForm({ did: d }), onDelete: () => setDeleting(d) } : null)),
  ];

  return (
    <>
      <PageHeader
        title="Phone numbers"
        description="Your numbers (DIDs) and where their calls go."
        actions={
          perms.manage && (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => setForm({ did: null })}>
              Add number
            </Button>
          )
        }
      />
      <Toolbar>
        <SearchInput label="Search phone numbers" placeholder="Search number or name" value={params.search} onChange={(v) => setParams({ search: v })} />
        <FilterSelect label="Routes to" value={params.routing_type} onChange={(v) => setParams({ routing_type: v })}>
          <option value="">Any routing</option>
          {ROUTING_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </FilterSelect>
        <StatusFilter value={params.status} onChange={(v) => setParams({ status: v })} />
      </Toolbar>
      <ListTable
        label="Phone numbers"
        noun="numbers"
        columns={columns}
        source={list}
        filters={filters}
        onPage={(page) => setParams({ page })}
        empty={{
          title: 'No phone numbers yet',
          hint: 'Add the numbers your Cloudonix domain receives calls on.',
          action: perms.manage && (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => setForm({ did: null })}>
              Add a number
            </Button>
          ),
        }}
      />
      {form && <PhoneNumberForm key={form.did?.id ?? 'new'} did={form.did} open onClose={() => setForm(null)} />}
      <ConfirmDelete
        target={deleting}
        onClose={() => setDeleting(null)}
        title={(d) => `Delete ${showPhone(d.phone_number)}?`}
        description="Calls to this number will no longer be answered. Call history is kept."
        onDelete={(d) => remove.mutateAsync(d.id)}
        deleted={(d) => `Deleted ${showPhone(d.phone_number)}.`}
      />
    </>
  );
}
