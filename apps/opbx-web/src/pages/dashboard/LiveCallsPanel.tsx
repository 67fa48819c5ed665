import { usePhoneFormatter } from '../../data/lookups';
import { CallStatusBadge } from '../../lib/calls';
import { cx } from '../../lib/cx';
import { formatDuration } from '../../lib/format';
import { useNow } from '../../lib/hooks';
import { type RealtimeStatus, type TrackedCall, useRealtimeStatus } from '../../realtime/RealtimeProvider';
import { Card, CardHeader } from '../../ui/Card';
import { PhoneIcon } from '../../ui/icons';
import { EmptyState, ErrorState, LoadingBlock } from '../../ui/States';
import { useLiveCalls } from './useLiveCalls';

function ConnectionIndicator({ status }: { status: RealtimeStatus }) {
  const text = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting… (refreshing every 5 s)' : 'Offline: refreshing every 5 s';
  return (
    <span role="status" data-testid="realtime-status" data-state={status} className="inline-flex items-center gap-1.5 text-xs font-medium text-zinc-600">
      <span
        aria-hidden
        className={cx(
          'size-2 rounded-full',
          status === 'live' ? 'bg-emerald-500 animate-pulse-ring' : status === 'connecting' ? 'bg-amber-400' : 'bg-zinc-400',
        )}
      />
      {text}
    </span>
  );
}

function elapsed(call: TrackedCall, now: number) {
  return call.duration + Math.max(0, Math.floor((now - call.seen_at) / 1000));
}

function Target({ call }: { call: TrackedCall }) {
  // Beyond the spec's LiveCall: who took an answered call (a ring group's member once one answers).
  const answered = (call as TrackedCall & { answered_by?: AnsweredBy }).answered_by;
  const where = call.ring_group_name ? `Ring group ${call.ring_group_name}` : call.extension_number ? `Ext. ${call.extension_number}` : null;
  if (answered) {
    const who = [answered.name, answered.extension_number && `(${answered.extension_number})`].filter(Boolean).join(' ');
    return (
      <span data-testid="answered-by">
        Answered by {who || 'an extension'}
        {call.ring_group_name && <span className="block truncate text-xs text-zinc-500">{where}</span>}
      </span>
    );
  }
  return where ? <>{where}</> : <span className="text-zinc-500">Routing…</span>;
}

interface AnsweredBy {
  extension_id: string;
  extension_number?: string;
  name?: string;
}

export function LiveCallsPanel() {
  const showPhone = usePhoneFormatter();
  const realtime = useRealtimeStatus();
  const now = useNow(1000);
  const live = useLiveCalls();
  const calls = live.data?.data ?? [];
  return (
    <Card aria-labelledby="live-calls-title">
      <CardHeader
        id="live-calls-title"
        title={
          <span className="flex items-center gap-2">
            Live calls
            {calls.length > 0 && <span className="rounded-full bg-indigo-600 px-1.5 text-xs font-semibold text-white tabular-nums">{calls.length}</span>}
          </span>
        }
        description="Calls in progress right now"
        actions={<ConnectionIndicator status={realtime} />}
      />
      <div data-testid="live-calls" aria-busy={live.isLoading || undefined}>
        {/* Announce only the count: the ticking durations would flood a screen reader. */}
        <p className="sr-only" aria-live="polite">
          {live.data ? `${calls.length} ${calls.length === 1 ? 'call' : 'calls'} in progress` : ''}
        </p>
        {live.isLoading ? (
          <LoadingBlock label="Loading live calls…" className="py-8" />
        ) : live.error && !live.data ? (
          <ErrorState error={live.error} onRetry={() => void live.refetch()} />
        ) : calls.length === 0 ? (
          <EmptyState title="No calls in progress" icon={<PhoneIcon className="size-6" />}>
            New calls appear here the moment they start.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {calls.map((c) => (
              <li
                key={c.call_id}
                data-testid="live-call"
                data-call-id={c.call_id}
                data-status={c.status}
                className="grid grid-cols-12 items-center gap-3 px-4 py-2.5 text-sm"
              >
                <div className="col-span-4 min-w-0">
                  <p className="truncate font-medium text-zinc-900">{showPhone(c.from_number)}</p>
                  <p className="truncate text-xs text-zinc-500">to {showPhone(c.did_number ?? c.to_number)}</p>
                </div>
                <div className="col-span-3 min-w-0 truncate text-zinc-600">
                  <Target call={c} />
                </div>
                <div className="col-span-3">
                  <CallStatusBadge status={c.status} />
                </div>
                <div className="col-span-2 text-right font-mono text-sm text-zinc-700 tabular-nums" aria-label={`Duration ${formatDuration(elapsed(c, now))}`}>
                  {formatDuration(elapsed(c, now))}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
