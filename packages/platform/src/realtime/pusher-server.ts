import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

import { type RawData, type WebSocket, WebSocketServer } from 'ws';

import { CHANNEL_NAME_RE, verifyChannelAuth } from './pusher-auth.js';
import { PusherHttpApi } from './pusher-http-api.js';
import { Bucket, DEFAULT_PUSHER_LIMITS, type PusherLimits } from './pusher-limits.js';

/**
 * A Pusher Channels (protocol 7) server on `ws`, enough for pusher-js and laravel-echo:
 * connection handshake, ping/pong, public / private / presence channels with signed auth,
 * the protocol's error and close codes. Delivery is local to this process; several instances
 * share events by subscribing each to a bus and calling `broadcastLocal`.
 */
export interface PusherServerOptions {
  appKey: string;
  appSecret: string;
  /** Seconds of silence after which pusher-js pings. */
  activityTimeout?: number;
  /** Largest accepted client frame, bytes. */
  maxPayload?: number;
  limits?: Partial<PusherLimits>;
  /** The client's address (behind trusted proxies, from their headers); the socket's peer by default. */
  ipOf?: (req: IncomingMessage) => string;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** The app id of Pusher's HTTP API (`/apps/{id}/…`); without it the API is off. */
  appId?: string;
  /**
   * Where the HTTP API's triggers go: by default this process's sockets. An application with
   * several instances passes them over its bus and calls `triggerLocal` / `terminateUserLocal` on each.
   */
  relay?: {
    trigger(channel: string, event: string, data: string, exceptSocketId?: string): void;
    terminateUser(userId: string): void;
  };
}

/**
 * What an authorization signed for one subscription: the parsed `channel_data` (presence
 * channels always carry it; the application may sign one for private channels too, so that
 * delivery can be filtered and ended per user).
 */
export type Grant = Readonly<Record<string, unknown>>;

interface Member {
  info: unknown;
  sockets: Set<string>;
}

interface Client {
  id: string;
  ws: WebSocket;
  ip: string;
  channels: Set<string>;
  /** channel → what its authorization signed (private and presence channels with channel_data). */
  grants: Map<string, Grant>;
  /** presence channel → user id this socket joined as. */
  presence: Map<string, string>;
  lastSeen: number;
  messages: Bucket;
  subscriptions: Bucket;
}

const frame = (event: string, data?: unknown, channel?: string): string =>
  JSON.stringify({ event, ...(channel !== undefined ? { channel } : {}), ...(data !== undefined ? { data } : {}) });

const PING = frame('pusher:ping', {});

export class PusherServer {
  private readonly wss: WebSocketServer;
  private readonly clients = new Map<string, Client>();
  private readonly byWs = new WeakMap<WebSocket, Client>();
  private readonly channels = new Map<string, Set<Client>>();
  private readonly members = new Map<string, Map<string, Member>>();
  private readonly perIp = new Map<string, number>();
  private readonly activityTimeout: number;
  private readonly limits: PusherLimits;
  private readonly sweeper: NodeJS.Timeout;
  private httpServer?: Server;

  constructor(private readonly options: PusherServerOptions) {
    this.activityTimeout = options.activityTimeout ?? 30;
    this.limits = { ...DEFAULT_PUSHER_LIMITS, ...options.limits };
    // Client frames are subscribe/ping/unsubscribe; presence channel_data is the largest and small.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 16 * 1024 });
    // pusher-js pings only when it has *received* nothing for `activityTimeout`, so a client on a
    // busy channel never speaks: the server pings whoever has been silent that long (pusher-js
    // answers pusher:pong), and a socket still silent two intervals later is gone (4201: reconnect).
    const interval = this.activityTimeout * 1000;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const c of this.clients.values()) {
        if (c.lastSeen < now - interval * 3) this.disconnect(c, 4201, 'Pong reply not received');
        else if (c.lastSeen < now - interval + 1000 && c.ws.readyState === c.ws.OPEN) c.ws.send(PING);
      }
    }, interval).unref();
  }

  /**
   * Serves the WebSocket endpoint `/app/{key}` on its own port, with Pusher's HTTP API
   * (`/apps/{id}/…`, when an app id is set) and the `/ready` and `/usage` probes beside it.
   */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const api = this.options.appId ? this.httpApi(this.options.appId) : undefined;
    const server = createServer((req, res) => {
      try {
        if (api?.claims(req.url)) return api.handle(req, res);
        const path = (req.url ?? '').split('?')[0];
        if (path === '/ready' || path === '/') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
        if (path === '/usage') {
          const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
          return void res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ memory: { rss, heapTotal, heapUsed, external }, ...this.stats() }));
        }
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Use a WebSocket connection to /app/{key}"}');
      } catch (err) {
        this.options.log?.error({ err }, 'realtime HTTP request failed');
        res.destroy();
      }
    });
    server.on('upgrade', (req, socket, head) => this.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.httpServer = server;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /**
   * Never throws: whatever arrives (bad paths, bad escapes, broken handshakes) ends as an HTTP
   * error or a closed socket, so one client cannot take every tenant's realtime down.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A reset during the handshake must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    try {
      const target = parseTarget(req.url);
      if (!target) return refuseUpgrade(socket, 404, 'Not Found');
      const ip = this.options.ipOf?.(req) ?? req.socket.remoteAddress ?? '';
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        // Before anything else: a refused socket gets no other listener, and a broken frame
        // (bytes after the handshake, an invalid opcode) is an 'error' event on it.
        ws.on('error', () => ws.terminate());
        this.guard(ws, () => this.onConnection(ws, target.key, target.protocol, ip));
      });
    } catch (err) {
      this.options.log?.error({ err }, 'realtime upgrade failed');
      refuseUpgrade(socket, 400, 'Bad Request');
    }
  }

  /** Runs a handler for one socket; what it throws closes that socket and nothing else. */
  private guard(ws: WebSocket, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log?.error({ err }, 'realtime handler failed; closing the socket');
      const client = this.byWs.get(ws);
      if (client) this.cleanup(client);
      ws.terminate();
    }
  }

  private onConnection(ws: WebSocket, key: string, protocol: string | null, ip: string): void {
    // Refusals happen after the upgrade, with the protocol's error frame and close code, as Pusher does.
    if (key !== this.options.appKey) return refuse(ws, 4001, `App key ${key.slice(0, 64)} not in this cluster.`);
    if (protocol && !(Number(protocol) >= 5)) return refuse(ws, 4007, 'Unsupported protocol version');
    if (this.clients.size >= this.limits.maxConnections) return refuse(ws, 4100, 'Over connection quota');
    const fromIp = this.perIp.get(ip) ?? 0;
    if (fromIp >= this.limits.maxConnectionsPerIp) return refuse(ws, 4100, 'Over connection quota for this address');
    this.perIp.set(ip, fromIp + 1);
    const now = Date.now();
    const client: Client = {
      id: `${randomInt(1, 2 ** 47)}.${randomInt(1, 2 ** 47)}`,
      ws,
      ip,
      channels: new Set(),
      grants: new Map(),
      presence: new Map(),
      lastSeen: now,
      messages: new Bucket(this.limits.messagesPerSecond, now),
      subscriptions: new Bucket(this.limits.subscriptionsPerSecond, now),
    };
    this.clients.set(client.id, client);
    this.byWs.set(ws, client);
    ws.on('message', (raw, isBinary) => this.guard(ws, () => this.onMessage(client, raw, isBinary)));
    ws.on('close', () => this.cleanup(client));
    ws.on('error', () => this.cleanup(client));
    ws.send(frame('pusher:connection_established', JSON.stringify({ socket_id: client.id, activity_timeout: this.activityTimeout })));
  }

  private onMessage(client: Client, raw: RawData, isBinary: boolean): void {
    if (!this.clients.has(client.id)) return;
    client.lastSeen = Date.now();
    if (!client.messages.take(client.lastSeen)) return this.disconnect(client, 4301, 'Rate limit exceeded: too many messages');
    if (isBinary) return this.error(client, 4200, 'Binary frames are not supported');
    let msg: unknown;
    try {
      msg = JSON.parse(raw.toString());
    } catch {
      return this.error(client, 4200, 'Invalid JSON');
    }
    if (!isRecord(msg)) return this.error(client, 4200, 'A message must be a JSON object');
    const data = typeof msg.data === 'string' ? safeParse(msg.data) : msg.data;
    switch (msg.event) {
      case 'pusher:ping':
        return void client.ws.send(frame('pusher:pong', {}));
      case 'pusher:pong':
        return;
      case 'pusher:subscribe':
        return this.subscribe(client, isRecord(data) ? data : {});
      case 'pusher:unsubscribe':
        if (isRecord(data) && typeof data.channel === 'string') this.unsubscribe(client, data.channel);
        return;
      default:
        if (typeof msg.event === 'string' && msg.event.startsWith('client-')) {
          return this.error(client, 4301, 'Client events are not enabled for this app');
        }
        return this.error(client, 4200, 'Unsupported event');
    }
  }

  private subscribe(client: Client, data: Record<string, unknown>): void {
    const channel = typeof data.channel === 'string' ? data.channel : '';
    if (!CHANNEL_NAME_RE.test(channel)) {
      return this.subscriptionError(client, channel.slice(0, 200), 'LimitReached', 'Invalid channel name', 4009);
    }
    if (!client.subscriptions.take()) {
      return this.subscriptionError(client, channel, 'LimitReached', 'Too many subscription attempts; slow down', 4301);
    }
    if (client.channels.has(channel)) {
      return void client.ws.send(frame('pusher_internal:subscription_succeeded', this.successData(channel), channel));
    }
    if (client.channels.size >= this.limits.maxChannelsPerConnection) {
      return this.subscriptionError(client, channel, 'LimitReached', `At most ${this.limits.maxChannelsPerConnection} channels per connection`, 4301);
    }
    const isPresence = channel.startsWith('presence-');
    const needsAuth = isPresence || channel.startsWith('private-');
    let grant: Grant | undefined;
    if (needsAuth) {
      const channelData = typeof data.channel_data === 'string' ? data.channel_data : undefined;
      if (!verifyChannelAuth(this.options.appKey, this.options.appSecret, client.id, channel, data.auth, channelData)) {
        return this.subscriptionError(client, channel, 'AuthError', 'Invalid signature', 401);
      }
      if (channelData !== undefined) {
        const parsed = safeParse(channelData);
        if (!isRecord(parsed)) return this.subscriptionError(client, channel, 'AuthError', 'channel_data must be a JSON object', 401);
        grant = parsed;
      }
      if (isPresence && (!grant || (typeof grant.user_id !== 'string' && typeof grant.user_id !== 'number'))) {
        return this.subscriptionError(client, channel, 'AuthError', 'channel_data must carry a user_id', 401);
      }
    }
    client.channels.add(channel);
    if (grant) client.grants.set(channel, grant);
    let subs = this.channels.get(channel);
    if (!subs) this.channels.set(channel, (subs = new Set()));
    subs.add(client);
    if (isPresence && grant) this.join(client, channel, { user_id: String(grant.user_id), user_info: grant.user_info });
    client.ws.send(frame('pusher_internal:subscription_succeeded', this.successData(channel), channel));
  }

  private successData(channel: string): string {
    if (!channel.startsWith('presence-')) return '{}';
    const members = this.members.get(channel) ?? new Map<string, Member>();
    const hash: Record<string, unknown> = {};
    for (const [id, m] of members) hash[id] = m.info ?? {};
    return JSON.stringify({ presence: { ids: [...members.keys()], hash, count: members.size } });
  }

  private join(client: Client, channel: string, member: { user_id: string; user_info?: unknown }): void {
    let members = this.members.get(channel);
    if (!members) this.members.set(channel, (members = new Map()));
    client.presence.set(channel, member.user_id);
    const existing = members.get(member.user_id);
    if (existing) {
      existing.sockets.add(client.id);
      return;
    }
    members.set(member.user_id, { info: member.user_info, sockets: new Set([client.id]) });
    this.send(channel, 'pusher_internal:member_added', JSON.stringify({ user_id: member.user_id, user_info: member.user_info }), client.id);
  }

  private unsubscribe(client: Client, channel: string): void {
    if (!client.channels.delete(channel)) return;
    client.grants.delete(channel);
    const subs = this.channels.get(channel);
    subs?.delete(client);
    if (subs && subs.size === 0) this.channels.delete(channel);
    const userId = client.presence.get(channel);
    if (userId !== undefined) {
      client.presence.delete(channel);
      const members = this.members.get(channel);
      const member = members?.get(userId);
      member?.sockets.delete(client.id);
      if (members && member && member.sockets.size === 0) {
        members.delete(userId);
        if (members.size === 0) this.members.delete(channel);
        this.send(channel, 'pusher_internal:member_removed', JSON.stringify({ user_id: userId }));
      }
    }
  }

  private cleanup(client: Client): void {
    if (!this.clients.delete(client.id)) return;
    this.byWs.delete(client.ws);
    const fromIp = (this.perIp.get(client.ip) ?? 1) - 1;
    if (fromIp > 0) this.perIp.set(client.ip, fromIp);
    else this.perIp.delete(client.ip);
    for (const channel of [...client.channels]) this.unsubscribe(client, channel);
  }

  private subscriptionError(client: Client, channel: string, type: string, error: string, status: number): void {
    client.ws.send(frame('pusher:subscription_error', { type, error, status }, channel));
  }

  private error(client: Client, code: number, message: string): void {
    client.ws.send(frame('pusher:error', { code, message }));
  }

  private disconnect(client: Client, code: number, reason: string): void {
    this.error(client, code, reason);
    client.ws.close(code, reason);
    this.cleanup(client);
  }

  /**
   * Sends one event to this process's subscribers of `channel`; the frame is serialized once.
   * `accept`, when given, sees each subscriber's grant and decides whether it gets the event.
   */
  private send(channel: string, event: string, data: string, exceptSocketId?: string, accept?: (grant: Grant | undefined) => boolean): number {
    const subs = this.channels.get(channel);
    if (!subs) return 0;
    const payload = frame(event, data, channel);
    let n = 0;
    for (const c of subs) {
      if (c.id === exceptSocketId || c.ws.readyState !== c.ws.OPEN) continue;
      if (accept && !accept(c.grants.get(channel))) continue;
      c.ws.send(payload);
      n++;
    }
    return n;
  }

  /** Deliver an application event (`data` is JSON-encoded once, as the protocol wants a string). */
  broadcastLocal(channel: string, event: string, data: unknown, accept?: (grant: Grant | undefined) => boolean): number {
    if (!this.hasSubscribers(channel)) return 0;
    return this.send(channel, event, typeof data === 'string' ? data : JSON.stringify(data), undefined, accept);
  }

  /**
   * Closes every socket holding a subscription whose grant matches (a signed-out or deactivated
   * user's), with 4009: pusher-js does not reconnect, and a new sign-in authorizes afresh.
   */
  endSubscriptions(match: (grant: Grant) => boolean, reason = 'Session ended'): number {
    let n = 0;
    for (const c of [...this.clients.values()]) {
      for (const grant of c.grants.values()) {
        if (!match(grant)) continue;
        this.disconnect(c, 4009, reason);
        n++;
        break;
      }
    }
    return n;
  }

  /** An HTTP API trigger, delivered to this process's sockets (`data` as given: Pusher relays the string). */
  triggerLocal(channel: string, event: string, data: string, exceptSocketId?: string): number {
    return this.send(channel, event, data, exceptSocketId);
  }

  /** Closes this process's sockets of a presence user or of a granted user (Pusher's terminate_connections). */
  terminateUserLocal(userId: string): number {
    let n = 0;
    for (const c of [...this.clients.values()]) {
      if ([...c.presence.values()].includes(userId) || [...c.grants.values()].some((g) => String(g.user_id) === userId)) {
        this.disconnect(c, 4009, 'Connection terminated by the application');
        n++;
      }
    }
    return n;
  }

  private httpApi(appId: string): PusherHttpApi {
    const relay = this.options.relay ?? {
      trigger: (channel: string, event: string, data: string, except?: string) => void this.triggerLocal(channel, event, data, except),
      terminateUser: (userId: string) => void this.terminateUserLocal(userId),
    };
    return new PusherHttpApi({
      appId,
      appKey: this.options.appKey,
      appSecret: this.options.appSecret,
      trigger: (channel, event, data, except) => relay.trigger(channel, event, data, except),
      terminateUser: (userId) => relay.terminateUser(userId),
      channel: (name) => {
        const subs = this.channels.get(name);
        if (!subs) return undefined;
        return { subscriptions: subs.size, users: name.startsWith('presence-') ? [...(this.members.get(name)?.keys() ?? [])] : undefined };
      },
      channels: () => this.channels.keys(),
    });
  }

  /** Whether anyone on this process listens to `channel` (callers skip building unseen events). */
  hasSubscribers(channel: string): boolean {
    return (this.channels.get(channel)?.size ?? 0) > 0;
  }

  stats() {
    return { connections: this.clients.size, channels: this.channels.size, addresses: this.perIp.size };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const c of this.clients.values()) {
      c.ws.send(frame('pusher:error', { code: 4200, message: 'Server shutting down' }));
      c.ws.close(4200, 'Server shutting down');
    }
    this.clients.clear();
    this.channels.clear();
    this.members.clear();
    if (this.httpServer) await new Promise<void>((resolve) => this.httpServer!.close(() => resolve()));
  }
}

/** Path `/app/{key}` with an optional `protocol` query parameter; undefined for anything else. */
function parseTarget(rawUrl: string | undefined): { key: string; protocol: string | null } | undefined {
  if (!rawUrl || rawUrl.length > 2048 || rawUrl[0] !== '/') return undefined;
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const match = /^\/app\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  const params = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
  return { key, protocol: params.get('protocol') };
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

/** The protocol's refusal: an error frame, then a close with the same code. */
function refuse(ws: WebSocket, code: number, message: string): void {
  ws.send(frame('pusher:error', { code, message }));
  ws.close(code, message.slice(0, 120));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
