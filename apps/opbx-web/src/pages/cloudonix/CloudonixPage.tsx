import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import { usePermissions } from '../../auth/permissions';
import { type CloudonixSettings, goLiveService, type VerifyResult } from '../../data/golive';
import { keys } from '../../data/keys';
import { apiError, claimedBy } from '../../lib/api-error';
import { cx } from '../../lib/cx';
import { usePageTitle } from '../../lib/title';
import { useUnsavedChangesWarning } from '../../lib/unsaved';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Card, CardHeader, PageHeader } from '../../ui/Card';
import { TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { Alert, ErrorState, LoadingBlock } from '../../ui/States';
import { useToast } from '../../ui/Toast';

function CopyRow({ label, value }: { label: string; value: string }) {
  const toast = useToast();
  return (
    <div className="flex flex-col gap-1 py-2 sm:flex-row sm:items-center sm:gap-3">
      <dt className="w-44 shrink-0 text-sm text-zinc-600">{label}</dt>
      <dd className="flex min-w-0 flex-1 items-center gap-2">
        <code className="min-w-0 flex-1 truncate rounded bg-zinc-50 px-2 py-1 font-mono text-xs text-zinc-800 ring-1 ring-zinc-200" title={value}>
          {value}
        </code>
        <Button
          size="sm"
          aria-label={`Copy ${label}`}
          onClick={() =>
            void navigator.clipboard.writeText(value).then(
              () => toast.success(`${label} copied.`),
              () => toast.error('Copy failed: select the text and copy it.'),
            )
          }
        >
          Copy
        </Button>
      </dd>
    </div>
  );
}

function SettingsForm({ current, editable, onGenerated }: { current: CloudonixSettings | null; editable: boolean; onGenerated: (key: string | null) => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [domainUuid, setDomainUuid] = useState(current?.domain_uuid ?? '');
  const [domainName, setDomainName] = useState(current?.domain_name ?? '');
  const [baseUrl, setBaseUrl] = useState(current?.webhook_base_url ?? window.location.origin);
  const [key, setKey] = useState('');
  const save = useMutation({
    mutationFn: goLiveService.saveCloudonix,
    onSuccess: (saved) => {
      setKey('');
      onGenerated(saved.requests_key ?? null);
      const { requests_key: _shownOnce, ...kept } = saved;
      qc.setQueryData(keys.cloudonix, kept);
      void qc.invalidateQueries({ queryKey: keys.onboarding });
      toast.success('Cloudonix settings saved.');
    },
  });
  // Simple rules are checked here first, all at once; the server still judges everything.
  const [local, setLocal] = useState<Record<string, string>>({});
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
  const dirty =
    domainUuid !== (current?.domain_uuid ?? '') ||
    domainName !== (current?.domain_name ?? '') ||
    baseUrl !== (current?.webhook_base_url ?? window.location.origin) ||
    key !== '';
  useUnsavedChangesWarning(dirty && !save.isPending);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!domainUuid.trim()) found.domain_uuid = 'is required';
    if (!domainName.trim()) found.domain_name = 'is required';
    else if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(domainName.trim())) found.domain_name = 'must be a domain name';
    if (!/^https?:\/\/[^\s/]+/i.test(baseUrl.trim())) found.webhook_base_url = 'must be an absolute http(s) URL';
    if (key.trim() && key.trim().length < 24) found.requests_key = 'must be at least 24 characters';
    setLocal(found);
    if (Object.keys(found).length > 0) {
      // Focus the first field with a problem once it is marked invalid.
      requestAnimationFrame(() => (e.target as HTMLFormElement).querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    save.mutate({
      domain_uuid: domainUuid.trim(),
      domain_name: domainName.trim(),
      webhook_base_url: baseUrl.trim(),
      ...(key.trim() ? { requests_key: key.trim() } : {}),
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <fieldset disabled={!editable || save.isPending} className="min-w-0 space-y-4 p-4">
        <FormError error={save.error} claimed={claimedBy('domain_uuid', 'domain_name', 'webhook_base_url', 'requests_key')} remaining={errors} />
        <div className="grid gap-4 md:grid-cols-2">
          <TextField
            label="Domain UUID"
            name="domain_uuid"
            value={domainUuid}
            {...bind('domain_uuid', setDomainUuid)}
            hint="From the Cloudonix cockpit, under Domains."
          />
          <TextField label="Domain name" name="domain_name" value={domainName} {...bind('domain_name', setDomainName)} hint="e.g. acme.cloudonix.net" />
          <TextField
            label="Webhook base URL"
            name="webhook_base_url"
            type="url"
            value={baseUrl}
            {...bind('webhook_base_url', setBaseUrl)}
            hint="The public address of this server, as Cloudonix reaches it."
          />
          <TextField
            label="Requests key"
            name="requests_key"
            type="password"
            autoComplete="new-password"
            value={key}
            {...bind('requests_key', setKey)}
            optional
            hint={
              current?.requests_key_last4
                ? `Set, ending in ${current.requests_key_last4}. Leave blank to keep it.`
                : current
                  ? 'Set. Leave blank to keep it.'
                  : 'Leave blank to have a strong key generated and shown once.'
            }
          />
        </div>
        {editable && (
          <div className="flex justify-end">
            <Button type="submit" variant="primary" loading={save.isPending}>
              {current ? 'Save' : 'Connect Cloudonix'}
            </Button>
          </div>
        )}
      </fieldset>
    </form>
  );
}

const CHECK_TONE = { ok: 'text-emerald-700', warning: 'text-amber-800', failed: 'text-red-700' } as const;
const CHECK_WORD = { ok: 'Passed', warning: 'Warning', failed: 'Failed' } as const;

function VerifyCard() {
  const verify = useMutation({ mutationFn: goLiveService.verifyCloudonix });
  const result: VerifyResult | undefined = verify.data;
  return (
    <Card aria-labelledby="verify-title">
      <CardHeader
        id="verify-title"
        title="Verify"
        description="Checks the settings, that this server answers at the webhook base URL, and that a number is there to call."
        actions={
          <Button variant="primary" onClick={() => verify.mutate()} loading={verify.isPending}>
            Verify
          </Button>
        }
      />
      <div className="p-4">
        {verify.error ? (
          <Alert>{apiError(verify.error).message}</Alert>
        ) : result ? (
          <div className="space-y-3" data-testid="verify-result" data-ok={String(result.ok)}>
            <Alert tone={result.ok ? 'success' : 'error'} title={result.ok ? 'Ready for calls.' : 'Not ready yet: fix the failed checks.'} />
            <ul className="divide-y divide-zinc-100">
              {result.checks.map((c) => (
                <li key={c.id} className="flex flex-col gap-0.5 py-2 sm:flex-row sm:gap-3" data-check={c.id} data-status={c.status}>
                  <span className={cx('w-20 shrink-0 text-sm font-semibold', CHECK_TONE[c.status])}>{CHECK_WORD[c.status]}</span>
                  <span className="min-w-0">
                    <span className="block text-sm font-medium text-zinc-900">{c.label}</span>
                    <span className="block text-sm text-zinc-600">{c.message}</span>
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="text-sm text-zinc-600">Not verified yet.</p>
        )}
      </div>
    </Card>
  );
}

export default function CloudonixPage() {
  usePageTitle('Cloudonix');
  const { owner } = usePermissions();
  const settings = useQuery({ queryKey: keys.cloudonix, queryFn: goLiveService.cloudonix });
  // Kept here, not in the form: saving remounts the form with the saved values.
  const [generated, setGenerated] = useState<string | null>(null);
  return (
    <>
      <PageHeader title="Cloudonix" description="Connect your Cloudonix domain so calls to your numbers reach this PBX." />
      {settings.isLoading ? (
        <LoadingBlock />
      ) : settings.error ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <div className="space-y-5">
          {generated && (
            <Alert tone="warning" title="Copy the new requests key into Cloudonix now: it is not shown again.">
              <code className="font-mono text-xs break-all" data-testid="generated-key">
                {generated}
              </code>
            </Alert>
          )}
          <Card aria-labelledby="cx-title">
            <CardHeader id="cx-title" title="Connection" description={owner ? undefined : 'Only owners can change these settings.'} />
            <SettingsForm key={settings.data?.updated_at ?? 'new'} current={settings.data ?? null} editable={owner} onGenerated={setGenerated} />
          </Card>
          {settings.data && (
            <Card aria-labelledby="urls-title">
              <CardHeader
                id="urls-title"
                title="Webhook URLs"
                description="Paste these into your Cloudonix domain: the voice application URL, and the session-update and CDR webhooks."
              />
              <dl className="divide-y divide-zinc-100 px-4 py-1">
                <CopyRow label="Voice application URL" value={settings.data.voice_url} />
                <CopyRow label="Session update URL" value={settings.data.session_update_url} />
                <CopyRow label="CDR URL" value={settings.data.cdr_url} />
              </dl>
            </Card>
          )}
          {owner && settings.data && <VerifyCard />}
        </div>
      )}
    </>
  );
}
