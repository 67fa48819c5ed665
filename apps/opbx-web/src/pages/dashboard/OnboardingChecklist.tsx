import { callLogsService } from '@opbx/client';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';

import { paths } from '../../app/paths';
import { goLiveService } from '../../data/golive';
import { keys } from '../../data/keys';
import { useAllDids } from '../../data/lookups';
import { cx } from '../../lib/cx';
import { Card, CardHeader } from '../../ui/Card';
import { CheckIcon } from '../../ui/icons';

interface Step {
  id: string;
  title: string;
  hint: string;
  to: string;
  action: string;
  done: boolean;
}

/**
 * A new organization's way to its first call: connect Cloudonix, add a number, route it to people,
 * place a test call. Shown to owners and admins until every step is done, then gone for good
 * (each step is read from the configuration and the call logs, not from a stored flag).
 */
export function OnboardingChecklist() {
  // Read afresh each time the dashboard opens: the admin has usually just done a step elsewhere.
  const cloudonix = useQuery({ queryKey: keys.cloudonix, queryFn: goLiveService.cloudonix, staleTime: 0 });
  const dids = useAllDids();
  const calls = useQuery({
    queryKey: [...keys.onboarding, 'calls'],
    queryFn: () => callLogsService.getAll({ per_page: 1 }).then((r) => r.meta.total),
    staleTime: 0,
  });
  if (cloudonix.isLoading || dids.isLoading || calls.isLoading || cloudonix.error || dids.error || calls.error) return null;
  const numbers = dids.data ?? [];
  const steps: Step[] = [
    {
      id: 'cloudonix',
      title: 'Connect Cloudonix',
      hint: 'Your Cloudonix domain and the webhook URLs, then verify.',
      to: paths.cloudonix,
      action: 'Connect',
      done: Boolean(cloudonix.data),
    },
    {
      id: 'number',
      title: 'Add a phone number',
      hint: 'A number from your Cloudonix domain.',
      to: paths.phoneNumbers,
      action: 'Add a number',
      done: numbers.length > 0,
    },
    {
      id: 'route',
      title: 'Route it to people',
      hint: 'Send the number to an extension, a ring group or business hours, and trace its path.',
      to: paths.callPath,
      action: 'Test the route',
      done: numbers.some((d) => d.status === 'active' && d.routing_type !== 'voicemail'),
    },
    {
      id: 'call',
      title: 'Place a test call',
      hint: 'Call your number; it appears in the call logs.',
      to: paths.callLogs,
      action: 'Open call logs',
      done: (calls.data ?? 0) > 0,
    },
  ];
  const remaining = steps.filter((s) => !s.done).length;
  if (remaining === 0) return null;
  const next = steps.find((s) => !s.done)!;
  return (
    <Card aria-labelledby="onboarding-title">
      <CardHeader
        id="onboarding-title"
        title="Go live"
        description={`${steps.length - remaining} of ${steps.length} done. Next: ${next.title.toLowerCase()}.`}
      />
      <ol className="divide-y divide-zinc-100" data-testid="onboarding">
        {steps.map((s, i) => (
          <li key={s.id} className="flex flex-wrap items-center gap-3 px-4 py-3" data-step={s.id} data-done={String(s.done)}>
            <span
              aria-hidden
              className={cx(
                'flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold',
                s.done ? 'bg-emerald-600 text-white' : 'bg-zinc-100 text-zinc-700 ring-1 ring-zinc-300',
              )}
            >
              {s.done ? <CheckIcon className="size-3.5" /> : i + 1}
            </span>
            <div className="min-w-0 flex-1">
              <p className={cx('text-sm font-medium', s.done ? 'text-zinc-600 line-through' : 'text-zinc-900')}>
                {s.title}
                <span className="sr-only">{s.done ? ' (done)' : ' (to do)'}</span>
              </p>
              {!s.done && <p className="text-xs text-zinc-600">{s.hint}</p>}
            </div>
            {!s.done && (
              <Link to={s.to} className={cx('text-sm font-medium hover:underline', s === next ? 'text-indigo-700' : 'text-zinc-700')}>
                {s.action}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}
