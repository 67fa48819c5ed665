import { QueryClient } from '@tanstack/react-query';
import { isAxiosError } from 'axios';

/**
 * One place for the defaults: data is fresh for 30 s, no refetch on window focus (live data
 * comes over the WebSocket), and client errors (4xx) are never retried.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, err) => {
          const status = isAxiosError(err) ? err.response?.status : undefined;
          if (status && status >= 400 && status < 500) return false;
          return count < 1;
        },
      },
      // 'always': offline, a save fails at once with a clear message instead of waiting, paused, for the network.
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}
