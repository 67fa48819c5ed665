import { useState } from 'react';
import { Link } from 'react-router';
import type { User, UserRole, Status } from '@opbx/client';
import { useUser } from '../../auth/session';
import { usePermissions } from '../../auth/permissions';
import { paths } from '../../app/paths';
import { compact, useListParams } from '../../lib/hooks';
import { formatDate } from '../../lib/format';
import { usePageTitle } from '../../lib/title';
import { useOrgTimezone } from '../../data/lookups';
import { Button, IconButton } from '../../ui/Button';
import { Badge, PageHeader, StatusBadge } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/Dialogs';
import { Pagination } from '../../ui/Pagination';
import { DataTable, type Column } from '../../ui/Table';
import { FilterSelect, SearchInput, Toolbar } from '../../ui/Toolbar';
import { EmptyState } from '../../ui/States';
import { PencilIcon, PlusIcon, TrashIcon } from '../../ui/icons';
import { useToast } from '../../ui/Toast';
import { useDeleteUser, useUsers } from './api';
import { UserForm } from './UserForm';

const ROLE_TONE = { owner: 'indigo', admin: 'blue', agent: 'gray' } as const;
const FILTERS = ['search', 'role', 'status'] as const;

export default function UsersPage() {
  usePageTitle('Users');
  const me = useUser();
  const perms = usePermissions();
  const tz = useOrgTimezone();
  const toast = useToast();
  const [params, setParams] = useListParams(FILTERS);
  const query = compact({ search: params.search, role: params.role as UserRole | '', status: params.status as Status | '', page: params.page, per_page: 20 });
  const users = useUsers(query);
  const remove = useDeleteUser();
  const [form, setForm] = useState<{ user: User | null } | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const filtered = Boolean(params.search || params.role || params.status);

  const columns: Column<User>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (u) => (
        <div className="min-w-0">
          <p className="font-medium text-zinc-900">
            {u.name} {u.id === me.id && <span className="text-xs font-normal text-zinc-500">(you)</span>}
          </p>
          <p className="text-xs text-zinc-500">{u.email}</p>
        </div>
      ),
    },
    { key: 'role', header: 'Role', cell: (u) => <Badge tone={ROLE_TONE[u.role]}>{u.role[0]!.toUpperCase() + u.role.slice(1)}</Badge> },
    {
      key: 'extension',
      header: 'Extension',
      cell: (u) =>
        u.extension ? (
          <Link to={paths.extension(u.extension.id)} className="font-mono text-indigo-600 hover:underline">
            {u.extension.extension_number}
          </Link>
        ) : (
          <span className="text-zinc-500">None</span>
        ),
    },
    { key: 'status', header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
    { key: 'created', header: 'Added', hideBelow: 'lg', cell: (u) => <span className="text-zinc-500">{formatDate(u.created_at, tz)}</span> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (u) =>
        perms.manageUser(u) ? (
          <div className="flex justify-end gap-1">
            <IconButton label={`Edit ${u.name}`} onClick={() => setForm({ user: u })}>
              <PencilIcon />
            </IconButton>
            {u.id !== me.id && (
              <IconButton label={`Delete ${u.name}`} onClick={() => setDeleting(u)} className="hover:text-red-600">
                <TrashIcon />
              </IconButton>
            )}
          </div>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title="Users"
        description="People who can sign in to OPBX, and their roles."
        actions={
          <Button variant="primary" icon={<PlusIcon />} onClick={() => setForm({ user: null })}>
            Add user
          </Button>
        }
      />
      <Toolbar>
        <SearchInput label="Search users" placeholder="Search name or email" value={params.search} onChange={(v) => setParams({ search: v })} />
        <FilterSelect label="Role" value={params.role} onChange={(v) => setParams({ role: v })}>
          <option value="">All roles</option>
          <option value="owner">Owners</option>
          <option value="admin">Admins</option>
          <option value="agent">Agents</option>
        </FilterSelect>
        <FilterSelect label="Status" value={params.status} onChange={(v) => setParams({ status: v })}>
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="inactive">Inactive</option>
        </FilterSelect>
      </Toolbar>
      <DataTable
        label="Users"
        columns={columns}
        rows={users.data?.data}
        rowKey={(u) => u.id}
        isLoading={users.isLoading}
        isFetching={users.isFetching}
        error={users.error}
        onRetry={() => void users.refetch()}
        empty={
          filtered ? (
            <EmptyState title="No users match these filters">
              <button type="button" className="font-medium text-indigo-600 hover:underline" onClick={() => setParams({ search: null, role: null, status: null })}>
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState title="No users yet" />
          )
        }
        footer={<Pagination meta={users.data?.meta} onPage={(page) => setParams({ page })} noun="users" />}
      />
      {form && <UserForm key={form.user?.id ?? 'new'} user={form.user} open onClose={() => setForm(null)} />}
      <ConfirmDialog
        open={Boolean(deleting)}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'user'}?`}
        description="They can no longer sign in. Their extension stays, unassigned. This cannot be undone."
        onConfirm={async () => {
          await remove.mutateAsync(deleting!.id);
          toast.success(`Deleted ${deleting!.name}.`);
        }}
      />
    </>
  );
}
