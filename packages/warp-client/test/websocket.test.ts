import type { AddressInfo } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';

import { WebSocketClient } from '../src/index.js';

/* A real `ws` server on a random port that drops connections, goes silent or disappears on purpose. */

interface Conn {
  socket: WebSocket;
  token: string | null;
  received: Array<{ event: string; payload: unknown }>;
}

let wss: WebSocketServer;
let conns: Conn[];
let answerPings: boolean;
let url: string;

beforeEach(async () => {
  conns = [];
  answerPings = true;
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/ws' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
  wss.on('connection', (socket, req) => {
    const conn: Conn = { socket, token: new URL(req.url ?? '', 'http://x').searchParams.get('token'), received: [] };
    conns.push(conn);
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw));
      conn.received.push(message);
      if (message.event === 'ping' && answerPings) socket.send(JSON.stringify({ event: 'pong', payload: message.payload }));
    });
  });
});
afterEach(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
});

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const make = (extra = {}) => new WebSocketClient({ url, WebSocket, reconnectInterval: 10, heartbeatInterval: 0, ...extra });

describe('WebSocketClient against a real ws server', () => {
  it('delivers {event, payload} messages, reconnects after the server drops it, and replays subscriptions', async () => {
    const client = make();
    const events: unknown[] = [];
    const reconnecting: Array<{ attempt: number; delay: number }> = [];
    client.on('call.started', (payload) => events.push(payload));
    client.on('reconnecting', (info) => reconnecting.push(info));
    let token = 'tok-1';
    client.connect(() => token);
    client.subscribe('trunks', { trunk_id: 't1' });
    await until(() => conns.length === 1 && client.connected, 'first connection');
    client.subscribe('cdrs');
    expect(conns[0]!.token).toBe('tok-1');
    conns[0]!.socket.send(JSON.stringify({ event: 'call.started', payload: { call_id: 'c1' } }));
    await until(() => events.length === 1, 'first event');

    token = 'tok-2'; // a refreshed token is used by the reconnect
    conns[0]!.socket.terminate();
    await until(() => conns.length === 2 && conns[1]!.received.length === 2, 'reconnect with replayed subscriptions');
    expect(conns[1]!.token).toBe('tok-2');
    expect(conns[1]!.received).toEqual([
      { event: 'subscribe', payload: { channel: 'trunks', trunk_id: 't1' } },
      { event: 'subscribe', payload: { channel: 'cdrs' } },
    ]);
    conns[1]!.socket.send(JSON.stringify({ event: 'call.started', payload: { call_id: 'c2' } }));
    await until(() => events.length === 2, 'event after reconnect');
    expect(events).toEqual([{ call_id: 'c1' }, { call_id: 'c2' }]);
    expect(reconnecting[0]).toMatchObject({ attempt: 1 });
    client.disconnect();
  });

  it('disconnect() then connect() connects again (the seed never reset isIntentionallyClosed)', async () => {
    const client = make();
    client.connect('tok');
    await until(() => client.connected, 'connected');
    client.disconnect();
    await until(() => conns[0]!.socket.readyState === WebSocket.CLOSED, 'server saw the close');
    expect(client.connected).toBe(false);
    client.connect('tok');
    await until(() => conns.length === 2 && client.connected, 'connected again');
    // and the new connection still reconnects when dropped
    conns[1]!.socket.terminate();
    await until(() => conns.length === 3 && client.connected, 'reconnected after the second drop');
    client.disconnect();
  });

  it('an intentional disconnect does not reconnect', async () => {
    const client = make();
    client.connect('tok');
    await until(() => client.connected, 'connected');
    client.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    expect(conns).toHaveLength(1);
  });

  it('backs off exponentially with jitter and gives up after maxReconnectAttempts', async () => {
    const client = make({ reconnectInterval: 4, maxReconnectAttempts: 4 });
    const delays: number[] = [];
    let gaveUp = false;
    client.on('reconnecting', ({ delay }) => delays.push(delay));
    client.on('max_reconnect_exceeded', () => (gaveUp = true));
    client.on('error', () => undefined);
    await new Promise<void>((resolve) => wss.close(() => resolve())); // nobody listens any more
    client.connect('tok');
    await until(() => gaveUp, 'giving up');
    expect(delays).toHaveLength(4);
    delays.forEach((d, i) => {
      const exp = 4 * 2 ** i;
      expect(d).toBeGreaterThanOrEqual(Math.floor(exp / 2));
      expect(d).toBeLessThanOrEqual(exp);
    });
    wss = new WebSocketServer({ port: 0 }); // for afterEach
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  });

  it('the heartbeat notices a server that stopped answering and reconnects', async () => {
    answerPings = false;
    const client = make({ heartbeatInterval: 20, heartbeatTimeout: 40 });
    const closes: Array<{ reason: string }> = [];
    client.on('disconnected', (info) => closes.push(info));
    client.connect('tok');
    await until(() => conns.length >= 2, 'reconnect after a silent connection');
    expect(closes[0]).toMatchObject({ reason: 'heartbeat timeout', intentional: false });
    expect(conns[0]!.received.some((m) => m.event === 'ping')).toBe(true);
    client.disconnect();
  });

  it('a connection whose pings are answered stays up', async () => {
    const client = make({ heartbeatInterval: 10, heartbeatTimeout: 1000 });
    client.connect('tok');
    await until(() => (conns[0]?.received.filter((m) => m.event === 'ping').length ?? 0) >= 8, 'eight pings');
    expect(conns).toHaveLength(1);
    expect(client.connected).toBe(true);
    client.disconnect();
  });
});
