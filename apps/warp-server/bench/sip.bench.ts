import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { fmt, percentile } from '../../opbx-server/bench/support.js';
import { buildApp } from '../src/app.js';
import { readConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { createEdgeKey } from '../src/modules/cdrs/edge-keys.js';
import { cleanUpSipFiles, type Edge, runUac, startEdge, startUas } from '../test/sip/sip-harness.js';
import { uacScenario, uasScenario } from '../test/sip/sipp-scenarios.js';
import type { Api } from '../test/support/api.js';
import { uploadDeck } from '../test/support/decks.js';
import { createStaff, createTestCustomer } from '../test/support/fixtures.js';

/**
 * `npm run bench -- warp-sip`: SIP calls per second through Kamailio with WARP deciding every
 * INVITE (and every call's end reported, stored and rated), against the same Kamailio relaying to a
 * fixed route without asking WARP, in the same run. Each mode is stepped up through BENCH_SIP_RATES
 * (calls per second, BENCH_SIP_STEP_SECONDS each); its rate is the highest step with no failed call.
 * Then BENCH_SIP_SOAK_SECONDS (default 60) at the WARP rate, after which every answered call must be
 * rated exactly once and the trunk's channels be back at zero. SIPp plays the customer (UAC) and the
 * provider (UAS) on loopback; everything shares this machine's cores.
 */

const RATES = (process.env.BENCH_SIP_RATES ?? '50,100,150,200,300,400,600,800').split(',').map(Number);
const STEP_S = Number(process.env.BENCH_SIP_STEP_SECONDS ?? 8);
const SOAK_S = Number(process.env.BENCH_SIP_SOAK_SECONDS ?? 60);
const HOLD_MS = 200;
const CUSTOMER = '127.0.0.40';

interface Step {
  rate: number;
  calls: number;
  ok: number;
  failed: number;
  exitCode: number;
}

async function step(edge: Edge, rate: number, seconds: number, dni: string): Promise<Step> {
  const calls = Math.round(rate * seconds);
  const r = await runUac({
    edge,
    from: CUSTOMER,
    dni,
    scenario: uacScenario({ expect: 200 }),
    calls,
    rate,
    holdMs: HOLD_MS,
    limit: calls,
    timeoutS: seconds + 30,
  });
  const ok = Number(r.stats['SuccessfulCall(C)'] ?? 0);
  const failed = Number(r.stats['FailedCall(C)'] ?? calls - ok);
  return { rate, calls, ok, failed, exitCode: r.exitCode };
}

/** Steps up the rates until one fails; the answer is the last clean step. */
async function maxRate(edge: Edge, dni: string, log: (s: Step) => void): Promise<number> {
  let best = 0;
  for (const rate of RATES) {
    const s = await step(edge, rate, STEP_S, dni);
    log(s);
    if (s.exitCode !== 0 || s.failed > 0 || s.ok < s.calls) break;
    best = rate;
    await new Promise((r) => setTimeout(r, 1500)); // let the reports drain before the next step
  }
  return best;
}

export async function benchWarpSip(): Promise<{ lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'warp-sip-bench-'));
  const ctx = await createContext(
    readConfig({
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL ?? `sqlite:${join(dir, 'warp.db')}`,
      LOG_LEVEL: 'silent',
      WARP_WEBHOOK_POLL_MS: '0',
      WARP_SIP_OPTIONS_INTERVAL: '0',
      WARP_LOGIN_LIMIT_IP: '100000',
      WARP_REDIS_PREFIX: `wbench:${Date.now()}:`,
    }),
  );
  const app = await buildApp(ctx, { logger: false });
  // Server time of each decision, from Fastify's own clock (request received → reply sent).
  const decisionMs: number[] = [];
  app.addHook('onResponse', async (req, reply) => {
    if (req.url === '/v1/internal/sip/route') decisionMs.push(reply.elapsedTime);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const apiUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const server = { app, ctx, url: '', close: async () => undefined };
  const lines: string[] = ['## WARP SIP edge: Kamailio asking WARP per call vs Kamailio on a fixed route', ''];
  const gateway = await startUas('127.0.0.41', uasScenario({ answer: 200 }));
  const edges: Edge[] = [];
  try {
    const admin: Api = (await createStaff(server, 'admin')).api;
    const p = await admin.post('/admin/providers', {
      name: 'Bench SIP',
      type: 'prefix',
      gateways: [{ host: gateway.host, port: gateway.port, transport: 'udp', priority: 1, weight: 1 }],
    });
    await uploadDeck(
      app,
      admin,
      `/admin/providers/${p.body.data.id}/rates/import`,
      'prefix,interstate,intrastate,local,indeterminate,effective_date\n1,0.005,0.005,0.005,0.005,2026-01-01\n',
    );
    await uploadDeck(app, admin, '/admin/rates/import', 'prefix,interstate,intrastate,local,indeterminate,effective_date\n1,0.01,0.01,0.01,0.01,2026-01-01\n', {
      rate_plan: 'bench',
    });
    const customer = await createTestCustomer(server, 'SIP Bench');
    await admin.patch(`/admin/customers/${customer.id}`, { rate_plan: 'bench' });
    const part = await admin.post('/admin/partitions', { name: 'bench', providers: [{ provider_id: p.body.data.id }] });
    const trunk = await customer.users.customer_admin.api.post('/trunks', {
      name: 'bench',
      auth_type: 'ip_acl',
      allowed_ips: [`${CUSTOMER}/32`],
      max_cps: 10_000,
      max_channels: 100_000,
    });
    const trunkId = trunk.body.data.id as string;
    await admin.post(`/admin/trunks/${trunkId}/partition`, { partition_id: part.body.data.id });
    const { key } = await createEdgeKey(ctx, 'bench edge');
    const edgeApi = admin.as(key);

    const children = 8;
    const fixed = await startEdge({ apiUrl, edgeKey: key, children, fixedRoute: `${gateway.host}:${gateway.port}` });
    edges.push(fixed);
    const warp = await startEdge({ apiUrl, edgeKey: key, children });
    edges.push(warp);

    const table = ['| mode | cps offered | calls | answered | failed |', '|---|---|---|---|---|'];
    const row = (mode: string) => (s: Step) => {
      table.push(`| ${mode} | ${s.rate} | ${s.calls} | ${s.ok} | ${s.failed} |`);
      console.log(`  ${mode} ${s.rate} cps: ${s.ok}/${s.calls} answered, ${s.failed} failed`);
    };
    const load0 = loadavg()[0]!;
    const fixedRate = await maxRate(fixed, '13105550100', row('fixed route'));
    decisionMs.length = 0;
    const warpRate = await maxRate(warp, '13105550100', row('WARP decides'));
    const steps = [...decisionMs].sort((a, b) => a - b);

    // The soak at the WARP rate: every answered call rated once, channels back at zero.
    const soakRate = Math.max(warpRate, RATES[0]!);
    const before = await cdrCount(ctx, trunkId);
    decisionMs.length = 0;
    const soak = await step(warp, soakRate, SOAK_S, '13105550199');
    let stored = 0;
    for (let i = 0; i < 60; i++) {
      stored = (await cdrCount(ctx, trunkId)) - before;
      if (stored >= soak.ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 1000));
    stored = (await cdrCount(ctx, trunkId)) - before;
    const rated = await ctx.db
      .selectFrom('cdrs')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('call_id').distinct().as('distinct')])
      .where('trunk_id', '=', trunkId)
      .where('dni', '=', '13105550199')
      .where('rating_error', 'is', null)
      .where('disposition', '=', 'answered')
      .executeTakeFirstOrThrow();
    const channels = (await edgeApi.get(`/internal/sip/channels/${trunkId}`)).body.data.active as number;
    const soakMs = [...decisionMs].sort((a, b) => a - b);

    lines.push(
      `Kamailio 5.6 (${children} workers each) on loopback, SIPp 3.6 as the customer and the provider's gateway (answers at once), calls held ${HOLD_MS} ms;`,
      `WARP in this process on ${ctx.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}${ctx.redis ? ' + Redis' : ''}; load average at start ${fmt(load0, 2)}. A mode's rate is the highest step (${STEP_S} s each) with every call answered.`,
      '',
      ...table,
      '',
      `| | fixed route | WARP decides | ratio (goal ≥ 0.5) |`,
      '|---|---|---|---|',
      `| calls per second, 0 failed | ${fixedRate} | ${warpRate} | **${fixedRate ? fmt(warpRate / fixedRate, 2) : 'n/a'}** |`,
      '',
      `Decision endpoint server time (Fastify, receive → reply) over the WARP steps: p50 ${fmt(percentile(steps, 50), 3)} ms, p99 **${fmt(percentile(steps, 99), 3)} ms** (${steps.length} decisions).`,
      '',
      `Soak: ${SOAK_S} s at ${soakRate} cps: ${soak.ok}/${soak.calls} answered, ${soak.failed} failed; CDRs stored ${stored}, answered and rated ${Number(rated.n)} (distinct call ids ${Number(rated.distinct)}); trunk channels afterwards **${channels}**; decision p99 ${fmt(percentile(soakMs, 99), 3)} ms.`,
    );
  } finally {
    for (const e of edges) await e.stop();
    await gateway.stop();
    await app.close();
    await ctx.close();
    cleanUpSipFiles();
    rmSync(dir, { recursive: true, force: true });
  }
  return { lines };
}

async function cdrCount(ctx: Awaited<ReturnType<typeof createContext>>, trunkId: string): Promise<number> {
  const r = await ctx.db
    .selectFrom('cdrs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('trunk_id', '=', trunkId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
