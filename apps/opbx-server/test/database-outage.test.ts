import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TcpProxy } from '../../../packages/platform/test/support/tcp-proxy.js';
import { until } from '../../../packages/platform/test/support/until.js';
import { CallJournal } from '../src/modules/call-records/journal.js';
import { journalStore } from '../src/modules/call-records/journal-stores.js';
import { Api } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createTelephonyOrg, newCallSid, type TelephonyOrg } from './support/telephony.js';

/**
 * PostgreSQL going away for a few seconds (a restart, a failover): calls of an organization whose
 * routing is in memory are still answered, and their records are held and stored once the
 * database is back; the API and the webhooks answer 503 with Retry-After (Cloudonix retries),
 * never a 500, and /health says so.
 */
const PG_BASE = new URL(process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/test');
const schema = `t_${randomBytes(6).toString('hex')}`;
let link: TcpProxy;
let server: TestServer;
let org: TelephonyOrg;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: PG_BASE.toString() });
  await client.connect();
  await client.query(sql);
  await client.end();
}

beforeAll(async () => {
  await admin(`create schema ${schema}`);
  link = await new TcpProxy(PG_BASE.hostname, Number(PG_BASE.port || 5432)).start();
  const url = new URL(PG_BASE.toString());
  url.hostname = '127.0.0.1';
  url.port = String(link.port);
  url.searchParams.set('schema', schema);
  server = await createTestServer({ DATABASE_URL: url.toString() });
  org = await createTelephonyOrg(server.app, server.ctx, { name: 'Database Outage Org' });
});
afterAll(async () => {
  await server?.close();
  await link?.cut();
  await admin(`drop schema if exists ${schema} cascade`);
});

const route = (callSid: string, from: string) =>
  org.cloudonix.post('/api/voice/route', { CallSid: callSid, Session: callSid, From: from, To: org.did.number, Direction: 'inbound', Domain: org.domain });
const connected = (callSid: string) =>
  org.cloudonix.post('/api/webhooks/cloudonix/session-update', {
    id: 1,
    token: callSid,
    status: 'connected',
    eventId: `ev-${callSid}`,
    callStartTime: Date.now() - 5000,
    callAnswerTime: Date.now(),
  });

describe('with the database cut off', () => {
  const during = newCallSid();

  it('answers calls from memory, and 503 with Retry-After everywhere that needs the database', async () => {
    const warm = newCallSid();
    expect((await route(warm, '+12125550170')).status).toBe(200);
    await server.app.voice.journal.flush();

    await link.cut();
    const call = await route(during, '+12125550171');
    expect(call.status).toBe(200);
    expect(String(call.body)).toContain('<Dial');
    expect(String(call.body)).toContain('300');

    const api = await org.owner.get('/extensions');
    expect(api.status).toBe(503);
    expect(api.headers['retry-after']).toBe('5');
    expect(api.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('try again') });

    const webhook = await connected(during);
    expect(webhook.status).toBe(503);
    expect(webhook.body.error.code).toBe('SERVICE_UNAVAILABLE');

    const health = await new Api(server.app).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ database: 'unavailable' });
  });

  it('stores the held call records once the database is back, and takes the retried webhook', async () => {
    await link.start();
    let retried: Awaited<ReturnType<typeof connected>> | undefined;
    await until(async () => (retried = await connected(during)).status === 204, 'the retried session update accepted', 15_000);
    expect(retried!.status).toBe(204);
    expect(server.app.voice.journal.holding).toBe(false);
    const logs = await org.owner.get('/call-logs?search=2125550171');
    expect(logs.status).toBe(200);
    // The route event held through the outage: the call log knows its numbers and its DID.
    expect(logs.body.data).toEqual([
      expect.objectContaining({ call_id: during, status: 'answered', from_number: '+12125550171', to_number: org.did.number, did_id: org.did.id }),
    ]);
  });

  it('a partition (connections taken, never answered) gives 503 within the connect timeout, not a hung request', async () => {
    link.blackhole();
    // Let the pool notice its dropped idle connections: the request must need a new one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const api = await org.owner.get('/extensions'); // without a connect timeout this never answers
    expect(api.status).toBe(503);
    expect(api.body.error.code).toBe('SERVICE_UNAVAILABLE');
    link.answer();
    await until(async () => (await org.owner.get('/extensions')).status === 200, 'the API back after the partition', 15_000);
  }, 30_000);

  it('shutting down during an outage gives up everything held at once, in one log line', async () => {
    const errors: Error[] = [];
    const journal = new CallJournal(
      journalStore(server.ctx),
      async () => undefined,
      (err) => errors.push(err as Error),
    );
    await link.cut();
    // More than two batches' worth: each further attempt could cost a connect timeout.
    for (let i = 0; i < 450; i++) {
      journal.enqueue({
        organizationId: org.organizationId,
        callId: `held-${i}`,
        kind: 'route',
        providerKey: `route:held-${i}`,
        payload: {},
        status: 'ringing',
      });
    }
    await until(() => journal.holding, 'the events held', 15_000);
    await journal.close();
    expect(errors.map((e) => e.message).filter((m) => m.includes('not stored'))).toEqual(['database unavailable at shutdown: 450 call events not stored']);
    await link.start();
  });

  it('an outage that only webhooks saw ends with the first webhook after it', async () => {
    const sid = newCallSid();
    expect((await route(sid, '+12125550172')).status).toBe(200);
    await server.app.voice.journal.flush();
    await link.cut();
    expect((await connected(sid)).status).toBe(503); // nothing held: this webhook found the outage
    await link.start();
    await until(async () => (await connected(sid)).status === 204, 'a webhook accepted after the outage', 15_000);
    expect(server.app.voice.journal.holding).toBe(false);
  });
});
