import {
  type CallEndedEvent,
  type CallStartedEvent,
  type CallUpdatedEvent,
  configureWebsocket,
  createEchoInstance,
  type ExtensionStatusEvent,
  type LiveCall,
  storage,
} from '@opbx/client';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';

import { useUser } from '../auth/session';
import { type ClientConfig, extraService } from '../data/extra';
import { keys } from '../data/keys';

/**
 * `live`: connected and subscribed, so live data arrives as events and nothing polls.
 * Anything else: the dashboard polls until the socket is back.
 */
export type RealtimeStatus = 'connecting' | 'live' | 'offline';

const RealtimeContext = createContext<RealtimeStatus>('connecting');
export const useRealtimeStatus = () => useContext(RealtimeContext);

/** A live call as the dashboard keeps it: `seen_at` lets the duration tick without refetching. */
export type TrackedCall = LiveCall & { seen_at: number };
export interface LiveCallsData {
  data: TrackedCall[];
}

export const track = (calls: LiveCall[], now = Date.now()): LiveCallsData => ({ data: calls.map((c) => ({ ...c, seen_at: now })) });

function upsert(qc: QueryClient, call: LiveCall) {
  qc.setQueryData<LiveCallsData>(keys.dashboard.live, (old) => {
    const tracked = { ...call, seen_at: Date.now() };
    if (!old) return { data: [tracked] };
    const i = old.data.findIndex((c) => c.call_id === call.call_id);
    if (i === -1) return { data: [...old.data, tracked] };
    const next = old.data.slice();
    next[i] = tracked;
    return { data: next };
  });
}

/** Statuses a call never leaves: such a call is no longer live. */
const ENDED: ReadonlySet<string> = new Set(['completed', 'failed', 'busy', 'no_answer']);

function remove(qc: QueryClient, callId: string) {
  qc.setQueryData<LiveCallsData>(keys.dashboard.live, (old) => (old ? { data: old.data.filter((c) => c.call_id !== callId) } : old));
}

/** Batches invalidations so a burst of events costs one refetch per list. */
function invalidator(qc: QueryClient) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Set<string>();
  const roots: Record<string, readonly unknown[]> = {
    stats: keys.dashboard.stats,
    recent: keys.dashboard.recent,
    volume: ['dashboard', 'call-volume'],
    logs: keys.callLogs.root,
    voicemails: ['extensions', 'voicemails'],
  };
  return (...what: Array<keyof typeof roots>) => {
    what.forEach((w) => pending.add(w));
    clearTimeout(timer);
    timer = setTimeout(() => {
      for (const w of pending) void qc.invalidateQueries({ queryKey: roots[w] });
      pending.clear();
    }, 400);
  };
}

/**
 * One Echo connection per signed-in session. Call events update the live-calls cache in place;
 * when the connection (re)subscribes, the list is refetched once to catch what was missed.
 * Echo is built with the client's `createEchoInstance` (not the `websocketService` singleton)
 * because the app needs the connection state to decide whether to poll.
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const user = useUser();
  const qc = useQueryClient();
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const token = storage.getToken();
  const orgId = user.organization_id;
  const subscribed = useRef(false);

  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    let echo: ReturnType<typeof createEchoInstance> | undefined;
    let stopWatching: (() => void) | undefined;
    const refresh = invalidator(qc);
    setStatus('connecting');

    void (async () => {
      let config: ClientConfig | undefined;
      // Without the realtime settings the dashboard polls; keep asking until the server answers.
      while (!cancelled && !config) {
        try {
          config = await qc.fetchQuery({ queryKey: keys.clientConfig, queryFn: extraService.clientConfig, staleTime: Infinity });
        } catch {
          if (!cancelled) setStatus('offline');
          await new Promise((r) => setTimeout(r, 10_000));
        }
      }
      if (cancelled || !config) return;
      configureWebsocket({ host: window.location.hostname, port: config.websocket.port, key: config.websocket.key });
      echo = createEchoInstance(token);
      const update = (connection: string) => {
        if (cancelled) return;
        // Connected is not enough: events flow only once the private channel is subscribed.
        if (connection === 'connected') return setStatus(subscribed.current ? 'live' : 'connecting');
        subscribed.current = false;
        setStatus(connection === 'connecting' || connection === 'reconnecting' ? 'connecting' : 'offline');
      };
      stopWatching = echo.connector.onConnectionChange(update);

      const calls = echo.private(`organization.${orgId}.calls`);
      calls.subscribed(() => {
        if (cancelled) return;
        subscribed.current = true;
        setStatus('live');
        void qc.invalidateQueries({ queryKey: keys.dashboard.live });
        refresh('stats');
      });
      calls.error(() => {
        subscribed.current = false;
        if (!cancelled) setStatus('offline');
      });
      calls.listen('.call.started', (e: CallStartedEvent) => {
        upsert(qc, e.call);
        refresh('stats', 'logs');
      });
      calls.listen('.call.updated', (e: CallUpdatedEvent) => {
        // A correction after the end (a CDR arriving after call.ended) carries the final state: it must
        // not bring the call back onto the live board.
        if (ENDED.has(e.call.status)) {
          remove(qc, e.call.call_id);
          refresh('stats', 'recent', 'volume', 'logs');
          return;
        }
        upsert(qc, e.call);
        refresh('logs');
      });
      calls.listen('.call.ended', (e: CallEndedEvent) => {
        remove(qc, e.call_id);
        refresh('stats', 'recent', 'volume', 'logs', 'voicemails');
      });
      echo.private(`organization.${orgId}.extensions`).listen('.extension.status', (e: ExtensionStatusEvent) => {
        qc.setQueryData<Record<string, ExtensionStatusEvent['status']>>(keys.presence, (old) => ({ ...old, [e.extension_id]: e.status }));
      });
    })();

    return () => {
      cancelled = true;
      subscribed.current = false;
      stopWatching?.();
      echo?.disconnect();
    };
  }, [token, orgId, qc]);

  return <RealtimeContext.Provider value={status}>{children}</RealtimeContext.Provider>;
}

export type Presence = Record<string, ExtensionStatusEvent['status']>;

/** Extension states from `extension.status` events since this page loaded (the API has no snapshot). */
export function usePresence(): Presence {
  const { data } = useQuery<Presence>({ queryKey: keys.presence, queryFn: () => ({}), enabled: false, initialData: {}, staleTime: Infinity, gcTime: Infinity });
  return data;
}
