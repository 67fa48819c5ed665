import { useState } from 'react';
import type { DIDNumber, Status } from '@opbx/client';
import { usePermissions } from '../../auth/permissions';
import { compact, useListParams } from '../../lib/hooks';
import { formatPhone } from '../../lib/format';
import { usePageTitle } from '../../lib/title';
import { Button, IconButton } from '../../ui/Button';
import { PageHeader, StatusBadge } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/Dialogs';
import { Pagination } from '../../ui/Pagination';
import { DataTable, type Column } from '../../ui/Table';
import { FilterSelect, SearchInput, Toolbar } from '../../ui/Toolbar';
import { EmptyState } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { PencilIcon, PlusIcon, TrashIcon } from '../../ui/icons';
import { useDeleteDid, useDids } from './api';
import { PhoneNumberForm } from './PhoneNumberForm';
import { ROUTING_TYPES, useRoutingSummary } from './routing';

const FILTERS = ['search', 'routing_type', 'status'] as const;

export default function PhoneNumbersPage() {
  usePageTitle('Phone numbers');
  const perms = usePermissions();
  const toast = useToast();
  const summary = useRoutingSummary();
  const [params, setParams] = useListParams(FILTERS);
  const list = useDids(compact({ search: params.search, routing_type: params.routing_type, status: params.status as Status | '', page: params.page, per_page: 20 }));
  const remove = useDeleteDid();
  const [form, setForm] = useState<{ did: DIDNumber | null } | null>(null);
  const [deleting, setDeleting] = useState<DIDNumber | null>(null);
  const filtered = Boolean(params.search || params.routing_type || params.status);

  const columns: Column<DIDNumber>[] = [
    {
      key: 'number',
      header: 'Number',
      cell: (d) => (
        <div>
          <p className="font-medium text-zinc-900 tabular-nums">{formatPhone(d.phone_number)}</p>
          {d.friendly_name && <p className="text-xs text-zinc-500">{d.friendly_name}</p>}
        </div>
      ),
    },
    { key: 'routing', header: 'Routes to', cell: (d) => <span className="text-zinc-700">{summary(d)}</span> },
    { key: 'status', header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (d) =>
        perms.manage ? (
          <div className="flex justify-end gap-1">
            <IconButton label={`Edit ${formatPhone(d.phone_number)}`} onClick={() => setForm({ did: d })}>
              <PencilIcon />
            </IconButton>
            <IconButton label={`Delete ${formatPhone(d.phone_number)}`} onClick={() => setDeleting(d)} className="hover:text-red-600">
              <TrashIcon />
            </IconButton>
          </div>
        ) : null,
    },
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
        <FilterSelect label="Status" value={params.status} onChange={(v) => setParams({ status: v })}>
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="inactive">Inactive</option>
        </FilterSelect>
      </Toolbar>
      <DataTable
        label="Phone numbers"
        columns={columns}
        rows={list.data?.data}
        rowKey={(d) => d.id}
        isLoading={list.isLoading}
        isFetching={list.isFetching}
        error={list.error}
        onRetry={() => void list.refetch()}
        empty={
          filtered ? (
            <EmptyState title="No numbers match these filters">
              <button type="button" className="font-medium text-indigo-600 hover:underline" onClick={() => setParams({ search: null, routing_type: null, status: null })}>
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState
              title="No phone numbers yet"
              action={
                perms.manage && (
                  <Button variant="primary" icon={<PlusIcon />} onClick={() => setForm({ did: null })}>
                    Add a number
                  </Button>
                )
              }
            >
              Add the numbers your Cloudonix domain receives calls on.
            </EmptyState>
          )
        }
        footer={<Pagination meta={list.data?.meta} onPage={(page) => setParams({ page })} noun="numbers" />}
      />
      {form && <PhoneNumberForm key={form.did?.id ?? 'new'} did={form.did} open onClose={() => setForm(null)} />}
      <ConfirmDialog
        open={Boolean(deleting)}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting ? formatPhone(deleting.phone_number) : 'number'}?`}
        description="Calls to this number will no longer be answered. Call history is kept."
        onConfirm={async () => {
          await remove.mutateAsync(deleting!.id);
          toast.success(`Deleted ${formatPhone(deleting!.phone_number)}.`);
        }}
      />
    </>
  );
}
