import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { constantTimeEqual } from '../security/tokens.js';
import { CHANNEL_NAME_RE } from './pusher-auth.js';

/**
 * Pusher's HTTP API (what Laravel's broadcaster and the official `pusher` server libraries call):
 * trigger events, batches, channel queries and terminating a user's connections, with Pusher's
 * request signing. Everything here answers the request; nothing throws past it.
 */
interface PusherHttpApiOptions {
  appId: string;
  appKey: string;
  appSecret: string;
  /** Deliver an event (every instance's sockets, when the application spreads it over a bus). */
  trigger(channel: string, event: string, data: string, exceptSocketId?: string): void;
  terminateUser(userId: string): void;
  /** This process's view of a channel: subscriber count and presence members. */
  channel(name: string): { subscriptions: number; users: string[] | undefined } | undefined;
  channels(): Iterable<string>;
}

/** Pusher's published limits, which its clients expect. */
const MAX_BODY = 256 * 1024;
const MAX_DATA = 10 * 1024;
const MAX_CHANNELS = 100;
const MAX_BATCH = 10;
const MAX_EVENT_NAME = 200;
const CLOCK_SKEW_S = 600;

type Answer = { status: number; body: unknown };
type CheckedEvent = { name: string; data: string; channels: string[]; socketId?: string; info?: string };

const bad = (status: number, error: string): Answer => ({ status, body: { error } });

export class PusherHttpApi {
  constructor(private readonly options: PusherHttpApiOptions) {}

  /** Whether `url` belongs to the API (so the server sends everything else a 404). */
  claims(url: string | undefined): boolean {
    return typeof url === 'string' && url.startsWith('/apps/');
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      let answer: Answer;
      try {
        answer = tooLarge ? bad(413, 'Payload too large') : this.route(req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer = bad(500, 'Internal error');
      }
      const body = JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  }

  private route(method: string, url: string, body: string): Answer {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = parseRawQuery(q < 0 ? '' : url.slice(q + 1));
    const match = /^\/apps\/([^/]+)(\/.*)$/.exec(path);
    if (!match) return bad(404, 'Not found');
    if (match[1] !== this.options.appId) return bad(404, 'Unknown app');
    const refusal = this.verify(method, path, query, body);
    if (refusal) return refusal;
    const rest = match[2]!;
    if (method === 'POST' && rest === '/events') return this.events(body);
    if (method === 'POST' && rest === '/batch_events') return this.batch(body);
    if (method === 'GET' && rest === '/channels') return this.listChannels(query);
    const channel = /^\/channels\/([^/]+)(\/users)?$/.exec(rest);
    if (method === 'GET' && channel) return this.channelInfo(safeDecode(channel[1]!), Boolean(channel[2]), query);
    const terminate = /^\/users\/([^/]+)\/terminate_connections$/.exec(rest);
    if (method === 'POST' && terminate) {
      this.options.terminateUser(safeDecode(terminate[1]!));
      return { status: 200, body: {} };
    }
    return bad(404, 'Not found');
  }

  /** Pusher's signing: HMAC-SHA256 of `METHOD\nPATH\nsorted k=v&…` (raw, as the libraries sign them), the body's MD5, a fresh timestamp. */
  private verify(method: string, path: string, query: Map<string, string>, body: string): Answer | undefined {
    const signature = query.get('auth_signature');
    if (query.get('auth_key') !== this.options.appKey || !signature) return bad(401, 'Missing or unknown auth_key');
    const timestamp = Number(query.get('auth_timestamp'));
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > CLOCK_SKEW_S)
      return bad(401, 'Timestamp expired: the clocks differ by more than 600 s');
    if (body.length > 0 && query.get('body_md5') !== createHash('md5').update(body, 'utf8').digest('hex')) return bad(401, 'body_md5 does not match the body');
    const signed = [...query]
      .filter(([k]) => k !== 'auth_signature')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const expected = createHmac('sha256', this.options.appSecret).update(`${method}\n${path}\n${signed}`).digest('hex');
    return constantTimeEqual(expected, signature) ? undefined : bad(401, 'Invalid signature');
  }

  private events(body: string): Answer {
    const parsed = parseObject(body);
    if (!parsed) return bad(400, 'The body must be a JSON object');
    const checked = this.checkEvent(parsed, true);
    if ('error' in checked) return bad(checked.status, checked.error);
    for (const channel of checked.channels) this.options.trigger(channel, checked.name, checked.data, checked.socketId);
    return { status: 200, body: checked.info ? { channels: Object.fromEntries(checked.channels.map((c) => [c, this.info(c, checked.info!)])) } : {} };
  }

  private batch(body: string): Answer {
    const parsed = parseObject(body);
    const batch = parsed?.batch;
    if (!Array.isArray(batch) || batch.length === 0) return bad(400, 'batch must be a non-empty array');
    if (batch.length > MAX_BATCH) return bad(400, `At most ${MAX_BATCH} events per batch`);
    const events = [];
    for (const item of batch) {
      const checked = isObject(item) ? this.checkEvent(item, false) : { status: 400, error: 'Each batch item must be an object' };
      if ('error' in checked) return bad(checked.status, checked.error);
      events.push(checked);
    }
    // Validated whole before any is sent: a bad item sends none.
    for (const e of events) this.options.trigger(e.channels[0]!, e.name, e.data, e.socketId);
    return { status: 200, body: { batch: events.map((e) => (e.info ? this.info(e.channels[0]!, e.info) : {})) } };
  }

  private checkEvent(e: Record<string, unknown>, many: boolean): CheckedEvent | { status: number; error: string } {
    const channels = many && Array.isArray(e.channels) ? e.channels : [e.channel];
    if (typeof e.name !== 'string' || e.name.length === 0 || e.name.length > MAX_EVENT_NAME)
      return { status: 400, error: `name must be a string of 1 to ${MAX_EVENT_NAME} characters` } as const;
    if (typeof e.data !== 'string') return { status: 400, error: 'data must be a string (JSON-encode objects)' } as const;
    if (Buffer.byteLength(e.data) > MAX_DATA) return { status: 413, error: `data is over ${MAX_DATA} bytes` } as const;
    if (channels.length === 0 || channels.length > MAX_CHANNELS) return { status: 400, error: `1 to ${MAX_CHANNELS} channels` } as const;
    if (!channels.every((c): c is string => typeof c === 'string' && CHANNEL_NAME_RE.test(c))) return { status: 400, error: 'Invalid channel name' } as const;
    if (e.socket_id !== undefined && typeof e.socket_id !== 'string') return { status: 400, error: 'socket_id must be a string' } as const;
    if (e.info !== undefined && typeof e.info !== 'string') return { status: 400, error: 'info must be a string' } as const;
    return { name: e.name, data: e.data, channels, socketId: e.socket_id as string | undefined, info: e.info as string | undefined };
  }

  private info(channel: string, wanted: string): Record<string, number> {
    const found = this.options.channel(channel);
    const out: Record<string, number> = {};
    if (wanted.includes('subscription_count')) out.subscription_count = found?.subscriptions ?? 0;
    if (wanted.includes('user_count') && channel.startsWith('presence-')) out.user_count = found?.users?.length ?? 0;
    return out;
  }

  private listChannels(query: Map<string, string>): Answer {
    const prefix = safeDecode(query.get('filter_by_prefix') ?? '');
    const info = query.get('info') ?? '';
    if (info.includes('user_count') && !prefix.startsWith('presence-')) return bad(400, 'user_count needs filter_by_prefix=presence-');
    const channels: Record<string, Record<string, number>> = {};
    for (const name of this.options.channels()) if (name.startsWith(prefix)) channels[name] = info ? this.info(name, info) : {};
    return { status: 200, body: { channels } };
  }

  private channelInfo(name: string, users: boolean, query: Map<string, string>): Answer {
    if (!CHANNEL_NAME_RE.test(name)) return bad(400, 'Invalid channel name');
    const found = this.options.channel(name);
    if (users) {
      if (!name.startsWith('presence-')) return bad(400, 'Users are listed for presence channels only');
      return { status: 200, body: { users: (found?.users ?? []).map((id) => ({ id })) } };
    }
    const info = query.get('info') ?? '';
    if (info.includes('user_count') && !name.startsWith('presence-')) return bad(400, 'user_count is for presence channels');
    return { status: 200, body: { occupied: (found?.subscriptions ?? 0) > 0, ...this.info(name, info) } };
  }
}

/** Query pairs as sent (the libraries sign them unencoded); the last of a repeated key wins. */
function parseRawQuery(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    out.set(eq < 0 ? pair : pair.slice(0, eq), eq < 0 ? '' : pair.slice(eq + 1));
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
