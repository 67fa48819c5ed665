import { api, type User } from '@opbx/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import { useUser } from '../../auth/session';
import { keys } from '../../data/keys';
import { claimedBy } from '../../lib/api-error';
import { usePageTitle } from '../../lib/title';
import { useUnsavedChangesWarning } from '../../lib/unsaved';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Badge, Card, CardHeader, DescriptionList, PageHeader } from '../../ui/Card';
import { TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { useToast } from '../../ui/Toast';

interface ProfileChange {
  name?: string;
  email?: string;
  password?: string;
  current_password?: string;
}

const updateProfile = (id: string, body: ProfileChange): Promise<User> => api.patch<User>(`/users/${id}`, body).then((r) => r.data);

/** The same rule as the server's, checked first so a typo does not cost a round trip. */
const passwordProblem = (p: string): string | undefined =>
  p.length < 8
    ? 'must be at least 8 characters'
    : p.length > 128
      ? 'must be at most 128 characters'
      : !/[A-Za-z]/.test(p) || !/\d/.test(p)
        ? 'must contain a letter and a digit'
        : undefined;

/**
 * Every role's own account: name, email and password. A new email or password needs the current
 * password (the server checks it, counts wrong guesses as failed sign-ins, and ends the user's
 * other sessions).
 */
export default function ProfilePage() {
  usePageTitle('Your profile');
  const user = useUser();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(user.name);
  const [email, setEmail] = useState(user.email);
  const [password, setPassword] = useState('');
  const [current, setCurrent] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: ProfileChange) => updateProfile(user.id, body),
    onSuccess: () => {
      setPassword('');
      setCurrent('');
      void qc.invalidateQueries({ queryKey: keys.me });
      toast.success('Your profile is saved.');
    },
  });
  const { errors, bind: bindServer } = useFieldErrors(save.error);
  const bind = (field: string, set: (v: string) => void) => {
    const b = bindServer(field, set);
    return {
      error: local[field] ?? b.error,
      onChange: (ev: { target: { value: string } }) => {
        b.onChange(ev);
        setLocal(({ [field]: _gone, ...rest }) => rest);
      },
    };
  };
  const emailChanged = email.trim().toLowerCase() !== user.email.toLowerCase();
  const needsCurrent = emailChanged || password !== '';
  useUnsavedChangesWarning(!save.isPending && (name !== user.name || emailChanged || password !== ''));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = 'is required';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = 'must be a valid email address';
    const weak = password ? passwordProblem(password) : undefined;
    if (weak) found.password = weak;
    if (needsCurrent && !current) found.current_password = 'is required to change your email or password';
    setLocal(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => (e.target as HTMLFormElement).querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    save.mutate({
      ...(name.trim() !== user.name ? { name: name.trim() } : {}),
      ...(emailChanged ? { email: email.trim() } : {}),
      ...(password ? { password } : {}),
      ...(needsCurrent ? { current_password: current } : {}),
    });
  };

  return (
    <>
      <PageHeader title="Your profile" description="Your name, sign-in email and password." />
      <div className="grid gap-5 lg:grid-cols-3">
        <Card aria-labelledby="profile-title" className="lg:col-span-2">
          <CardHeader id="profile-title" title="Account" />
          <form onSubmit={submit} noValidate>
            <fieldset disabled={save.isPending} className="min-w-0 space-y-4 p-4">
              <FormError error={save.error} claimed={claimedBy('name', 'email', 'password', 'current_password')} remaining={errors} />
              <div className="grid gap-4 md:grid-cols-2">
                <TextField label="Name" name="name" autoComplete="name" value={name} {...bind('name', setName)} />
                <TextField label="Email" name="email" type="email" autoComplete="email" value={email} {...bind('email', setEmail)} />
                <TextField
                  label="New password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  value={password}
                  {...bind('password', setPassword)}
                  optional
                  hint="8 or more characters with a letter and a digit. Leave blank to keep your password."
                />
                <TextField
                  label="Current password"
                  name="current_password"
                  type="password"
                  autoComplete="current-password"
                  value={current}
                  {...bind('current_password', setCurrent)}
                  optional={!needsCurrent}
                  hint="Needed to change your email or password. Your other sessions are signed out."
                />
              </div>
              <div className="flex justify-end">
                <Button type="submit" variant="primary" loading={save.isPending}>
                  Save
                </Button>
              </div>
            </fieldset>
          </form>
        </Card>
        <Card aria-labelledby="role-title">
          <CardHeader id="role-title" title="Role" />
          <div className="px-4 py-2">
            <DescriptionList
              items={[
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
