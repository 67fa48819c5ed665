import type { CreateUserRequest, Status, UpdateUserRequest, User, UserRole } from '@opbx/client';
import { type FormEvent, useState } from 'react';

import { useUser } from '../../auth/session';
import { claimedBy } from '../../lib/api-error';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Drawer } from '../../ui/Dialogs';
import { SelectField, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { useToast } from '../../ui/Toast';
import { useSaveUser } from './api';

const FIELDS = ['name', 'email', 'password', 'role', 'status', 'extension_number'];

export function UserForm({ user, open, onClose }: { user: User | null; open: boolean; onClose: () => void }) {
  const me = useUser();
  const toast = useToast();
  const save = useSaveUser();
  const editing = Boolean(user);
  const self = user?.id === me.id;
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>(user?.role ?? 'agent');
  const [status, setStatus] = useState<Status>(user?.status ?? 'active');
  const [extensionNumber, setExtensionNumber] = useState('');
  const { errors, bind } = useFieldErrors(save.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    let body: CreateUserRequest | UpdateUserRequest;
    if (user) {
      const patch: UpdateUserRequest = {};
      if (name !== user.name) patch.name = name;
      if (email !== user.email) patch.email = email;
      if (password) patch.password = password;
      if (role !== user.role) patch.role = role;
      if (status !== user.status) patch.status = status;
      body = patch;
    } else {
      body = { name, email, password, role, status, ...(extensionNumber ? { extension_number: extensionNumber } : {}) };
    }
    save.mutate(
      { ...(user ? { id: user.id } : {}), body },
      {
        onSuccess: (saved) => {
          toast.success(user ? `Saved ${saved.name}.` : `Added ${saved.name}.`);
          onClose();
        },
      },
    );
  };

  return (
    <Drawer
      open={open}
      onOpenChange={(o) => !o && onClose()}
      title={editing ? `Edit ${user!.name}` : 'Add user'}
      description={editing ? user!.email : 'They sign in with this email and password.'}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form="user-form" variant="primary" loading={save.isPending}>
            {editing ? 'Save changes' : 'Add user'}
          </Button>
        </>
      }
    >
      <form id="user-form" onSubmit={submit} noValidate className="space-y-4">
        <FormError error={save.error} claimed={claimedBy(...FIELDS)} remaining={errors} />
        <TextField label="Full name" name="name" value={name} {...bind('name', setName)} autoComplete="off" required />
        <TextField label="Email" name="email" type="email" value={email} {...bind('email', setEmail)} autoComplete="off" required />
        <TextField
          label={editing ? 'New password' : 'Password'}
          name="password"
          type="password"
          value={password}
          {...bind('password', setPassword)}
          autoComplete="new-password"
          optional={editing}
          hint={
            editing ? 'Leave empty to keep the current password. Changing it signs them out elsewhere.' : 'At least 8 characters, with a letter and a digit.'
          }
        />
        <div className="grid grid-cols-2 gap-3">
          <SelectField
            label="Role"
            name="role"
            value={role}
            {...bind<UserRole>('role', setRole)}
            disabled={self}
            hint={self ? 'You cannot change your own role.' : undefined}
          >
            {(me.role === 'owner' || role === 'owner') && <option value="owner">Owner</option>}
            <option value="admin">Admin</option>
            <option value="agent">Agent</option>
          </SelectField>
          <SelectField label="Status" name="status" value={status} {...bind<Status>('status', setStatus)} disabled={self}>
            <option value="active">Active</option>
            <option value="inactive">Inactive (cannot sign in)</option>
          </SelectField>
        </div>
        {!editing && (
          <TextField
            label="Extension number"
            name="extension_number"
            inputMode="numeric"
            value={extensionNumber}
            {...bind('extension_number', setExtensionNumber)}
            optional
            hint="Creates a user extension for them, e.g. 105."
          />
        )}
        <p className="text-xs text-zinc-500">
          Owners manage everything, including organization settings. Admins manage users (except owners) and the phone system. Agents see their own calls and
          set their own forwarding and voicemail.
        </p>
      </form>
    </Drawer>
  );
}
