import { dashboardService } from '@opbx/client';
import { useQuery } from '@tanstack/react-query';

import { keys } from '../../data/keys';
import { type LiveCallsData, track, useRealtimeStatus } from '../../realtime/RealtimeProvider';

const POLL_MS = 5000;

/**
 * Calls in progress. While the socket is live, call events keep this cache current and nothing
 * polls; otherwise it is refetched every 5 s.
 */
export function useLiveCalls() {
  const realtime = useRealtimeStatus();
  return useQuery<LiveCallsData>({
    queryKey: keys.dashboard.live,
    queryFn: () => dashboardService.getLiveCalls().then((r) => track(r.data)),
    refetchInterval: realtime === 'live' ? false : POLL_MS,
    staleTime: realtime === 'live' ? Infinity : 0,
  });
}
