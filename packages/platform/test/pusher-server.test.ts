import { connect } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { signChannel } from '../src/realtime/pusher-auth.js';
import { PusherServer, type PusherServerOptions } from '../src/realtime/pusher-server.js';
import { until } from './support/until.js';

/**
 * The Pusher server against hostile clients: inputs that used to throw out of a socket handler
 * (and so out of the process), and the limits that bound what one client may cost.
 */
const KEY = 'test-key';
const SECRET = 'test-secret-0123456789';
const servers: PusherServer[] = [];
const sockets: WebSocket[] = [];
const logged: unknown[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  for (const s of servers.splice(0)) await s.close();
  logged.length = 0;
});

async function start(options: Partial<PusherServerOptions> = {}) {
  const server = new PusherServer({ appKey: KEY, appSecret: SECRET, log: { warn: (o) => logged.push(o), error: (o) => logged.push(o) }, ...options });
  servers.push(server);
  const port = await server.listen(0, '127.0.0.1');
  return { server, port };
}

interface Frame {
  event: string;
  channel?: string;
  data?: any;
}

/** A raw client that records frames and its close code. */
function client(port: number, path = `/app/${KEY}?protocol=7`) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  sockets.push(ws);
  const frames: Frame[] = [];
  let closeCode: number | undefined;
  ws.on('message', (raw) => frames.push(JSON.parse(raw.toString())));
  ws.on('close', (code) => (closeCode = code));
  ws.on('error', () => undefined);
  const established = new Promise<string>((resolve, reject) => {
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as Frame;
      if (f.event === 'pusher:connection_established') resolve(JSON.parse(f.data).socket_id);
    });
    ws.on('close', () => reject(new Error('closed before established')));
  });
  established.catch(() => undefined);
  return {
    ws,
    frames,
    established,
    closeCode: () => closeCode,
    send: (event: string, data: unknown) => ws.send(JSON.stringify({ event, data })),
    async next(pred: (f: Frame) => boolean, what: string): Promise<Frame> {
      await until(() => frames.some(pred), what);
      return frames.find(pred)!;
    },
  };
}

/** Sends raw bytes as an HTTP request on a fresh TCP connection; resolves with what came back. */
function rawRequest(port: number, text: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.setTimeout(2000, () => socket.destroy());
    socket.write(text);
  });
}

const upgrade = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

/** The server still serves a normal client end to end. */
async function stillServes(port: number) {
  const c = client(port);
  const socketId = await c.established;
  const channel = 'private-alive';
  c.send('pusher:subscribe', { channel, auth: signChannel(KEY, SECRET, socketId, channel) });
  await c.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'subscription after abuse');
}

describe('inputs that used to crash the process', () => {
  // Each of these threw out of an event handler before the fix: an uncaught exception ends the process.
  it('answers an upgrade to /app/%ZZ (a bad escape) with an error, not an exception', async () => {
    const { port } = await start();
    const answer = await rawRequest(port, upgrade('/app/%ZZ'));
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
    await stillServes(port);
  });

  it('survives broken frame bytes right after a handshake it refuses (found by the fuzz suite)', async () => {
    const { port } = await start();
    // An unknown key is refused after the upgrade, with no listener left on the socket: the
    // invalid opcode (0xD) that follows was an unhandled 'error' event.
    for (const path of ['/app/not-the-key', `/app/${KEY}?protocol=1`, `/app/${KEY}`]) {
      const answer = await rawRequest(port, Buffer.concat([Buffer.from(upgrade(path)), Buffer.from([0x8d, 0x80, 1, 2, 3, 4])]));
      expect(answer, path).toMatch(/^HTTP\/1\.1 101/);
    }
    await stillServes(port);
  });

  it('answers a raw `GET //` upgrade and other odd targets', async () => {
    const { port } = await start();
    for (const target of ['//', '//app/x', '*', 'http://[', '/app/', `/app/${KEY}?protocol=%`, `/app/${'%E0%A4%A'}`]) {
      const answer = await rawRequest(port, upgrade(target));
      expect(answer, target).toMatch(/^HTTP\/1\.1 (101|400|404)/);
    }
    await stillServes(port);
  });

  it('answers the text frame `null` and other non-object JSON with a protocol error', async () => {
    const { port } = await start();
    const c = client(port);
    await c.established;
    for (const text of [
      'null',
      '1',
      '"x"',
      '[]',
      'true',
      '{"event":"pusher:subscribe","data":null}',
      '{"event":"pusher:unsubscribe","data":5}',
      '{"event":"pusher:subscribe","data":"null"}',
    ]) {
      c.ws.send(text);
    }
    await until(() => c.frames.filter((f) => f.event === 'pusher:error' || f.event === 'pusher:subscription_error').length >= 5, 'errors for bad frames');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    await stillServes(port);
  });

  it('answers binary frames and invalid UTF-8 without throwing', async () => {
    const { port } = await start();
    const c = client(port);
    await c.established;
    c.ws.send(Buffer.from([0, 1, 2, 255]), { binary: true });
    await c.next((f) => f.event === 'pusher:error' && f.data.message.includes('Binary'), 'binary refused');
    const bad = client(port);
    await bad.established;
    bad.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    await until(() => bad.closeCode() !== undefined, 'invalid UTF-8 closes the socket');
    expect(bad.closeCode()).toBe(1007);
    await stillServes(port);
  });
});

describe('limits', () => {
  it('caps the channels one connection holds, so public subscriptions cannot grow memory without bound', async () => {
    const { server, port } = await start({ limits: { maxChannelsPerConnection: 5, subscriptionsPerSecond: 1000, messagesPerSecond: 1000 } });
    const c = client(port);
    await c.established;
    for (let i = 0; i < 50; i++) c.send('pusher:subscribe', { channel: `public-${i}` });
    await until(() => c.frames.filter((f) => f.event.startsWith('pusher')).length >= 50, '50 answers');
    expect(c.frames.filter((f) => f.event === 'pusher_internal:subscription_succeeded')).toHaveLength(5);
    const refused = c.frames.filter((f) => f.event === 'pusher:subscription_error');
    expect(refused).toHaveLength(45);
    expect(refused[0]!.data).toMatchObject({ type: 'LimitReached', status: 4301 });
    expect(server.stats().channels).toBe(5);
  });

  it('limits subscription attempts per second without closing the connection', async () => {
    const { port } = await start({ limits: { subscriptionsPerSecond: 5 } });
    const c = client(port);
    await c.established;
    for (let i = 0; i < 30; i++) c.send('pusher:subscribe', { channel: `ch-${i}` });
    await until(() => c.frames.filter((f) => f.event.startsWith('pusher')).length >= 30, '30 answers');
    const limited = c.frames.filter((f) => f.event === 'pusher:subscription_error' && f.data.error.includes('slow down'));
    expect(limited.length).toBeGreaterThanOrEqual(15);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a connection that floods messages with 4301', async () => {
    const { port } = await start({ limits: { messagesPerSecond: 10 } });
    const c = client(port);
    await c.established;
    for (let i = 0; i < 100; i++) c.send('pusher:ping', {});
    await until(() => c.closeCode() !== undefined, 'flooding socket closed');
    expect(c.closeCode()).toBe(4301);
    expect(c.frames.find((f) => f.event === 'pusher:error')?.data).toMatchObject({ code: 4301 });
    await stillServes(port);
  });

  it('limits connections per address and in total with 4100 (back off, then reconnect)', async () => {
    const perIp = await start({ limits: { maxConnectionsPerIp: 3 } });
    const open = [client(perIp.port), client(perIp.port), client(perIp.port)];
    await Promise.all(open.map((c) => c.established));
    const fourth = client(perIp.port);
    await until(() => fourth.closeCode() !== undefined, 'fourth connection refused');
    expect(fourth.closeCode()).toBe(4100);
    expect(fourth.frames[0]).toMatchObject({ event: 'pusher:error', data: { code: 4100 } });
    // A closed connection frees its place.
    open[0]!.ws.close();
    await until(() => perIp.server.stats().connections === 2, 'closed connection counted out');
    await client(perIp.port).established;

    const total = await start({ limits: { maxConnections: 2 } });
    await Promise.all([client(total.port).established, client(total.port).established]);
    const third = client(total.port);
    await until(() => third.closeCode() !== undefined, 'third connection refused');
    expect(third.closeCode()).toBe(4100);
  });
});

describe('grants', () => {
  it('filters delivery by what each subscription was granted, and ends the subscriptions of a session', async () => {
    const { server, port } = await start();
    const channel = 'private-calls';
    const subscribe = async (grant: Record<string, string>) => {
      const c = client(port);
      const socketId = await c.established;
      const channelData = JSON.stringify(grant);
      c.send('pusher:subscribe', { channel, auth: signChannel(KEY, SECRET, socketId, channel, channelData), channel_data: channelData });
      await c.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'granted subscription');
      return c;
    };
    const alice = await subscribe({ user_id: 'alice', session_id: 's1' });
    const bob = await subscribe({ user_id: 'bob', session_id: 's2' });
    expect(server.broadcastLocal(channel, 'call.started', { n: 1 }, (g) => g?.user_id === 'bob')).toBe(1);
    await bob.next((f) => f.event === 'call.started', 'bob gets his event');
    expect(alice.frames.some((f) => f.event === 'call.started')).toBe(false);

    expect(server.endSubscriptions((g) => g.user_id === 'alice')).toBe(1);
    await until(() => alice.closeCode() !== undefined, 'alice disconnected');
    expect(alice.closeCode()).toBe(4009);
    expect(bob.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('keep-alive', () => {
  // Before: only the client's own pings kept it alive, and pusher-js pings only when it receives
  // nothing, so every socket on a busy channel was cut with 4201 after 4 activity timeouts.
  it('pings a silent client, keeps one that answers however busy its channel, and cuts one that never answers', async () => {
    const { server, port } = await start({ activityTimeout: 1 });
    const answering = client(port);
    const silent = client(port);
    await Promise.all([answering.established, silent.established]);
    answering.ws.on('message', (raw) => {
      if (JSON.parse(raw.toString()).event === 'pusher:ping') answering.send('pusher:pong', {});
    });
    const channel = 'busy';
    for (const c of [answering, silent]) c.send('pusher:subscribe', { channel });
    await until(() => server.stats().channels === 1 && answering.frames.length >= 2 && silent.frames.length >= 2, 'both subscribed');
    const busy = setInterval(() => server.broadcastLocal(channel, 'tick', {}), 100);
    try {
      await until(() => silent.closeCode() !== undefined, 'the silent client cut', 8000);
    } finally {
      clearInterval(busy);
    }
    expect(silent.closeCode()).toBe(4201);
    expect(silent.frames.some((f) => f.event === 'pusher:ping')).toBe(true);
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    expect(answering.frames.filter((f) => f.event === 'tick').length).toBeGreaterThan(20);
  });
});
