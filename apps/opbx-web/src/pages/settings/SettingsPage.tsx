import type { Organization } from '@opbx/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import { usePermissions } from '../../auth/permissions';
import { useUser } from '../../auth/session';
import { extraService } from '../../data/extra';
import { keys } from '../../data/keys';
import { useAllDids, useOrganization, usePhoneFormatter } from '../../data/lookups';
import { claimedBy } from '../../lib/api-error';
import { usePageTitle } from '../../lib/title';
import { useUnsavedChangesWarning } from '../../lib/unsaved';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Badge, Card, CardHeader, DescriptionList, PageHeader } from '../../ui/Card';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { ErrorState, LoadingBlock } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { TimezonePicker } from '../business-hours/TimezonePicker';

function OrganizationForm({ org, editable }: { org: Organization; editable: boolean }) {
  const showPhone = usePhoneFormatter();
  const qc = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: extraService.updateOrganization,
    onSuccess: (saved) => {
      qc.setQueryData(keys.organization, saved);
      // Times on the dashboard and call logs are shown in the organization's zone.
      void qc.invalidateQueries({ queryKey: keys.dashboard.root });
      toast.success('Organization settings saved.');
    },
  });
  const [name, setName] = useState(org.name);
  const [timezone, setTimezone] = useState(org.timezone);
  const [callerId, setCallerId] = useState(org.settings.default_caller_id ?? '');
  const [voicemail, setVoicemail] = useState(org.settings.voicemail_enabled ?? true);
  const [recording, setRecording] = useState(org.settings.recording_enabled ?? false);
  const { errors, clear, bind } = useFieldErrors(save.error);
  const dirty =
    name !== org.name ||
    timezone !== org.timezone ||
    callerId !== (org.settings.default_caller_id ?? '') ||
    voicemail !== (org.settings.voicemail_enabled ?? true) ||
    recording !== (org.settings.recording_enabled ?? false);
  useUnsavedChangesWarning(dirty && !save.isPending);
  // The default caller ID must be one of the organization's numbers (the server checks it too).
  const numbers = useAllDids().data ?? [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      name: name.trim(),
      timezone: timezone.trim(),
      settings: { default_caller_id: callerId.trim() || null, voicemail_enabled: voicemail, recording_enabled: recording },
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <fieldset disabled={!editable || save.isPending} className="min-w-0 space-y-4 p-4">
        <FormError error={save.error} claimed={claimedBy('name', 'timezone', 'settings')} remaining={errors} />
        <div className="grid gap-4 md:grid-cols-2">
          <TextField label="Organization name" name="org_name" value={name} {...bind('name', setName)} />
          <TimezonePicker
            value={timezone}
            onChange={(tz) => {
              setTimezone(tz);
              clear('timezone');
            }}
            error={errors.timezone}
            disabled={!editable}
          />
          <SelectField
            label="Default caller ID"
            name="default_caller_id"
            value={callerId}
            {...bind('settings.default_caller_id', setCallerId)}
            optional
            hint="One of your numbers, shown to people you call from an extension."
          >
            <option value="">None (the carrier decides)</option>
            {callerId && !numbers.some((d) => d.phone_number === callerId) && <option value={callerId}>{showPhone(callerId)} (not one of your numbers)</option>}
            {numbers.map((d) => (
              <option key={d.id} value={d.phone_number}>
                {showPhone(d.phone_number)}
                {d.friendly_name ? ` · ${d.friendly_name}` : ''}
              </option>
            ))}
          </SelectField>
        </div>
        <CheckboxField
          label="Voicemail"
          description="Let callers leave messages when nobody answers."
          checked={voicemail}
          onChange={setVoicemail}
          disabled={!editable}
          error={errors['settings.voicemail_enabled']}
        />
        <CheckboxField
          label="Record calls"
          description="Record answered calls; recordings appear in the call logs."
          checked={recording}
          onChange={setRecording}
          disabled={!editable}
          error={errors['settings.recording_enabled']}
        />
        {editable && (
          <div className="flex justify-end">
            <Button type="submit" variant="primary" loading={save.isPending}>
              Save
            </Button>
          </div>
        )}
      </fieldset>
    </form>
  );
}

export default function SettingsPage() {
  usePageTitle('Settings');
  const user = useUser();
  const perms = usePermissions();
  const org = useOrganization();
  return (
    <>
      <PageHeader title="Settings" description="Your organization and your account." />
      <div className="grid gap-5 lg:grid-cols-3">
        <Card aria-labelledby="org-title" className="lg:col-span-2">
          <CardHeader id="org-title" title="Organization" description={perms.owner ? undefined : 'Only owners can change these settings.'} />
          {org.isLoading ? (
            <LoadingBlock />
          ) : org.data ? (
            <OrganizationForm key={org.data.updated_at} org={org.data} editable={perms.owner} />
          ) : (
            <ErrorState error={org.error} onRetry={() => void org.refetch()} />
          )}
        </Card>
        <Card aria-labelledby="me-title">
          <CardHeader id="me-title" title="Your account" />
          <div className="px-4 py-2">
            <DescriptionList
              items={[
                { term: 'Name', value: user.name },
                { term: 'Email', value: user.email },
                { term: 'Role', value: <Badge tone="indigo">{user.role[0]!.toUpperCase() + user.role.slice(1)}</Badge> },
                { term: 'Extension', value: user.extension ? <span className="font-mono">{user.extension.extension_number}</span> : 'None' },
              ]}
            />
          </div>
        </Card>
      </div>
    </>
  );
}
