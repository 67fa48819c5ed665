import { dashboardService } from '@opbx/client';
import { useQuery } from '@tanstack/react-query';

import { keys } from '../../data/keys';
import { cx } from '../../lib/cx';
import { formatDurationWords, formatNumber } from '../../lib/format';
import { useRealtimeStatus } from '../../realtime/RealtimeProvider';
import { Skeleton } from '../../ui/States';
import { useLiveCalls } from './useLiveCalls';

function Stat({ label, value, hint, loading, emphasis }: { label: string; value: string; hint?: string; loading: boolean; emphasis?: boolean }) {
  return (
    <div className={cx('rounded-lg border bg-white px-4 py-3 shadow-xs', emphasis ? 'border-indigo-200' : 'border-zinc-200')}>
      <p className="text-xs font-medium text-zinc-500">{label}</p>
      {loading ? (
        <Skeleton className="mt-2 h-7 w-16" />
      ) : (
        <p className={cx('mt-1 text-2xl font-semibold tabular-nums tracking-tight', emphasis ? 'text-indigo-700' : 'text-zinc-900')}>{value}</p>
      )}
      {hint && <p className="mt-0.5 text-xs text-zinc-500">{hint}</p>}
    </div>
  );
}

export function StatsCards() {
  const realtime = useRealtimeStatus();
  const stats = useQuery({
    queryKey: keys.dashboard.stats,
    queryFn: dashboardService.getStats,
    // Call events refresh it while the socket is live; otherwise poll.
    refetchInterval: realtime === 'live' ? false : 30_000,
  });
  // The live panel's list is updated by events at once; the stats catch up a moment later.
  const live = useLiveCalls();
  const s = stats.data;
  const loading = stats.isLoading;
  const active = live.data ? live.data.data.length : s?.active_calls;
  if (stats.error && !s) {
    return (
      <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">
        Couldn't load the statistics.{' '}
        <button type="button" className="font-medium underline" onClick={() => void stats.refetch()}>
          Try again
        </button>
      </p>
    );
  }
  return (
    <section aria-label="Statistics" className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="stats">
      <Stat label="Active calls" value={formatNumber(active)} loading={loading} emphasis />
      <Stat label="Calls today" value={formatNumber(s?.calls_today)} loading={loading} />
      <Stat label="This week" value={formatNumber(s?.calls_this_week)} loading={loading} />
      <Stat label="This month" value={formatNumber(s?.calls_this_month)} loading={loading} />
      <Stat
        label="Avg. call length"
        value={s && s.calls_this_month > 0 ? formatDurationWords(s.average_call_duration) : '—'}
        hint="Completed calls, this month"
        loading={loading}
      />
      <Stat label="Extensions · Numbers" value={`${formatNumber(s?.total_extensions)} · ${formatNumber(s?.total_dids)}`} loading={loading} />
    </section>
  );
}
