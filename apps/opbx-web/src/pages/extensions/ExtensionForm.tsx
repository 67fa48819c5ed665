import type { ExtensionType, Status } from '@opbx/client';
import { type FormEvent, useState } from 'react';

import type { ExtensionWithPassword } from '../../data/extra';
import { useAllUsers } from '../../data/lookups';
import { claimedBy } from '../../lib/api-error';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Drawer } from '../../ui/Dialogs';
import { CheckboxField, RadioCards, SelectField, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { useCreateExtension } from './api';

export const EXTENSION_TYPES: ReadonlyArray<{ value: ExtensionType; label: string; description: string }> = [
  { value: 'user', label: 'User', description: 'A person’s phone, optionally assigned to a user.' },
  { value: 'virtual', label: 'Virtual', description: 'A mailbox or forwarding target with no phone.' },
  { value: 'queue', label: 'Queue', description: 'A shared line that callers wait on.' },
];

/** Create only: existing extensions are edited on their own page. */
export function ExtensionForm({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (ext: ExtensionWithPassword) => void }) {
  const create = useCreateExtension();
  const users = useAllUsers();
  const [number, setNumber] = useState('');
  const [type, setType] = useState<ExtensionType>('user');
  const [userId, setUserId] = useState('');
  const [status, setStatus] = useState<Status>('active');
  const [voicemail, setVoicemail] = useState(true);
  const { errors, bind } = useFieldErrors(create.error);
  const unassigned = (users.data ?? []).filter((u) => !u.extension);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { extension_number: number.trim(), type, status, voicemail_enabled: voicemail, ...(type === 'user' && userId ? { user_id: userId } : {}) },
      { onSuccess: onCreated },
    );
  };

  return (
    <Drawer
      open={open}
      onOpenChange={(o) => !o && onClose()}
      title="Add extension"
      description="The SIP password is generated and shown once after saving."
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form="extension-form" variant="primary" loading={create.isPending}>
            Add extension
          </Button>
        </>
      }
    >
      <form id="extension-form" onSubmit={submit} noValidate className="space-y-4">
        <FormError error={create.error} claimed={claimedBy('extension_number', 'type', 'user_id', 'status', 'voicemail_enabled')} remaining={errors} />
        <TextField
          label="Extension number"
          name="extension_number"
          inputMode="numeric"
          autoComplete="off"
          value={number}
          {...bind('extension_number', setNumber)}
          hint="2 to 8 digits, e.g. 105."
          required
        />
        <RadioCards legend="Type" name="type" value={type} onChange={setType} options={EXTENSION_TYPES} error={errors.type} columns={3} />
        {type === 'user' && (
          <SelectField
            label="Assigned user"
            name="user_id"
            value={userId}
            {...bind('user_id', setUserId)}
            optional
            hint={
              users.isLoading
                ? 'Loading users…'
                : unassigned.length === 0
                  ? 'Every user already has an extension.'
                  : 'Only users without an extension are listed.'
            }
          >
            <option value="">Not assigned</option>
            {unassigned.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.email})
              </option>
            ))}
          </SelectField>
        )}
        <SelectField label="Status" name="status" value={status} {...bind<Status>('status', setStatus)}>
          <option value="active">Active</option>
          <option value="inactive">Inactive (does not ring)</option>
        </SelectField>
        <CheckboxField
          label="Voicemail"
          description="Unanswered callers can leave a message."
          checked={voicemail}
          onChange={setVoicemail}
          error={errors.voicemail_enabled}
        />
      </form>
    </Drawer>
  );
}
