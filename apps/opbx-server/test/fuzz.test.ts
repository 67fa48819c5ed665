import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { readConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { createOrganization } from '../src/modules/organization/organization.service.js';
import { randomE164, uniqueEmail } from './support/api.js';
import { freshDatabaseUrl } from './support/context.js';
import { type FuzzFrame, type FuzzHttpRequest, type FuzzUpgrade, httpRequest, sample, upgradeRequest, wsFrame } from './support/fuzz-inputs.js';
import { httpLogin } from './support/live.js';
import { type ServerProcess, spawnServer } from './support/processes.js';
import { simulateInbound } from './support/telephony.js';

/**
 * Fuzzing the real server process (`opbx serve`, as deployed) with thousands of generated hostile
 * inputs: malformed upgrade requests, raw HTTP requests with broken paths, headers and bodies on
 * every kind of route (the voice fast lane and the webhooks included), and WebSocket frames of
 * every wrong shape. Afterwards the process must still be running, answer /health, and route a
 * live call end to end. A crash anywhere is the process exiting, which this sees.
 *
 * Reproduce a run with FUZZ_SEED=<seed> (printed in each test's name); FUZZ_SCALE multiplies the
 * counts for a longer hunt.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const PASSWORD = 'fuzz-pass-12';

let server: ServerProcess;
let db: { url: string; drop(): Promise<void> };
const org = {
  id: '',
  token: '',
  requestsKey: randomBytes(24).toString('base64url'),
  domain: `d${randomBytes(4).toString('hex')}.cloudonix.test`,
  did: { id: '', number: randomE164() },
};

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${org.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => undefined)) as any;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

beforeAll(async () => {
  db = await freshDatabaseUrl();
  const env = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    OPBX_WS_PORT: '0',
    DATABASE_URL: db.url,
    OPBX_APP_KEY: randomBytes(24).toString('hex'),
    OPBX_REDIS_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
    // The fuzz comes from one address: let its frames and connections reach the handlers
    // instead of the limits (which have their own tests).
    OPBX_WS_MESSAGE_RATE: '100000',
    OPBX_WS_SUBSCRIBE_RATE: '100000',
    OPBX_WS_MAX_CONNECTIONS_PER_IP: '100000',
    // As behind a load balancer: each fuzz request comes from its own made-up address, so the
    // bad-key limiter blocks those and not the address the final live call comes from.
    OPBX_TRUST_PROXY: '1',
    LOG_LEVEL: 'warn',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  };
  const ctx = await createContext(readConfig({ ...env, LOG_LEVEL: 'silent' }));
  const ownerEmail = uniqueEmail('fuzz-owner');
  org.id = (await createOrganization(ctx, { name: 'Fuzz Co', timezone: 'UTC', ownerEmail, ownerPassword: PASSWORD })).organization_id;
  await ctx.close();
  server = await spawnServer(env);
  org.token = (await httpLogin(server.base, ownerEmail, PASSWORD)).token;
  const agent = await api('POST', '/users', { name: 'Agent', email: uniqueEmail('fuzz-agent'), password: PASSWORD, role: 'agent', extension_number: '300' });
  org.did.id = (
    await api('POST', '/dids', { phone_number: org.did.number, routing_type: 'extension', routing_config: { extension_id: agent.extension.id } })
  ).id;
  await api('PUT', '/settings/cloudonix', {
    domain_uuid: 'fuzz-domain',
    domain_name: org.domain,
    requests_key: org.requestsKey,
    webhook_base_url: server.base,
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
}, 30_000);

/** Runs `work` over `items` with at most `width` in flight. */
async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Writes raw bytes to a fresh TCP connection and waits (bounded) for the server to answer or close. */
function rawExchange(port: number, payload: Buffer, waitMs = 1500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(waitMs, done);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      // The status line is all we need; an accepted upgrade would otherwise stay open.
      if (answer.includes('\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(payload);
  });
}

const port = (base: string) => Number(new URL(base).port);

function httpBytes(r: FuzzHttpRequest): Buffer {
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(r.body.body) ? r.body.body : Buffer.from(r.body.body);
  const lines = [`${r.method} ${r.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  if (r.auth === 'valid') lines.push(`Authorization: Bearer ${r.path.startsWith('/api/v') ? org.token : org.requestsKey}`);
  if (r.auth === 'garbage') lines.push(`Authorization: Bearer ${randomBytes(8).toString('hex')}`);
  // A made-up client address keeps the bad-key limiter off the address the final live call uses.
  lines.push(`X-Forwarded-For: 10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`);
  if (r.body) lines.push(`Content-Type: ${r.body.type}`);
  for (const [name, value] of r.headers as unknown as Array<[string, string]>) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

function upgradeBytes(u: FuzzUpgrade, wsKey: string): Buffer {
  const lines = [
    `${u.method} ${u.target.replace('{key}', wsKey)} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${u.key}`,
    `Sec-WebSocket-Version: ${u.version}`,
    ...u.extra.map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** A server that is alive, healthy and still routes a real call. */
async function expectAliveAndRouting() {
  expect(server.child.exitCode, server.output()).toBeNull();
  const health = await fetch(`${server.base}/api/v1/health`);
  expect(health.status).toBe(200);
  const t = await simulateInbound(server.base, org, { scenario: { targets: { '300': { outcome: 'answer', after: 1, talk: 2 } } } });
  expect(t.errors).toEqual([]);
  expect(t.dials.length).toBeGreaterThan(0);
  expect(t.outcome.answered).toBe(true);
  expect(server.output()).not.toMatch(/uncaught exception|unhandled promise rejection/i);
}

describe(`fuzzing the running server (seed ${SEED})`, () => {
  it('survives malformed WebSocket upgrade requests', async () => {
    const inputs = sample(upgradeRequest, SEED, 3000 * SCALE);
    const wsPort = server.wsPort;
    await pool(inputs, 32, async (u) => {
      await rawExchange(wsPort, upgradeBytes(u, server.wsKey));
    });
    await expectAliveAndRouting();
  }, 120_000);

  it('survives malformed HTTP requests on every kind of route, the voice webhooks included', async () => {
    const inputs = sample(httpRequest, SEED + 1, 3000 * SCALE);
    const statuses = new Map<string, number>();
    await pool(inputs, 32, async (r) => {
      const answer = await rawExchange(port(server.base), httpBytes(r));
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'none';
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
    // Bad input is the client's fault: 4xx (or a CXML answer), never a server error.
    expect(statuses.get('500') ?? 0, JSON.stringify([...statuses])).toBe(0);
    await expectAliveAndRouting();
  }, 150_000);

  it('survives WebSocket frames of every wrong shape', async () => {
    const frames = sample(wsFrame, SEED + 2, 6000 * SCALE);
    const url = `ws://127.0.0.1:${server.wsPort}/app/${server.wsKey}?protocol=7`;
    const open = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.on('error', () => undefined);
        ws.once('message', () => resolve(ws));
        ws.once('close', () => reject(new Error('closed before established')));
      });
    // Ten connections take the frames in turn; one closed by the server (oversized frame,
    // invalid UTF-8) is replaced.
    const sockets = await Promise.all(Array.from({ length: 10 }, open));
    let sent = 0;
    for (const [i, frame] of frames.entries()) {
      const slot = i % sockets.length;
      if (sockets[slot]!.readyState !== WebSocket.OPEN) sockets[slot] = await open();
      send(sockets[slot]!, frame);
      if (++sent % 200 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const ws of sockets) ws.terminate();
    await expectAliveAndRouting();
  }, 120_000);
});

function send(ws: WebSocket, frame: FuzzFrame) {
  if (frame.kind === 'binary') ws.send(frame.payload, { binary: true });
  else if (frame.kind === 'raw-text') ws.send(frame.payload, { binary: false });
  else ws.send(frame.payload);
}
