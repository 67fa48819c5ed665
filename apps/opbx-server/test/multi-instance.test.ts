import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readConfig } from '../src/config.js';
import { type AppContext, createContext } from '../src/context.js';
import { createOrganization } from '../src/modules/organization/organization.service.js';
import { randomE164, uniqueEmail } from './support/api.js';
import { freshDatabaseUrl } from './support/context.js';
import { createEcho, type EchoClient, EventRecorder, httpLogin, sleep, subscription } from './support/live.js';
import { type ServerProcess, spawnServer } from './support/processes.js';
import { simulateInbound } from './support/telephony.js';

/**
 * Two `opbx serve` processes on one PostgreSQL database and one Redis, as a scaled deployment
 * runs them: events and configuration changes must cross from one instance to the other.
 */
const PG_BASE = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PASSWORD = 'multi-pass-1';

let db: { url: string; drop(): Promise<void> };
let ctx: AppContext | undefined;
let a: ServerProcess | undefined;
let b: ServerProcess | undefined;
const echoes: EchoClient[] = [];

/** The organization under test, set up through instance A's API. */
const org = {
  id: '',
  ownerToken: '',
  agentExtensionId: '',
  requestsKey: `rk-${randomBytes(16).toString('hex')}`,
  domain: `d${randomBytes(4).toString('hex')}.cloudonix.test`,
  did: { id: '', number: randomE164() },
};

async function http(base: string, method: string, path: string, body?: unknown, token = org.ownerToken) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // CXML stays text
  }
  return { status: res.status, body: parsed };
}

async function must(res: Promise<{ status: number; body: any }>, status: number) {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A voice request for the DID, as Cloudonix sends it, to one instance; returns the CXML text. */
async function route(base: string, key = org.requestsKey) {
  const sid = randomBytes(16).toString('hex');
  return http(
    base,
    'POST',
    '/api/voice/route',
    { CallSid: sid, From: randomE164(), To: org.did.number, Direction: 'inbound', Domain: org.domain, AccountSid: org.domain },
    key,
  );
}

/** Polls `check` for up to `ms`; returns the last value. Cross-instance effects travel through Redis. */
async function eventually<T>(check: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (ok(v) || Date.now() > deadline) return v;
    await sleep(50);
  }
}

beforeAll(async () => {
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = PG_BASE;
  try {
    db = await freshDatabaseUrl();
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
  const env = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    OPBX_WS_PORT: '0',
    DATABASE_URL: db.url,
    REDIS_URL,
    OPBX_REDIS_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
    OPBX_APP_KEY: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
  };
  // Both start at once: migrations on the shared schema must not race.
  [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);

  // The organization and its owner, written straight to the shared database...
  ctx = await createContext(readConfig({ ...env, LOG_LEVEL: 'silent' }), { migrate: false });
  const ownerEmail = uniqueEmail('multi-owner');
  const created = await createOrganization(ctx, { name: 'Multi Instance Co', timezone: 'UTC', ownerEmail, ownerPassword: PASSWORD });
  org.id = created.organization_id;
  // ...and everything else through instance A's API.
  org.ownerToken = (await httpLogin(a.base, ownerEmail, PASSWORD)).token;
  const agent = await must(
    http(a.base, 'POST', '/api/v1/users', { name: 'Agent', email: uniqueEmail('multi-agent'), password: PASSWORD, role: 'agent', extension_number: '300' }),
    201,
  );
  org.agentExtensionId = agent.extension.id;
  org.did.id = (
    await must(
      http(a.base, 'POST', '/api/v1/dids', { phone_number: org.did.number, routing_type: 'extension', routing_config: { extension_id: org.agentExtensionId } }),
      201,
    )
  ).id;
  await must(
    http(a.base, 'PUT', '/api/v1/settings/cloudonix', {
      domain_uuid: 'multi-domain',
      domain_name: org.domain,
      requests_key: org.requestsKey,
      webhook_base_url: a.base,
    }),
    200,
  );
}, 90_000);

afterAll(async () => {
  for (const e of echoes.splice(0)) e.disconnect();
  await Promise.allSettled([a?.stop(), b?.stop()]);
  await ctx?.close();
  await db?.drop();
}, 30_000);

const listenOn = async (server: ServerProcess) => {
  const echo = createEcho(server, org.ownerToken);
  echoes.push(echo);
  const log = new EventRecorder();
  const calls = echo
    .private(`organization.${org.id}.calls`)
    .listen('.call.started', log.on('call.started'))
    .listen('.call.updated', log.on('call.updated'))
    .listen('.call.ended', log.on('call.ended'));
  const extensions = echo.private(`organization.${org.id}.extensions`).listen('.extension.status', log.on('extension.status'));
  await Promise.all([subscription(calls), subscription(extensions)]);
  return log;
};

describe('two instances on one PostgreSQL and one Redis', () => {
  it('delivers events of a call handled by instance A to a laravel-echo client on instance B', async () => {
    const onB = await listenOn(b!);
    const onA = await listenOn(a!);
    const t = await simulateInbound(
      a!.base,
      { requestsKey: org.requestsKey, domain: org.domain, did: org.did },
      { scenario: { targets: { '300': { outcome: 'answer', after: 3, talk: 12 } } } },
    );
    expect(t.errors, a!.output()).toEqual([]);
    expect(t.outcome.status).toBe('completed');

    const started = await onB.waitFor((e) => e.name === 'call.started', 'call.started on B');
    const ended = await onB.waitFor((e) => e.name === 'call.ended', 'call.ended on B');
    expect(started.data.call.call_id).toBe(t.callSid);
    expect(ended.data.call_id).toBe(t.callSid);
    expect(ended.data.call).toMatchObject({
      organization_id: org.id,
      call_id: t.callSid,
      status: 'completed',
      did_id: org.did.id,
      extension_id: org.agentExtensionId,
    });
    await onB.waitFor((e) => e.name === 'extension.status' && e.data.status === 'idle', 'extension idle on B');
    await onA.waitFor((e) => e.name === 'call.ended', 'call.ended on A');
    await sleep(300);
    // Each instance delivers each event once, whichever instance ingested it.
    expect(onB.named('call.started')).toHaveLength(1);
    expect(onA.named('call.started')).toHaveLength(1);
    expect(onB.events.map((e) => e.name)).toEqual(onA.events.map((e) => e.name));

    // Both instances read the same call log.
    const fromB = await must(http(b!.base, 'GET', `/api/v1/call-logs/${ended.data.call.id}`), 200);
    expect(fromB).toMatchObject({ call_id: t.callSid, status: 'completed', duration: 12 });
  });

  it('invalidates routing caches across instances: a DID change made on A routes the next call on B', async () => {
    // Warm B's routing snapshot with the current configuration.
    const before = await route(b!.base);
    expect(before.status).toBe(200);
    expect(before.body).toContain('<Number>300</Number>');

    const ext = await must(http(a!.base, 'POST', '/api/v1/extensions', { extension_number: '301', type: 'virtual' }), 201);
    await must(http(a!.base, 'PATCH', `/api/v1/dids/${org.did.id}`, { routing_config: { extension_id: ext.id } }), 200);

    // Without the bus, B would see the change only at its next version check (every 10 s); seeing it within 3 s proves the invalidation crossed over.
    const after = await eventually(
      () => route(b!.base),
      (r) => String(r.body).includes('<Number>301</Number>'),
    );
    expect(after.body, b!.output()).toContain('<Number>301</Number>');
    expect(after.body).not.toContain('<Number>300</Number>');
  });

  it('revokes a rotated Cloudonix requests key on every instance', async () => {
    expect((await route(b!.base)).status).toBe(200);
    const newKey = `rk-${randomBytes(16).toString('hex')}`;
    await must(
      http(a!.base, 'PUT', '/api/v1/settings/cloudonix', {
        domain_uuid: 'multi-domain',
        domain_name: org.domain,
        requests_key: newKey,
        webhook_base_url: a!.base,
      }),
      200,
    );
    const old = await eventually(
      () => route(b!.base),
      (r) => r.status === 401,
    );
    expect(old.status).toBe(401);
    expect((await route(b!.base, newKey)).status).toBe(200);
    org.requestsKey = newKey;
  });
});
