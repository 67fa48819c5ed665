import Echo from 'laravel-echo';
import Pusher from 'pusher-js';
import { WebSocket } from 'ws';

import { type RunningServer, startServer } from '../../src/server.js';
import { freshDatabaseUrl, testConfig } from './context.js';

/** Where a realtime client connects: the API origin (for /broadcasting/auth) and the WebSocket port. */
export interface RealtimeEndpoint {
  /** API origin, e.g. http://127.0.0.1:40123 (no /api/v1). */
  base: string;
  wsPort: number;
  wsKey: string;
}

export interface LiveTestServer extends RealtimeEndpoint {
  server: RunningServer;
  close(): Promise<void>;
}

/** Runs `fn` with console.log muted (startServer prints a banner meant for humans). */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => undefined;
  try {
    return await fn();
  } finally {
    console.log = log;
  }
}

/**
 * The real server (HTTP + Pusher WebSocket) on random ports and a fresh database; REDIS_URL is
 * honoured. `demo` seeds the demo organization as `npm start` does.
 */
export async function startLiveTestServer(env: Record<string, string> = {}, options: { demo?: boolean } = {}): Promise<LiveTestServer> {
  const db = await freshDatabaseUrl();
  const config = testConfig(db.url, { PORT: '0', OPBX_WS_PORT: '0', HOST: '127.0.0.1', ...env });
  const server = await quietly(() => startServer(config, { signals: false, demo: Boolean(options.demo) }));
  const port = new URL(server.url).port;
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    wsPort: server.wsPort,
    wsKey: config.OPBX_WS_KEY,
    async close() {
      await server.stop();
      await db.drop();
    },
  };
}

export type EchoClient = Echo<'pusher'>;

/**
 * Echo exactly as the spec's `createEchoInstance` builds it, pointed at `endpoint`; the auth
 * endpoint is the API server's `/broadcasting/auth`. `extra` adds pusher-js options.
 */
export function createEcho(endpoint: RealtimeEndpoint, token: string, extra: Record<string, unknown> = {}): EchoClient {
  return new Echo({
    broadcaster: 'pusher',
    key: endpoint.wsKey,
    wsHost: '127.0.0.1',
    wsPort: endpoint.wsPort,
    wssPort: endpoint.wsPort,
    forceTLS: false,
    encrypted: false,
    disableStats: true,
    enabledTransports: ['ws', 'wss'],
    cluster: 'mt1',
    authEndpoint: `${endpoint.base}/broadcasting/auth`,
    auth: { headers: { Authorization: `Bearer ${token}` } },
    // Echo looks for window.Pusher; Node has no window, so hand it the class.
    Pusher,
    ...extra,
  } as ConstructorParameters<typeof Echo<'pusher'>>[0]);
}

export const pusherOf = (echo: EchoClient) => echo.connector.pusher;

type SubscribableChannel = { subscribed(cb: CallableFunction): unknown; error(cb: CallableFunction): unknown };

/** Resolves when the channel's subscription succeeded; rejects with the subscription error. */
export function subscription(channel: SubscribableChannel, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('subscription timed out')), timeoutMs);
    channel.subscribed(() => {
      clearTimeout(timer);
      resolve();
    });
    channel.error((err: unknown) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`subscription error: ${JSON.stringify(err)}`), { detail: err }));
    });
  });
}

/** The subscription error Echo reports for `channel` (fails if the subscription succeeds instead). */
export function subscriptionError(channel: SubscribableChannel, timeoutMs = 5000): Promise<any> {
  return subscription(channel, timeoutMs).then(
    () => {
      throw new Error('expected the subscription to be refused');
    },
    (err: { detail?: unknown }) => {
      if (err.detail === undefined) throw err;
      return err.detail;
    },
  );
}

export interface Recorded {
  name: string;
  data: any;
  at: number;
}

/** Records events in arrival order and lets a test wait for one. */
export class EventRecorder {
  readonly events: Recorded[] = [];
  private waiters: Array<{ pred: (e: Recorded) => boolean; resolve: (e: Recorded) => void }> = [];

  /** A listener for `name` that records into this log. */
  on(name: string) {
    return (data: unknown) => this.push(name, data);
  }

  push(name: string, data: unknown) {
    const e: Recorded = { name, data, at: Date.now() };
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(e)) return true;
      w.resolve(e);
      return false;
    });
  }

  named(name: string) {
    return this.events.filter((e) => e.name === name);
  }

  waitFor(pred: (e: Recorded) => boolean, what = 'event', timeoutMs = 8000): Promise<Recorded> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events.map((e) => e.name))}`)), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Logs in over real HTTP; returns the bearer token and the user. */
export async function httpLogin(base: string, email: string, password: string): Promise<{ token: string; user: any }> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as any;
  if (res.status !== 200) throw new Error(`login failed (${res.status}): ${JSON.stringify(body)}`);
  return { token: body.access_token, user: body.user };
}

export interface RawSocket {
  ws: WebSocket;
  /** Every frame received, parsed. */
  frames: any[];
  /** The first frame (already received or to come) matching `pred`. */
  next(pred: (frame: any) => boolean, timeoutMs?: number): Promise<any>;
  send(event: string, data: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

/** A plain `ws` client speaking the Pusher protocol by hand, for wire-level checks (close codes, bad signatures). */
export function openRawSocket(endpoint: Pick<RealtimeEndpoint, 'wsPort'>, key: string): RawSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${endpoint.wsPort}/app/${encodeURIComponent(key)}?protocol=7&client=js&version=8.6.0&flash=false`);
  const frames: any[] = [];
  let waiters: Array<{ pred: (f: any) => boolean; resolve: (f: any) => void }> = [];
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw.toString());
    frames.push(frame);
    waiters = waiters.filter((w) => (w.pred(frame) ? (w.resolve(frame), false) : true));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', () => undefined);
  return {
    ws,
    frames,
    closed,
    send: (event, data) => ws.send(JSON.stringify({ event, data })),
    next(pred, timeoutMs = 5000) {
      const seen = frames.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame; got ${JSON.stringify(frames)}`)), timeoutMs);
        waiters.push({
          pred,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
  };
}
