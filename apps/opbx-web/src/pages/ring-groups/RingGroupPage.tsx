import type { CreateRingGroupRequest, RingGroup, RingGroupStrategy, Status } from '@opbx/client';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';

import { paths } from '../../app/paths';
import { usePermissions } from '../../auth/permissions';
import { claimedBy } from '../../lib/api-error';
import { usePageTitle } from '../../lib/title';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Card, CardHeader, PageHeader, StatusBadge } from '../../ui/Card';
import { BackLink, MissingRecord, PageFormActions } from '../../ui/Detail';
import { ConfirmDelete } from '../../ui/Dialogs';
import { RadioCards, SelectField, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { TrashIcon } from '../../ui/icons';
import { LoadingBlock } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useDeleteRingGroup, useRingGroup, useSaveRingGroup } from './api';
import { type Fallback, FallbackCard } from './FallbackCard';
import { MembersEditor } from './MembersEditor';
import { STRATEGIES } from './strategies';

const MEMBER_HINT: Record<RingGroupStrategy, string> = {
  simultaneous: 'Everyone rings at once; the order is kept for reports and for switching strategy later.',
  sequential: 'The order is the priority: 1 rings first, then 2, and so on.',
  round_robin: 'Each new call starts with the next member in this list, then tries the others in turn.',
};

const back = <BackLink to={paths.ringGroups}>Ring groups</BackLink>;

function Editor({ group }: { group: RingGroup | null }) {
  const perms = usePermissions();
  const toast = useToast();
  const navigate = useNavigate();
  const save = useSaveRingGroup();
  const remove = useDeleteRingGroup();
  const [name, setName] = useState(group?.name ?? '');
  const [strategy, setStrategy] = useState<RingGroupStrategy>(group?.strategy ?? 'simultaneous');
  const [timeout, setTimeoutValue] = useState(String(group?.timeout ?? 30));
  const [status, setStatus] = useState<Status>(group?.status ?? 'active');
  const [members, setMembers] = useState<string[]>(() => [...(group?.members ?? [])].sort((a, b) => a.priority - b.priority).map((m) => m.extension_id));
  const [fallback, setFallback] = useState<Fallback>(group?.fallback_action?.type ?? 'none');
  const [fallbackExt, setFallbackExt] = useState(group?.fallback_action?.extension_id ?? '');
  const [deleting, setDeleting] = useState(false);
  const { errors, clear, bind } = useFieldErrors(save.error);
  const readOnly = !perms.manage;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: CreateRingGroupRequest = {
      name: name.trim(),
      strategy,
      timeout: Number(timeout),
      status,
      members: members.map((extension_id, i) => ({ extension_id, priority: i + 1 })),
      fallback_action:
        fallback === 'none'
          ? (null as unknown as undefined)
          : { type: fallback, ...((fallback === 'extension' || fallback === 'voicemail') && fallbackExt ? { extension_id: fallbackExt } : {}) },
    };
    save.mutate(
      { ...(group ? { id: group.id } : {}), body },
      {
        onSuccess: (saved) => {
          toast.success(group ? `Saved ${saved.name}.` : `Created ring group ${saved.name}.`);
          void navigate(paths.ringGroups);
        },
      },
    );
  };

  return (
    <>
      <PageHeader
        back={back}
        title={
          group ? (
            <span className="flex items-center gap-2">
              {group.name} <StatusBadge status={group.status} />
            </span>
          ) : (
            'New ring group'
          )
        }
        description={readOnly ? 'You can view this ring group; only owners and admins can change it.' : 'A team of extensions that rings together or in turn.'}
        actions={
          group &&
          perms.manage && (
            <Button icon={<TrashIcon />} onClick={() => setDeleting(true)} className="hover:text-red-600">
              Delete
            </Button>
          )
        }
      />
      <form onSubmit={submit} noValidate aria-label="Ring group">
        <fieldset disabled={readOnly || save.isPending} className="min-w-0 space-y-5">
          <FormError error={save.error} claimed={claimedBy('name', 'strategy', 'timeout', 'status', 'members', 'fallback_action')} remaining={errors} />
          <div className="grid gap-5 lg:grid-cols-5">
            <div className="space-y-5 lg:col-span-3">
              <Card aria-labelledby="rg-basics">
                <CardHeader id="rg-basics" title="Basics" />
                <div className="space-y-4 p-4">
                  <div className="grid gap-4 sm:grid-cols-3">
                    <TextField label="Name" name="name" value={name} {...bind('name', setName)} className="sm:col-span-2" placeholder="e.g. Sales" />
                    <SelectField label="Status" name="status" value={status} {...bind<Status>('status', setStatus)}>
                      <option value="active">Active</option>
                      <option value="inactive">Inactive</option>
                    </SelectField>
                  </div>
                  <RadioCards
                    legend="Ring strategy"
                    name="strategy"
                    value={strategy}
                    onChange={(v) => {
                      setStrategy(v);
                      clear('strategy');
                    }}
                    options={STRATEGIES}
                    error={errors.strategy}
                    columns={3}
                  />
                  <TextField
                    label="Ring timeout (seconds)"
                    name="timeout"
                    type="number"
                    min={5}
                    max={300}
                    step={1}
                    value={timeout}
                    {...bind('timeout', setTimeoutValue)}
                    hint={
                      strategy === 'simultaneous'
                        ? 'How long everyone rings before the fallback runs (5–300).'
                        : 'How long each member rings before the next one is tried (5–300).'
                    }
                    className="max-w-xs"
                  />
                </div>
              </Card>
              <FallbackCard
                value={{ type: fallback, extensionId: fallbackExt }}
                onChange={(next) => {
                  setFallback(next.type);
                  setFallbackExt(next.extensionId);
                  clear('fallback_action');
                }}
                errors={errors}
              />
            </div>
            <Card aria-labelledby="rg-members" className="lg:col-span-2">
              <CardHeader id="rg-members" title="Who rings" description={MEMBER_HINT[strategy]} />
              <div className="p-4">
                <MembersEditor
                  members={members}
                  onChange={(m) => {
                    setMembers(m);
                    clear('members');
                  }}
                  errors={errors}
                  disabled={readOnly}
                />
              </div>
            </Card>
          </div>
          {!readOnly && (
            <PageFormActions onCancel={() => navigate(paths.ringGroups)} pending={save.isPending} submitLabel={group ? 'Save changes' : 'Create ring group'} />
          )}
        </fieldset>
      </form>
      <ConfirmDelete
        target={deleting ? group : null}
        onClose={() => setDeleting(false)}
        title={(g) => `Delete ${g.name}?`}
        description="Its members are not affected. This cannot be undone."
        onDelete={async (g) => {
          await remove.mutateAsync(g.id);
          void navigate(paths.ringGroups);
        }}
        deleted={(g) => `Deleted ${g.name}.`}
      />
    </>
  );
}

export default function RingGroupPage() {
  const { id = 'new' } = useParams();
  const isNew = id === 'new';
  const query = useRingGroup(isNew ? null : id);
  usePageTitle(isNew ? 'New ring group' : (query.data?.name ?? 'Ring group'));
  if (isNew) return <Editor group={null} />;
  if (query.isLoading) return <LoadingBlock />;
  if (!query.data) {
    return <MissingRecord title="Ring group" back={back} notFound="This ring group doesn't exist" error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <Editor key={query.data.updated_at} group={query.data} />;
}
