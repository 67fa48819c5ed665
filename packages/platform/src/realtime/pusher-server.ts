import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomInt } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHANNEL_NAME_RE, verifyChannelAuth } from './pusher-auth.js';

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
  log?: { warn(obj: object, msg: string): void };
}

interface Member {
  info: unknown;
  sockets: Set<string>;
}

interface Client {
  id: string;
  ws: WebSocket;
  channels: Set<string>;
  /** presence channel → user id this socket joined as. */
  presence: Map<string, string>;
  lastSeen: number;
}

const frame = (event: string, data?: unknown, channel?: string): string =>
  JSON.stringify({ event, ...(channel !== undefined ? { channel } : {}), ...(data !== undefined ? { data } : {}) });

export class PusherServer {
  private readonly wss: WebSocketServer;
  private readonly clients = new Map<string, Client>();
  private readonly channels = new Map<string, Set<Client>>();
  private readonly members = new Map<string, Map<string, Member>>();
  private readonly activityTimeout: number;
  private readonly sweeper: NodeJS.Timeout;
  private httpServer?: Server;

  constructor(private readonly options: PusherServerOptions) {
    this.activityTimeout = options.activityTimeout ?? 30;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 100 * 1024 });
    // Pusher-js pings after `activityTimeout` of silence, so a socket silent for 4× that is gone (4201: reconnect).
    this.sweeper = setInterval(() => {
      const deadline = Date.now() - this.activityTimeout * 4000;
      for (const c of this.clients.values()) if (c.lastSeen < deadline) this.disconnect(c, 4201, 'Pong reply not received');
    }, this.activityTimeout * 1000).unref();
  }

  /** Serves the WebSocket endpoint `/app/{key}` on its own port (plain HTTP requests get 404). */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Use a WebSocket connection to /app/{key}"}');
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

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/app\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, decodeURIComponent(match[1]!), url.searchParams.get('protocol')));
  }

  private onConnection(ws: WebSocket, key: string, protocol: string | null): void {
    // Refusals happen after the upgrade, with the protocol's error frame and close code, as Pusher does.
    if (key !== this.options.appKey) {
      ws.send(frame('pusher:error', { code: 4001, message: `App key ${key} not in this cluster.` }));
      ws.close(4001, 'Unknown app key');
      return;
    }
    if (protocol && Number(protocol) < 5) {
      ws.send(frame('pusher:error', { code: 4007, message: 'Unsupported protocol version' }));
      ws.close(4007, 'Unsupported protocol version');
      return;
    }
    const client: Client = { id: `${randomInt(1, 2 ** 47)}.${randomInt(1, 2 ** 47)}`, ws, channels: new Set(), presence: new Map(), lastSeen: Date.now() };
    this.clients.set(client.id, client);
    ws.on('message', (raw) => this.onMessage(client, raw.toString()));
    ws.on('close', () => this.cleanup(client));
    ws.on('error', () => this.cleanup(client));
    ws.send(frame('pusher:connection_established', JSON.stringify({ socket_id: client.id, activity_timeout: this.activityTimeout })));
  }

  private onMessage(client: Client, raw: string): void {
    client.lastSeen = Date.now();
    let msg: { event?: unknown; data?: unknown; channel?: unknown };
    try {
      msg = JSON.parse(raw);
    } catch {
      return this.error(client, 4200, 'Invalid JSON');
    }
    const data = typeof msg.data === 'string' ? safeParse(msg.data) : msg.data;
    switch (msg.event) {
      case 'pusher:ping':
        return void client.ws.send(frame('pusher:pong', {}));
      case 'pusher:pong':
        return;
      case 'pusher:subscribe':
        return this.subscribe(client, (data ?? {}) as Record<string, unknown>);
      case 'pusher:unsubscribe':
        return this.unsubscribe(client, String((data as Record<string, unknown> | undefined)?.channel ?? ''));
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
      return this.subscriptionError(client, channel, 'LimitReached', 'Invalid channel name', 4009);
    }
    if (client.channels.has(channel)) {
      return void client.ws.send(frame('pusher_internal:subscription_succeeded', this.successData(channel), channel));
    }
    const isPresence = channel.startsWith('presence-');
    const needsAuth = isPresence || channel.startsWith('private-');
    let member: { user_id: string; user_info?: unknown } | undefined;
    if (needsAuth) {
      const channelData = isPresence && typeof data.channel_data === 'string' ? data.channel_data : undefined;
      if (!verifyChannelAuth(this.options.appKey, this.options.appSecret, client.id, channel, data.auth, channelData)) {
        return this.subscriptionError(client, channel, 'AuthError', 'Invalid signature', 401);
      }
      if (isPresence) {
        const parsed = channelData ? (safeParse(channelData) as { user_id?: unknown; user_info?: unknown } | undefined) : undefined;
        if (!parsed || (typeof parsed.user_id !== 'string' && typeof parsed.user_id !== 'number')) {
          return this.subscriptionError(client, channel, 'AuthError', 'channel_data must carry a user_id', 401);
        }
        member = { user_id: String(parsed.user_id), user_info: parsed.user_info };
      }
    }
    client.channels.add(channel);
    let subs = this.channels.get(channel);
    if (!subs) this.channels.set(channel, (subs = new Set()));
    subs.add(client);
    if (member) this.join(client, channel, member);
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

  /** Sends one event to this process's subscribers of `channel`; the frame is serialized once. */
  private send(channel: string, event: string, data: string, exceptSocketId?: string): number {
    const subs = this.channels.get(channel);
    if (!subs) return 0;
    const payload = frame(event, data, channel);
    let n = 0;
    for (const c of subs) {
      if (c.id === exceptSocketId || c.ws.readyState !== c.ws.OPEN) continue;
      c.ws.send(payload);
      n++;
    }
    return n;
  }

  /** Deliver an application event (`data` is JSON-encoded once, as the protocol wants a string). */
  broadcastLocal(channel: string, event: string, data: unknown): number {
    if (!this.hasSubscribers(channel)) return 0;
    return this.send(channel, event, typeof data === 'string' ? data : JSON.stringify(data));
  }

  /** Whether anyone on this process listens to `channel` (callers skip building unseen events). */
  hasSubscribers(channel: string): boolean {
    return (this.channels.get(channel)?.size ?? 0) > 0;
  }

  stats() {
    return { connections: this.clients.size, channels: this.channels.size };
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

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
