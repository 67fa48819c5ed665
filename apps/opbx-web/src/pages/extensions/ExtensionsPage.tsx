import type { Extension, ExtensionType, Status } from '@opbx/client';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { paths } from '../../app/paths';
import { usePermissions } from '../../auth/permissions';
import type { ExtensionWithPassword } from '../../data/extra';
import { useAllUsers, usePhoneFormatter } from '../../data/lookups';
import { compact, useListParams } from '../../lib/hooks';
import { usePageTitle } from '../../lib/title';
import { usePresence } from '../../realtime/RealtimeProvider';
import { Button } from '../../ui/Button';
import { PageHeader, StatusBadge } from '../../ui/Card';
import { ConfirmDelete } from '../../ui/Dialogs';
import { PlusIcon } from '../../ui/icons';
import { actionsColumn, ListTable } from '../../ui/ListTable';
import { PresenceBadge } from '../../ui/PresenceBadge';
import type { Column } from '../../ui/Table';
import { useToast } from '../../ui/Toast';
import { FilterSelect, SearchInput, StatusFilter, Toolbar } from '../../ui/Toolbar';
import { useDeleteExtension, useExtensions } from './api';
import { ExtensionForm } from './ExtensionForm';
import { SipCredentialsModal } from './SipCredentialsModal';

const FILTERS = ['search', 'type', 'status'] as const;

export function forwardingSummary(ext: Extension, showPhone: (n: string) => string): string {
  const f = ext.call_forwarding;
  if (!f?.enabled || !f.destination) return 'Off';
  return `${f.on_no_answer ? 'If unanswered' : 'Always'} → ${showPhone(f.destination)}`;
}

export default function ExtensionsPage() {
  const showPhone = usePhoneFormatter();
  usePageTitle('Extensions');
  const perms = usePermissions();
  const toast = useToast();
  const navigate = useNavigate();
  const presence = usePresence();
  const users = useAllUsers();
  const usersById = new Map((users.data ?? []).map((u) => [u.id, u]));
  const [params, setParams, filters] = useListParams(FILTERS);
  const list = useExtensions(
    compact({ search: params.search, type: params.type as ExtensionType | '', status: params.status as Status | '', page: params.page, per_page: 20 }),
  );
  const remove = useDeleteExtension();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ExtensionWithPassword | null>(null);
  const [deleting, setDeleting] = useState<Extension | null>(null);

  const columns: Column<Extension>[] = [
    {
      key: 'number',
      header: 'Extension',
      cell: (e) => (
        <Link to={paths.extension(e.id)} className="font-mono font-semibold text-indigo-700 hover:underline">
          {e.extension_number}
        </Link>
      ),
    },
    { key: 'type', header: 'Type', cell: (e) => <span className="capitalize">{e.type}</span> },
    {
      key: 'user',
      header: 'Assigned to',
      cell: (e) =>
        e.user_id ? (
          (usersById.get(e.user_id)?.name ?? (e.id === perms.ownExtensionId ? 'You' : <span className="text-zinc-500">A user</span>))
        ) : (
          <span className="text-zinc-500">Unassigned</span>
        ),
    },
    { key: 'status', header: 'Status', cell: (e) => <StatusBadge status={e.status} /> },
    {
      key: 'presence',
      header: 'Now',
      hideBelow: 'lg',
      cell: (e) => {
        const p = presence[e.id];
        return <PresenceBadge state={p} />;
      },
    },
    { key: 'voicemail', header: 'Voicemail', hideBelow: 'md', cell: (e) => (e.voicemail_enabled ? 'On' : <span className="text-zinc-500">Off</span>) },
    { key: 'forwarding', header: 'Forwarding', hideBelow: 'lg', cell: (e) => <span className="text-zinc-600">{forwardingSummary(e, showPhone)}</span> },
    actionsColumn((e) => ({
      name: `extension ${e.extension_number}`,
      onDelete: perms.manage ? () => setDeleting(e) : undefined,
      onOpen: () => navigate(paths.extension(e.id)),
    })),
  ];

  return (
    <>
      <PageHeader
        title="Extensions"
        description="Internal numbers for phones, mailboxes and queues."
        actions={
          perms.manage && (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
              Add extension
            </Button>
          )
        }
      />
      <Toolbar>
        <SearchInput label="Search extensions" placeholder="Search number or SIP username" value={params.search} onChange={(v) => setParams({ search: v })} />
        <FilterSelect label="Type" value={params.type} onChange={(v) => setParams({ type: v })}>
          <option value="">All types</option>
          <option value="user">User</option>
          <option value="virtual">Virtual</option>
          <option value="queue">Queue</option>
        </FilterSelect>
        <StatusFilter value={params.status} onChange={(v) => setParams({ status: v })} />
      </Toolbar>
      <ListTable
        label="Extensions"
        noun="extensions"
        columns={columns}
        source={list}
        filters={filters}
        onPage={(page) => setParams({ page })}
        empty={{
          title: 'No extensions yet',
          hint: 'Every phone, mailbox and queue gets an extension number.',
          action: perms.manage && (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
              Add the first extension
            </Button>
          ),
        }}
      />
      {creating && (
        <ExtensionForm
          open
          onClose={() => setCreating(false)}
          onCreated={(ext) => {
            setCreating(false);
            setCreated(ext);
            toast.success(`Extension ${ext.extension_number} added.`);
          }}
        />
      )}
      <SipCredentialsModal
        ext={created}
        onClose={() => setCreated(null)}
        extraAction={
          created && (
            <Button
              onClick={() => {
                const id = created.id;
                setCreated(null);
                void navigate(paths.extension(id));
              }}
            >
              Open extension
            </Button>
          )
        }
      />
      <ConfirmDelete
        target={deleting}
        onClose={() => setDeleting(null)}
        title={(e) => `Delete extension ${e.extension_number}?`}
        description="Its phone stops registering and its voicemail box is removed. This cannot be undone."
        onDelete={(e) => remove.mutateAsync(e.id)}
        deleted={(e) => `Extension ${e.extension_number} deleted.`}
      />
    </>
  );
}
