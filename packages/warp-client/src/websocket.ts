/**
 * The seed's WebSocketClient (WARP: `ws://localhost:8080/ws?token=...`, messages `{event, payload}`) with
 * its bugs fixed: reconnects with exponential backoff and jitter, `disconnect()` then `connect()` works,
 * subscriptions are replayed after a reconnect, a heartbeat notices dead connections, and a socket that was
 * replaced can no longer trigger reconnects. Runs on the browser's WebSocket, Node 22's global one, or
 * the `ws` package passed as `WebSocket` (Node 20 has no global WebSocket).
 */

/** The part of the WebSocket API this client uses (the browser's and the `ws` package's both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  // `any` events: the DOM's and the `ws` package's event classes differ, and both must fit.

  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;

  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export const DEFAULT_WS_URL = 'ws://localhost:8080/ws';
const CONNECTING = 0;
const OPEN = 1;

export interface WebSocketConfig {
  /** default ws://localhost:8080/ws */
  url?: string;
  /** base of the reconnect backoff, ms (default 1000): attempt n waits reconnectInterval·2^(n-1), half of it jittered */
  reconnectInterval?: number;
  /** cap of the backoff, ms (default 30000) */
  maxReconnectInterval?: number;
  /** default 10; Infinity never gives up */
  maxReconnectAttempts?: number;
  /** a `ping` every this many ms (default 25000; 0 turns the heartbeat off) */
  heartbeatInterval?: number;
  /** no message at all this long after a ping means the connection is dead (default 10000) */
  heartbeatTimeout?: number;
  /** the WebSocket implementation; default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor;
}

/** A token, or a function that gives the current one (so a reconnect uses a refreshed token). */
export type TokenSource = string | (() => string | null | Promise<string | null>);

export type Listener = (payload?: any) => void;

export class WebSocketClient {
  private ws: WebSocketLike | null = null;
  private readonly config: Required<Omit<WebSocketConfig, 'WebSocket'>> & { WebSocket?: WebSocketConstructor };
  private reconnectAttempts = 0;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly subscriptions = new Map<string, Record<string, unknown>>();
  private isIntentionallyClosed = false;
  private token: TokenSource | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private heartbeatDeadline: ReturnType<typeof setTimeout> | null = null;
  private opening = false;

  constructor(config: WebSocketConfig = {}) {
    this.config = {
      url: DEFAULT_WS_URL,
      reconnectInterval: 1000,
      maxReconnectInterval: 30000,
      maxReconnectAttempts: 10,
      heartbeatInterval: 25000,
      heartbeatTimeout: 10000,
      ...config,
    };
  }

  get connected(): boolean {
    return this.ws?.readyState === OPEN;
  }

  connect(token: TokenSource): void {
    this.token = token;
    // The seed set this once in disconnect() and never cleared it, so a later connect never reconnected.
    this.isIntentionallyClosed = false;
    this.clearReconnectTimer();
    if (this.opening || (this.ws && (this.ws.readyState === OPEN || this.ws.readyState === CONNECTING))) return;
    void this.open();
  }

  disconnect(): void {
    this.isIntentionallyClosed = true;
    this.clearReconnectTimer();
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    this.reconnectAttempts = 0;
    if (ws) {
      ws.close(1000, 'client disconnect');
      this.emit('disconnected', { code: 1000, reason: 'client disconnect', intentional: true });
    }
  }

  on(event: string, callback: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(callback);
    return () => this.off(event, callback);
  }

  off(event: string, callback: Listener): void {
    this.listeners.get(event)?.delete(callback);
  }

  /** Sends `{event, payload}` now; false (and nothing sent) when not connected, as the seed dropped it. */
  send(event: string, payload?: unknown): boolean {
    if (this.ws?.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify({ event, payload }));
    return true;
  }

  /** Subscribes to a channel now if connected, and again after every reconnect. */
  subscribe(channel: string, params: Record<string, unknown> = {}): void {
    this.subscriptions.set(channel, params);
    this.send('subscribe', { channel, ...params });
  }

  unsubscribe(channel: string): void {
    if (this.subscriptions.delete(channel)) this.send('unsubscribe', { channel });
  }

  // ---------------------------------------------------------------- internals

  private async open(): Promise<void> {
    this.opening = true;
    let token: string | null;
    try {
      token = typeof this.token === 'function' ? await this.token() : this.token;
    } catch (error) {
      token = null;
      this.emit('error', error);
    } finally {
      this.opening = false;
    }
    if (this.isIntentionallyClosed) return;
    if (!token) {
      this.scheduleReconnect();
      return;
    }
    const Ctor = this.config.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new Error('No WebSocket implementation: pass the `ws` package as config.WebSocket in Node 20');
    const url = `${this.config.url}${this.config.url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
    let ws: WebSocketLike;
    try {
      ws = new Ctor(url);
    } catch (error) {
      this.emit('error', error);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    // Every handler first checks that this socket is still the current one: a replaced socket's late
    // close must not start a second reconnect loop.
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const wasReconnect = this.reconnectAttempts > 0;
      this.reconnectAttempts = 0;
      this.startHeartbeat(ws);
      for (const [channel, params] of this.subscriptions) ws.send(JSON.stringify({ event: 'subscribe', payload: { channel, ...params } }));
      this.emit('connected', { reconnect: wasReconnect });
    };
    ws.onmessage = (event: { data: unknown }) => {
      if (this.ws !== ws) return;
      this.alive();
      let message: { event?: unknown; payload?: unknown };
      try {
        message = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data));
      } catch (error) {
        this.emit('error', error);
        return;
      }
      if (typeof message?.event === 'string') this.emit(message.event, message.payload);
    };
    ws.onclose = (event: { code: number; reason: string }) => {
      if (this.ws !== ws) return;
      this.closed(event.code, event.reason);
    };
    ws.onerror = (error) => {
      if (this.ws !== ws) return;
      this.emit('error', error);
    };
  }

  private closed(code: number, reason: string): void {
    this.ws = null;
    this.stopHeartbeat();
    this.emit('disconnected', { code, reason, intentional: false });
    if (!this.isIntentionallyClosed) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.isIntentionallyClosed) return;
    if (this.reconnectAttempts >= this.config.maxReconnectAttempts) {
      this.emit('max_reconnect_exceeded');
      return;
    }
    this.reconnectAttempts += 1;
    const exp = Math.min(this.config.maxReconnectInterval, this.config.reconnectInterval * 2 ** (this.reconnectAttempts - 1));
    const delay = Math.round(exp / 2 + Math.random() * (exp / 2));
    this.emit('reconnecting', { attempt: this.reconnectAttempts, delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.isIntentionallyClosed) void this.open();
    }, delay);
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private startHeartbeat(ws: WebSocketLike): void {
    this.stopHeartbeat();
    if (this.config.heartbeatInterval <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      if (this.ws !== ws || ws.readyState !== OPEN) return;
      ws.send(JSON.stringify({ event: 'ping', payload: { ts: Date.now() } }));
      if (this.heartbeatDeadline) return;
      this.heartbeatDeadline = setTimeout(() => {
        if (this.ws !== ws) return;
        // A dead peer may never finish the close handshake: give up on this socket now.
        ws.close(4000, 'heartbeat timeout');
        this.closed(4000, 'heartbeat timeout');
      }, this.config.heartbeatTimeout);
    }, this.config.heartbeatInterval);
  }

  private alive(): void {
    if (this.heartbeatDeadline) clearTimeout(this.heartbeatDeadline);
    this.heartbeatDeadline = null;
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.alive();
  }

  private emit(event: string, data?: unknown): void {
    this.listeners.get(event)?.forEach((callback) => {
      try {
        callback(data);
      } catch (error) {
        // one failing listener must not starve the others
        if (event !== 'error') this.emit('error', error);
      }
    });
  }
}
