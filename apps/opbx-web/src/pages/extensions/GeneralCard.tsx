import type { Extension, Status } from '@opbx/client';
import { type FormEvent, useState } from 'react';

import { useAllUsers } from '../../data/lookups';
import { claimedBy } from '../../lib/api-error';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Card, CardHeader } from '../../ui/Card';
import { SelectField, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { useToast } from '../../ui/Toast';
import { useUpdateExtension } from './api';

/** Number, assignment and status; managers only. */
export function GeneralCard({ ext }: { ext: Extension }) {
  const toast = useToast();
  const update = useUpdateExtension(ext.id);
  const users = useAllUsers();
  const [number, setNumber] = useState(ext.extension_number);
  const [userId, setUserId] = useState(ext.user_id ?? '');
  const [status, setStatus] = useState<Status>(ext.status);
  const { errors, bind } = useFieldErrors(update.error);
  const candidates = (users.data ?? []).filter((u) => !u.extension || u.id === ext.user_id);
  const dirty = number !== ext.extension_number || userId !== (ext.user_id ?? '') || status !== ext.status;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      {
        ...(number !== ext.extension_number ? { extension_number: number.trim() } : {}),
        ...(status !== ext.status ? { status } : {}),
        ...(userId !== (ext.user_id ?? '') ? ({ user_id: userId || null } as { user_id?: string }) : {}),
      },
      { onSuccess: () => toast.success('Extension saved.') },
    );
  };

  return (
    <Card aria-labelledby="general-title">
      <CardHeader id="general-title" title="General" />
      <form onSubmit={submit} noValidate className="space-y-4 p-4">
        <FormError error={update.error} claimed={claimedBy('extension_number', 'user_id', 'status')} remaining={errors} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Extension number" name="extension_number" inputMode="numeric" value={number} {...bind('extension_number', setNumber)} />
          <SelectField label="Status" name="status" value={status} {...bind<Status>('status', setStatus)}>
            <option value="active">Active</option>
            <option value="inactive">Inactive (does not ring)</option>
          </SelectField>
          {ext.type === 'user' && (
            <SelectField label="Assigned user" name="user_id" value={userId} {...bind('user_id', setUserId)} className="sm:col-span-2">
              <option value="">Not assigned</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.email})
                </option>
              ))}
            </SelectField>
          )}
        </div>
        <div className="flex justify-end">
          <Button type="submit" variant="primary" disabled={!dirty} loading={update.isPending}>
            Save
          </Button>
        </div>
      </form>
    </Card>
  );
}
