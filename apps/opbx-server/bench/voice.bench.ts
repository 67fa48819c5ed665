import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import type { AuthInfo } from '../src/http/auth.js';
import { createOrganization } from '../src/modules/organization/organization.service.js';
import { createExtension } from '../src/modules/extensions/extensions.service.js';
import { createRingGroup } from '../src/modules/ring-groups/ring-groups.service.js';
import { createBusinessHours } from '../src/modules/business-hours/business-hours.service.js';
import { createDid } from '../src/modules/dids/dids.service.js';
import { putCloudonixSettings } from '../src/modules/cloudonix/cloudonix.service.js';
import { cpuSecondsOf, fmt, load, paced, startChild, threadCpuOf, type Child, type LoadResult } from './support.js';

export const KEY = 'bench-requests-key-0123456789';
export const DID = '+15557770001';

/** DID → business hours (open around the clock) → simultaneous ring group of three extensions. */
export async function seed(databaseUrl: string, appKey: string, dataDir: string): Promise<string> {
  const ctx = await createContext(readConfig({ DATABASE_URL: databaseUrl, OPBX_APP_KEY: appKey, OPBX_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  const org = await createOrganization(ctx, { name: 'Bench Co', ownerEmail: `bench-${randomBytes(4).toString('hex')}@bench.example`, ownerPassword: 'bench-pass-1' });
  const auth: AuthInfo = { userId: org.user_id, organizationId: org.organization_id, role: 'owner', tokenId: '', tokenHash: '' };
  const exts = [];
  for (const n of ['201', '202', '203']) exts.push(await createExtension(ctx, auth, { extension_number: n, type: 'virtual' }));
  const group = await createRingGroup(ctx, auth, { name: 'Bench group', strategy: 'simultaneous', timeout: 20, members: exts.map((e, i) => ({ extension_id: e.id, priority: i + 1 })) });
  const hours = await createBusinessHours(ctx, auth, {
    name: 'Always',
    timezone: 'America/New_York',
    schedules: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ day_of_week: d, open_time: '00:00', close_time: '24:00' })),
    holidays: [],
    open_hours_routing: { type: 'ring_group', ring_group_id: group.id },
    closed_hours_routing: { type: 'hangup' },
  });
  await createDid(ctx, auth, { phone_number: DID, routing_type: 'business_hours', routing_config: { business_hours_id: hours.id } });
  await putCloudonixSettings(ctx, org.organization_id, { domain_uuid: 'bench', domain_name: 'bench.example', requests_key: KEY, webhook_base_url: 'http://127.0.0.1' });
  await ctx.close();
  return org.organization_id;
}

interface Measured {
  max: LoadResult;
  half: LoadResult & { sendLagP99: number };
  /** Server CPU time per request at max: all threads, and the thread that answers HTTP. */
  cpuPerRequest: number;
  mainCpuPerRequest: number;
  /** Seconds after the maximum run until its work was done (the call journal caught up). */
  settleSeconds: number;
}

export interface VoiceBench {
  baseline: Measured;
  voice: Measured;
  ratio: number;
  journaled: number;
  lines: string[];
}

export async function benchVoice(seconds = 10): Promise<VoiceBench> {
  const dir = mkdtempSync(join(tmpdir(), 'opbx-bench-'));
  const databaseUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : `sqlite:${join(dir, 'bench.db')}`;
  const appKey = randomBytes(24).toString('hex');
  const organizationId = await seed(databaseUrl, appKey, dir);
  const reader = await createContext(readConfig({ DATABASE_URL: databaseUrl, OPBX_APP_KEY: appKey, OPBX_DATA_DIR: dir, LOG_LEVEL: 'silent' }), { migrate: false });
  const journaledCalls = async () =>
    Number((await reader.db.selectFrom('call_logs').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', organizationId).executeTakeFirstOrThrow()).n);
  let n = 0;
  const body = () => JSON.stringify({ CallSid: `bench-${process.pid}-${++n}`, From: '+12125550100', To: DID.slice(1), Direction: 'inbound', Domain: 'bench.example' });
  const connections = 32;

  /**
   * Closed-loop maximum, then an open-loop run at half of it; server CPU time per request at max.
   * `settle` waits until the server has finished the work the maximum left behind (the call
   * journal) and returns how long that took, so the half-max run measures half load only.
   */
  const measure = async (child: Child, url: string, headers?: Record<string, string>, settle?: (answered: number) => Promise<number>): Promise<Measured> => {
    const cpu0 = cpuSecondsOf(child.proc.pid!);
    const main0 = threadCpuOf(child.proc.pid!).get('main') ?? 0;
    const max = await load({ url, body, connections, seconds, headers });
    const perRequest = (seconds: number) => (seconds * 1e6) / Math.max(1, max.requests);
    const settleSeconds = settle ? await settle(max.requests) : 0;
    const mainCpuPerRequest = perRequest((threadCpuOf(child.proc.pid!).get('main') ?? 0) - main0);
    const cpuPerRequest = perRequest(cpuSecondsOf(child.proc.pid!) - cpu0);
    const half = await paced({ url, body, connections, seconds, rate: Math.round(max.rps / 2), headers });
    return { max, half, cpuPerRequest, mainCpuPerRequest, settleSeconds };
  };

  const hello = await startChild(['apps/opbx-server/bench/hello-server.ts'], { PORT: '0' }, /LISTENING (\S+)/);
  await load({ url: `${hello.url}/hello`, body, connections, seconds: 2 });
  const baseline = await measure(hello, `${hello.url}/hello`);
  await hello.stop();

  const server = await startChild(
    ['apps/opbx-server/src/cli.ts', 'serve'],
    { PORT: '0', OPBX_WS_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, OPBX_APP_KEY: appKey, OPBX_DATA_DIR: dir, LOG_LEVEL: 'warn', OPBX_VOICE_RATE_LIMIT: '1000000', NODE_ENV: 'production' },
    /listening on (http:\/\/\S+)\/api\/v1/,
  );
  const url = `${server.url}/api/voice/route`;
  const headers = { authorization: `Bearer ${KEY}` };
  // Warm the routing snapshot and the JIT before measuring.
  const warm = await load({ url, body, connections, seconds: 2, headers });
  const caughtUp = async (target: number) => {
    const t0 = Date.now();
    while ((await journaledCalls()) < target && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 100));
    return (Date.now() - t0) / 1000;
  };
  await caughtUp(warm.requests);
  const voice = await measure(server, url, headers, (answered) => caughtUp(warm.requests + answered));
  await new Promise((r) => setTimeout(r, 2000));
  await server.stop();

  const journaled = await journaledCalls();
  await reader.close();
  if (!databaseUrl.startsWith('postgres')) rmSync(dir, { recursive: true, force: true });

  const ratio = voice.max.rps / baseline.max.rps;
  const row = (name: string, m: Measured) =>
    `| ${name} | ${m.max.rps} | ${fmt(m.max.p50)} / ${fmt(m.max.p99)} | ${fmt(m.cpuPerRequest, 0)} (${fmt(m.mainCpuPerRequest, 0)}) | ${m.half.rps} | ${fmt(m.half.p50)} / ${fmt(m.half.p99)} | ${fmt(m.half.sendLagP99)} | ${m.max.non2xx + m.half.non2xx + m.max.errors + m.half.errors} |`;
  const lines = [
    `## Voice webhook: POST /api/voice/route (DID → business hours → ring group)`,
    '',
    `${connections} connections, ${seconds} s per run, load generated in the bench process (autocannon closed loop for the maximum, ` +
      `an evenly paced open loop at half of it for latency), server in its own process, ${databaseUrl.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}.`,
    '',
    '| target | max req/s | p50 / p99 ms at max | server CPU µs per request at max: all threads (HTTP thread) | req/s at half max | p50 / p99 ms at half max | generator send lag p99 ms | errors + non-2xx |',
    '|---|---|---|---|---|---|---|---|',
    row('bare Fastify hello world', baseline),
    row('OPBX voice route', voice),
    '',
    `Throughput ratio OPBX / bare Fastify: **${fmt(ratio, 2)}** (goal ≥ 0.5). p99 at half max: **${fmt(voice.half.p99)} ms** (goal < 10 ms).`,
    'A large generator send lag means the load generator, not the server, fell behind (it shares the two cores).',
    `The call journal finished the maximum run's writes ${fmt(voice.settleSeconds)} s after its last answer; the server CPU figures include that work.`,
    `Call logs written behind the answers: ${journaled} (requests answered: ${voice.max.requests + voice.half.requests} plus warm-up).`,
  ];
  return { baseline, voice, ratio, journaled, lines };
}
