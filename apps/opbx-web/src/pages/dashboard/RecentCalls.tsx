import { dashboardService } from '@opbx/client';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';

import { paths } from '../../app/paths';
import { keys } from '../../data/keys';
import { usePhoneFormatter } from '../../data/lookups';
import { CallStatusBadge } from '../../lib/calls';
import { formatDurationWords, formatRelative } from '../../lib/format';
import { useNow } from '../../lib/hooks';
import { useRealtimeStatus } from '../../realtime/RealtimeProvider';
import { Card, CardHeader } from '../../ui/Card';
import { EmptyState, ErrorState, LoadingBlock } from '../../ui/States';

export function RecentCalls() {
  const showPhone = usePhoneFormatter();
  const realtime = useRealtimeStatus();
  const now = useNow(30_000);
  const recent = useQuery({
    queryKey: keys.dashboard.recent,
    queryFn: () => dashboardService.getRecentCalls(8),
    refetchInterval: realtime === 'live' ? false : 30_000,
  });
  const rows = recent.data?.data ?? [];
  return (
    <Card aria-labelledby="recent-title" className="flex flex-col">
      <CardHeader
        id="recent-title"
        title="Recent calls"
        actions={
          <Link to={paths.callLogs} className="text-xs font-medium text-indigo-600 hover:underline">
            View all
          </Link>
        }
      />
      <div className="flex-1" data-testid="recent-calls">
        {recent.isLoading ? (
          <LoadingBlock className="py-8" />
        ) : recent.error && !recent.data ? (
          <ErrorState error={recent.error} onRetry={() => void recent.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="No calls yet">Calls show up here after they end.</EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {rows.map((c) => (
              <li key={c.id} className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm">
                <div className="min-w-0">
                  <p className="truncate font-medium text-zinc-900">{showPhone(c.from_number)}</p>
                  <p className="truncate text-xs text-zinc-500">
                    to {showPhone(c.to_number)} · {formatRelative(c.created_at, now)}
                  </p>
                </div>
                <div className="flex shrink-0 flex-col items-end gap-1">
                  <CallStatusBadge status={c.status} />
                  <span className="text-xs text-zinc-500 tabular-nums">{formatDurationWords(c.duration)}</span>
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
