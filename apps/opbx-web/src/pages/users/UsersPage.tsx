import type { Status, User, UserRole } from '@opbx/client';
import { useState } from 'react';
import { Link } from 'react-router';

import { paths } from '../../app/paths';
import { usePermissions } from '../../auth/permissions';
import { useUser } from '../../auth/session';
import { useOrgTimezone } from '../../data/lookups';
import { formatDate } from '../../lib/format';
import { compact, useListParams } from '../../lib/hooks';
import { usePageTitle } from '../../lib/title';
import { Button } from '../../ui/Button';
import { Badge, PageHeader, StatusBadge } from '../../ui/Card';
import { ConfirmDelete } from '../../ui/Dialogs';
import { PlusIcon } from '../../ui/icons';
import { actionsColumn, ListTable } from '../../ui/ListTable';
import type { Column } from '../../ui/Table';
import { FilterSelect, SearchInput, StatusFilter, Toolbar } from '../../ui/Toolbar';
import { useDeleteUser, useUsers } from './api';
import { UserForm } from './UserForm';

const ROLE_TONE = { owner: 'indigo', admin: 'blue', agent: 'gray' } as const;
const FILTERS = ['search', 'role', 'status'] as const;

export default function UsersPage() {
  usePageTitle('Users');
  const me = useUser();
  const perms = usePermissions();
  const tz = useOrgTimezone();
  const [params, setParams, filters] = useListParams(FILTERS);
  const query = compact({ search: params.search, role: params.role as UserRole | '', status: params.status as Status | '', page: params.page, per_page: 20 });
  const users = useUsers(query);
  const remove = useDeleteUser();
  const [form, setForm] = useState<{ user: User | null } | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

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
    actionsColumn((u) =>
      perms.manageUser(u) ? { name: u.name, onEdit: () => setForm({ user: u }), onDelete: u.id !== me.id ? () => setDeleting(u) : undefined } : null,
    ),
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
        <StatusFilter value={params.status} onChange={(v) => setParams({ status: v })} />
      </Toolbar>
      <ListTable
        label="Users"
        noun="users"
        columns={columns}
        source={users}
        filters={filters}
        onPage={(page) => setParams({ page })}
        empty={{ title: 'No users yet' }}
      />
      {form && <UserForm key={form.user?.id ?? 'new'} user={form.user} open onClose={() => setForm(null)} />}
      <ConfirmDelete
        target={deleting}
        onClose={() => setDeleting(null)}
        title={(u) => `Delete ${u.name}?`}
        description="They can no longer sign in. Their extension stays, unassigned. This cannot be undone."
        onDelete={(u) => remove.mutateAsync(u.id)}
        deleted={(u) => `Deleted ${u.name}.`}
      />
    </>
  );
}
