import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';

import { type CallPathStep, goLiveService } from '../../data/golive';
import { useAllDids, useOrgTimezone, usePhoneFormatter } from '../../data/lookups';
import { claimedBy } from '../../lib/api-error';
import { cx } from '../../lib/cx';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/title';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Card, CardHeader, PageHeader } from '../../ui/Card';
import { TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';

const STEP_TONE: Record<CallPathStep['kind'], string> = {
  number: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  caller: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  business_hours: 'bg-sky-50 text-sky-900 ring-sky-200',
  ring_group: 'bg-zinc-50 text-zinc-800 ring-zinc-200',
  ring: 'bg-emerald-50 text-emerald-900 ring-emerald-200',
  voicemail: 'bg-amber-50 text-amber-900 ring-amber-200',
  hangup: 'bg-red-50 text-red-800 ring-red-200',
};

/** "When": a browser-local date and time, sent as an instant; empty means now. */
const toInstant = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

export default function CallPathPage() {
  const showPhone = usePhoneFormatter();
  usePageTitle('Test a call');
  const dids = useAllDids();
  const timezone = useOrgTimezone();
  const listId = useId();
  const [to, setTo] = useState('');
  const [from, setFrom] = useState('');
  const [at, setAt] = useState('');
  const [localError, setLocalError] = useState<string | undefined>();
  const run = useMutation({ mutationFn: goLiveService.callPath });
  const { errors, bind } = useFieldErrors(run.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!to.trim()) {
      setLocalError('Enter the number or extension being called.');
      return;
    }
    setLocalError(undefined);
    const instant = toInstant(at);
    run.mutate({ to: to.trim(), ...(from.trim() ? { from: from.trim() } : {}), ...(instant ? { at: instant } : {}) });
  };
  const result = run.data;
  return (
    <>
      <PageHeader
        title="Test a call"
        description="See where a call would go — through business hours, ring groups and voicemail — without placing it. Nobody's phone rings."
      />
      <div className="grid gap-5 lg:grid-cols-3">
        <Card aria-labelledby="path-form-title">
          <CardHeader id="path-form-title" title="The call" />
          <form onSubmit={submit} noValidate className="space-y-4 p-4">
            <FormError error={run.error} claimed={claimedBy('to', 'from', 'at')} remaining={errors} />
            <TextField
              label="Calling"
              name="to"
              list={listId}
              value={to}
              {...bind('to', (v) => {
                setTo(v);
                setLocalError(undefined);
              })}
              error={localError ?? errors.to}
              hint="One of your numbers, or an extension or outside number when calling from an extension."
            />
            <datalist id={listId}>
              {(dids.data ?? []).map((d) => (
                <option key={d.id} value={d.phone_number}>
                  {d.friendly_name ?? showPhone(d.phone_number)}
                </option>
              ))}
            </datalist>
            <TextField
              label="From"
              name="from"
              value={from}
              {...bind('from', setFrom)}
              optional
              hint="An extension number places the call from that phone; empty is an outside caller."
            />
            <TextField label="When" name="at" type="datetime-local" value={at} {...bind('at', setAt)} optional hint="Your browser's time. Empty means now." />
            <div className="flex justify-end">
              <Button type="submit" variant="primary" loading={run.isPending}>
                Trace the call
              </Button>
            </div>
          </form>
        </Card>
        <Card aria-labelledby="path-title" className="lg:col-span-2">
          <CardHeader
            id="path-title"
            title="Call path"
            description={
              result
                ? `${result.direction === 'inbound' ? 'Inbound' : 'From an extension'}, at ${formatDateTime(result.at, timezone)} (${result.timezone}), if nobody answers.`
                : undefined
            }
          />
          <div className="p-4">
            {result ? (
              <>
                <ol className="space-y-2" data-testid="call-path" aria-label="Call path steps">
                  {result.steps.map((s, i) => (
                    <li key={i} className="flex items-start gap-3" data-kind={s.kind}>
                      <span
                        aria-hidden
                        className="mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-xs font-semibold text-zinc-700"
                      >
                        {i + 1}
                      </span>
                      <span className={cx('min-w-0 rounded-md px-2.5 py-1 text-sm ring-1 ring-inset', STEP_TONE[s.kind])}>
                        {s.label}
                        {s.detail && <span className="ml-2 text-xs opacity-80">{s.detail}</span>}
                      </span>
                    </li>
                  ))}
                </ol>
                <p className="mt-4 text-sm break-words text-zinc-700" data-testid="call-path-summary">
                  {result.summary}
                </p>
              </>
            ) : (
              <p className="text-sm text-zinc-600">Enter a number and trace the call to see its path.</p>
            )}
          </div>
        </Card>
      </div>
    </>
  );
}
