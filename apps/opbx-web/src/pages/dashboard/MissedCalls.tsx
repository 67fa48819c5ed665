import { type CallLogsFilterParams, callLogsService } from '@opbx/client';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';

import { paths } from '../../app/paths';
import { keys } from '../../data/keys';
import { usePhoneFormatter } from '../../data/lookups';
import { formatRelative } from '../../lib/format';
import { useNow } from '../../lib/hooks';
import { useRealtimeStatus } from '../../realtime/RealtimeProvider';
import { Card, CardHeader } from '../../ui/Card';
import { EmptyState, ErrorState, LoadingBlock } from '../../ui/States';

// `outcome` is the server's filter beyond the spec's CallLogsFilterParams.
const MISSED = { outcome: 'missed', per_page: 5 } as unknown as CallLogsFilterParams;

/** The latest calls nobody took (outcome `missed`: not voicemail, not abandoned), to call back. */
export function MissedCalls() {
  const showPhone = usePhoneFormatter();
  const realtime = useRealtimeStatus();
  const now = useNow(30_000);
  // Under the call logs' key, so every call event that refreshes the logs refreshes this too.
  const missed = useQuery({
    queryKey: keys.callLogs.list(MISSED),
    queryFn: () => callLogsService.getAll(MISSED),
    refetchInterval: realtime === 'live' ? false : 30_000,
  });
  const rows = missed.data?.data ?? [];
  const total = missed.data?.meta.total ?? 0;
  return (
    <Card aria-labelledby="missed-title" className="flex flex-col">
      <CardHeader
        id="missed-title"
        title="Missed calls"
        description={missed.data ? `${total} missed ${total === 1 ? 'call' : 'calls'}` : undefined}
        actions={
          <Link to={`${paths.callLogs}?outcome=missed`} className="text-xs font-medium text-indigo-700 hover:underline">
            All missed calls
          </Link>
        }
      />
      <div className="flex-1" data-testid="missed-calls">
        {missed.isLoading ? (
          <LoadingBlock className="py-8" />
        ) : missed.error && !missed.data ? (
          <ErrorState error={missed.error} onRetry={() => void missed.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="No missed calls">Calls nobody answered show up here.</EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {rows.map((c) => (
              <li key={c.id} className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm">
                <div className="min-w-0">
                  <p className="truncate font-medium text-zinc-900">{showPhone(c.from_number)}</p>
                  <p className="truncate text-xs text-zinc-600">
                    to {showPhone(c.to_number)} · {formatRelative(c.created_at, now)}
                  </p>
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
