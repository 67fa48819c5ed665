import { randomBytes } from 'node:crypto';

import { type CallTranscript, inboundCall, runLoad, type Scenario, simulateCall, type WebhookDelivery } from '@opbx/callsim';
import BetterSqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { until } from '../../../packages/platform/test/support/until.js';
import { buildApp } from '../src/app.js';
import { type AppContext, createContext } from '../src/context.js';
import { freshDatabaseUrl, testConfig } from './support/context.js';
import { type ServerProcess, spawnServer } from './support/processes.js';
import { createTelephonyOrg, type TelephonyOrg } from './support/telephony.js';

/**
 * `kill -9` of `opbx serve` in the middle of a load of calls (callsim playing Cloudonix): every
 * session update and CDR the server answered 2xx is in the database after a restart, and calls
 * whose route-time records were still in the call journal's queue are completed by the webhooks
 * that follow (Cloudonix retries what got no answer). SQLite file, or PostgreSQL (+ Redis) with
 * DATABASE_URL / REDIS_URL. No timing assertions: waits are bounded, never measured.
 */
const APP_KEY = randomBytes(24).toString('hex');
const REDIS_PREFIX = `test:${randomBytes(4).toString('hex')}:`;
const SCENARIO: Scenario = { targets: { '300': { outcome: 'answer', after: 2, talk: 9 } } };
const PATHS = { 'session-update': '/api/webhooks/cloudonix/session-update', cdr: '/api/webhooks/cloudonix/cdr' } as const;
/** The CDR disposition → the call log's final status (the CDR is authoritative). */
const FINAL: Record<string, string> = {
  ANSWERED: 'completed',
  BUSY: 'busy',
  NOANSWER: 'no_answer',
  CANCEL: 'no_answer',
  FAILED: 'failed',
  CONGESTION: 'failed',
};

let db: { url: string; drop(): Promise<void> };
let ctx: AppContext;
let org: TelephonyOrg;
let server: ServerProcess | undefined;
const stopped: ServerProcess[] = [];

const acknowledged = (w: WebhookDelivery) => w.status !== undefined && w.status >= 200 && w.status < 300;
const providerKey = (t: CallTranscript, w: WebhookDelivery) => (w.kind === 'cdr' ? `cdr:${t.callSid}` : `su:${t.callSid}:${w.eventId}`);
const cdrOf = (t: CallTranscript) => t.webhooks.find((w) => w.kind === 'cdr');

function start(): Promise<ServerProcess> {
  return spawnServer({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    OPBX_WS_PORT: '0',
    DATABASE_URL: db.url,
    OPBX_APP_KEY: APP_KEY,
    OPBX_REDIS_PREFIX: REDIS_PREFIX,
    LOG_LEVEL: 'warn',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
}

/** SIGKILL to the server's whole process group (npx → tsx → node): no shutdown hook runs. */
async function kill9(s: ServerProcess): Promise<void> {
  const exited = new Promise((resolve) => (s.child.exitCode !== null || s.child.signalCode !== null ? resolve(null) : s.child.once('exit', resolve)));
  process.kill(-s.child.pid!, 'SIGKILL');
  await exited;
  stopped.push(s);
}

async function storedKeys(): Promise<Set<string>> {
  const rows = await ctx.db.selectFrom('call_events').select('provider_key').where('organization_id', '=', org.organizationId).execute();
  return new Set(rows.map((r) => r.provider_key));
}

async function callLogs() {
  const rows = await ctx.db.selectFrom('call_logs').selectAll().where('organization_id', '=', org.organizationId).execute();
  return new Map(rows.map((r) => [r.call_id, r]));
}

/**
 * Cloudonix's part after the outage: each webhook that got no 2xx is sent again, in the call's
 * order, until the server acknowledges it (503/429 mean "retry"; anything else fails the test).
 */
async function redeliver(base: string, transcripts: CallTranscript[]): Promise<number> {
  let sent = 0;
  const queue = [...transcripts];
  const worker = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      for (const w of [...t.webhooks].sort((a, b) => a.seq - b.seq)) {
        if (acknowledged(w)) continue;
        for (let attempt = 1; ; attempt++) {
          const res = await fetch(`${base}${PATHS[w.kind]}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${org.requestsKey}`, 'content-type': 'application/json' },
            body: JSON.stringify(w.payload),
          });
          const body = await res.text();
          if (res.ok) break;
          if (![429, 503].includes(res.status) || attempt >= 40) throw new Error(`redelivery of ${w.kind} for ${t.callSid}: ${res.status} ${body}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        sent++;
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return sent;
}

/** Every call has its log, ended, with the status its CDR says. */
async function expectComplete(transcripts: CallTranscript[]) {
  const logs = await callLogs();
  const wrong = transcripts.flatMap((t) => {
    const log = logs.get(t.callSid);
    const expected = FINAL[String(cdrOf(t)?.payload.disposition)];
    return log && log.end_time && log.status === expected
      ? []
      : [{ call: t.callSid, expected, log: log ? { status: log.status, end_time: log.end_time } : 'missing' }];
  });
  expect(wrong, server?.output()).toEqual([]);
}

beforeAll(async () => {
  db = await freshDatabaseUrl();
  // Migrated and set up in this process (the spawned server shares the database and the app key).
  ctx = await createContext(testConfig(db.url, { OPBX_APP_KEY: APP_KEY, OPBX_REDIS_PREFIX: REDIS_PREFIX }));
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  org = await createTelephonyOrg(app, ctx, { name: 'Crash Safety Org', baseUrl: 'http://127.0.0.1' });
  await app.close();
  server = await start();
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await ctx?.close();
  await db?.drop();
}, 30_000);

describe('kill -9 in the middle of a load of calls', () => {
  const transcripts: CallTranscript[] = [];

  it('loses no acknowledged session update or CDR', async () => {
    const controller = new AbortController();
    let finished = 0;
    let failedAfterKill = 0;
    let killed: Promise<void> | undefined;
    const victim = server!;
    const load = runLoad({
      baseUrl: victim.base,
      requestsKey: org.requestsKey,
      domain: org.domain,
      rate: 40,
      concurrency: 30,
      durationSeconds: 60,
      drainSeconds: 15,
      signal: controller.signal,
      // A twentieth of real time: each call rings and talks for about half a second, so a few dozen are in flight.
      makeCall: () => ({ ...inboundCall(org.did.number), scenario: SCENARIO, timeScale: 0.05, rewriteOrigin: true, requestTimeoutMs: 15_000 }),
      onCall: (t) => {
        transcripts.push(t);
        if (killed && t.errors.length) failedAfterKill++;
        // Mid-load: calls are still starting and a couple of dozen are in flight.
        if (++finished === 40) killed = kill9(victim);
      },
    });
    // Calls that meet the dead server fail at once; a few of them and the load is stopped.
    await until(() => failedAfterKill >= 5, 'calls failing after the kill', 45_000);
    controller.abort();
    const report = await load;
    await killed;
    server = undefined;

    const acked = transcripts.flatMap((t) => t.webhooks.filter(acknowledged).map((w) => providerKey(t, w)));
    const refused = transcripts.flatMap((t) => t.webhooks.filter((w) => !acknowledged(w)));
    // The kill did land mid-load: webhooks were acknowledged before it, and others never were.
    expect(acked.length).toBeGreaterThan(40);
    expect(refused.length).toBeGreaterThan(0);
    expect(report.failedCalls).toBeGreaterThan(0);

    server = await start();
    // Nothing has been sent to the new process yet: what is stored is what the killed one committed.
    const stored = await storedKeys();
    const lost = [...new Set(acked)].filter((key) => !stored.has(key));
    expect(lost, `${lost.length} of ${new Set(acked).size} acknowledged webhooks lost`).toEqual([]);
    // An acknowledged CDR also finished its call log.
    await expectComplete(transcripts.filter((t) => cdrOf(t) && acknowledged(cdrOf(t)!)));
  }, 120_000);

  it('completes every call of the load from the webhooks Cloudonix sends again', async () => {
    expect(transcripts.length).toBeGreaterThan(40);
    await redeliver(server!.base, transcripts);
    await expectComplete(transcripts);
  }, 90_000);

  it('completes calls whose route-time records were still queued when the server died', async () => {
    // Warm the new process (requests key, routing snapshot): routing then needs no database.
    const warm = await simulateCall({
      baseUrl: server!.base,
      requestsKey: org.requestsKey,
      domain: org.domain,
      ...inboundCall(org.did.number),
      scenario: SCENARIO,
      rewriteOrigin: true,
    });
    expect(warm.errors).toEqual([]);

    // Hold the database's write lock so the journal cannot commit anything; the voice paths still
    // answer from memory. Webhooks go nowhere for now (a closed port), as when Cloudonix cannot deliver.
    const release = await holdWriteLock();
    let calls: CallTranscript[];
    try {
      calls = await Promise.all(
        Array.from({ length: 5 }, () =>
          simulateCall({
            baseUrl: server!.base,
            requestsKey: org.requestsKey,
            domain: org.domain,
            ...inboundCall(org.did.number),
            scenario: SCENARIO,
            rewriteOrigin: true,
            sessionUpdateUrl: `http://127.0.0.1:1${PATHS['session-update']}`,
            cdrUrl: `http://127.0.0.1:1${PATHS.cdr}`,
          }),
        ),
      );
      for (const t of calls) {
        // Routed and the dial outcome answered, all from memory; only the webhooks failed.
        expect(
          t.exchanges.every((e) => e.ok),
          JSON.stringify(t.exchanges.filter((e) => !e.ok)),
        ).toBe(true);
        expect(t.outcome.answered).toBe(true);
      }
      await kill9(server!);
      server = undefined;
    } finally {
      await release();
    }

    server = await start();
    const before = await callLogs();
    // The route and dial records died with the process.
    expect(calls.filter((t) => before.has(t.callSid))).toEqual([]);
    await redeliver(server.base, calls);
    await expectComplete(calls);
    const after = await callLogs();
    for (const t of calls) {
      expect(after.get(t.callSid)).toMatchObject({ direction: 'inbound', from_number: t.from, to_number: t.to, duration: cdrOf(t)!.payload.billsec });
    }
  }, 120_000);
});

/** Takes the database's write lock from outside the server (SQLite: BEGIN IMMEDIATE; PostgreSQL: a SHARE lock on call_events). */
async function holdWriteLock(): Promise<() => Promise<void>> {
  if (db.url.startsWith('sqlite:')) {
    const conn = new BetterSqlite(db.url.slice('sqlite:'.length));
    conn.exec('BEGIN IMMEDIATE');
    return async () => {
      conn.exec('ROLLBACK');
      conn.close();
    };
  }
  const url = new URL(db.url);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table "${schema}".call_events in share mode`);
  return async () => {
    await client.query('rollback');
    await client.end();
  };
}
