import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';

import { paths } from '../../app/paths';
import { usePermissions } from '../../auth/permissions';
import { useUser } from '../../auth/session';
import { useAllUsers } from '../../data/lookups';
import { usePageTitle } from '../../lib/title';
import { usePresence } from '../../realtime/RealtimeProvider';
import { Button } from '../../ui/Button';
import { Badge, Card, CardHeader, DescriptionList, PageHeader, StatusBadge } from '../../ui/Card';
import { BackLink, MissingRecord } from '../../ui/Detail';
import { ConfirmDelete } from '../../ui/Dialogs';
import { TrashIcon } from '../../ui/icons';
import { LoadingBlock } from '../../ui/States';
import { useDeleteExtension, useExtension } from './api';
import { ForwardingCard } from './ForwardingCard';
import { GeneralCard } from './GeneralCard';
import { SipCard } from './SipCard';
import { VoicemailCard } from './VoicemailCard';

const back = <BackLink to={paths.extensions}>Extensions</BackLink>;

export default function ExtensionPage() {
  const { id = '' } = useParams();
  const me = useUser();
  const perms = usePermissions();
  const navigate = useNavigate();
  const presence = usePresence();
  const query = useExtension(id);
  const users = useAllUsers();
  const remove = useDeleteExtension();
  const [deleting, setDeleting] = useState(false);
  const ext = query.data;
  usePageTitle(ext ? `Extension ${ext.extension_number}` : 'Extension');

  if (query.isLoading) return <LoadingBlock />;
  if (!ext) {
    return <MissingRecord title="Extension" back={back} notFound="This extension doesn't exist" error={query.error} onRetry={() => void query.refetch()} />;
  }

  const own = ext.user_id === me.id;
  const owner = ext.user_id ? users.data?.find((u) => u.id === ext.user_id) : undefined;
  const live = presence[ext.id];

  return (
    <>
      <PageHeader
        back={back}
        title={
          <span className="flex flex-wrap items-center gap-2">
            Extension <span className="font-mono">{ext.extension_number}</span>
            <StatusBadge status={ext.status} />
            {own && <Badge tone="indigo">Yours</Badge>}
            {live === 'on_call' && <Badge tone="blue">On a call</Badge>}
            {live === 'ringing' && <Badge tone="amber">Ringing</Badge>}
          </span>
        }
        description={`${ext.type[0]!.toUpperCase()}${ext.type.slice(1)} extension${owner ? ` · ${owner.name}` : ''}`}
        actions={
          perms.manage && (
            <Button variant="secondary" icon={<TrashIcon />} onClick={() => setDeleting(true)} className="hover:text-red-600">
              Delete
            </Button>
          )
        }
      />
      <div className="grid gap-5 lg:grid-cols-2">
        <div className="space-y-5">
          {perms.manage ? (
            <GeneralCard key={ext.updated_at} ext={ext} />
          ) : (
            <Card aria-labelledby="general-title">
              <CardHeader id="general-title" title="General" />
              <div className="px-4 py-2">
                <DescriptionList
                  items={[
                    { term: 'Number', value: <span className="font-mono">{ext.extension_number}</span> },
                    { term: 'Type', value: <span className="capitalize">{ext.type}</span> },
                    { term: 'Status', value: <StatusBadge status={ext.status} /> },
                  ]}
                />
              </div>
            </Card>
          )}
          <SipCard ext={ext} canReset={perms.manage} />
        </div>
        <div className="space-y-5">
          <ForwardingCard key={ext.updated_at} ext={ext} editable={perms.editForwarding(ext)} />
          {(perms.manage || own) && <VoicemailCard extensionId={ext.id} enabled={ext.voicemail_enabled} />}
        </div>
      </div>
      <ConfirmDelete
        target={deleting ? ext : null}
        onClose={() => setDeleting(false)}
        title={(e) => `Delete extension ${e.extension_number}?`}
        description="Its phone stops registering and its voicemail box is removed. This cannot be undone."
        onDelete={async (e) => {
          await remove.mutateAsync(e.id);
          void navigate(paths.extensions);
        }}
        deleted={(e) => `Extension ${e.extension_number} deleted.`}
      />
    </>
  );
}
