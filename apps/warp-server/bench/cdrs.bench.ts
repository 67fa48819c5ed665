import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { seededRandom as seeded } from '@opbx/platform';
import { sql } from 'kysely';
import pg_ from 'pg';

import { fmt, percentile, rssOf, startChild } from '../../opbx-server/bench/support.js';
import { readConfig } from '../src/config.js';
import { type AppContext, createContext } from '../src/context.js';
import { SYSTEM_ACTOR } from '../src/http/auth.js';
import { createEdgeKey } from '../src/modules/cdrs/edge-keys.js';
import { ensureCdrPartitions } from '../src/modules/cdrs/partitions.js';
import { generateCall } from '../src/modules/cdrs/traffic.js';
import { createCustomer } from '../src/modules/customers/customers.service.js';
import { chargeOf } from '../src/modules/rating/charge.js';
import { type CallFacts, rateCall } from '../src/modules/rating/rate-call.js';
import { Deck, type ProviderSnap, type RoutingSnapshot, toMicros } from '../src/modules/routing/engine/index.js';
import { createPartition } from '../src/modules/routing/partitions.service.js';
import { createProvider } from '../src/modules/routing/providers.service.js';
import { importDeck } from '../src/modules/routing/rates.import.js';
import { providerOwner } from '../src/modules/routing/rates.service.js';
import { defaultNpaNxxTable } from '../src/modules/routing/reference/npanxx.js';
import { routingOf } from '../src/modules/routing/routing.state.js';
import { addMembership, insertUser } from '../src/modules/users/users.service.js';

/**
 * `npm run bench -- warp-cdrs`: (1) rating in process, the arithmetic alone and whole calls
 * (engine decision, deck rows, both sides); (2) HTTP ingestion in batches of 1,000 against the
 * real server; (3) with DATABASE_URL=postgres://… the customer API over BENCH_CDRS (default
 * 1,000,000) CDRs of one customer: GET /cdrs first and deep pages and a 7-day filter, the month's
 * usage summary, and a CSV export of every row with the server's memory growth.
 */

const NPAS = ['212', '310', '312', '415', '713', '305', '404', '617', '206', '303', '512', '718', '201', '602', '215'];
const timed = <T>(f: () => T): [T, number] => {
  const t = process.hrtime.bigint();
  const out = f();
  return [out, Number(process.hrtime.bigint() - t) / 1e9];
};

export function benchRating(): string[] {
  // Pure arithmetic: 5 million legs.
  const tariffs = [6, 60, 1].map((inc) => ({
    rate: toMicros('0.0123'),
    connectionFee: toMicros('0.001'),
    initialIncrement: inc,
    subsequentIncrement: inc,
    minimumDuration: 0,
  }));
  let sink = 0;
  const [, pure] = timed(() => {
    for (let i = 0; i < 5_000_000; i++) sink += chargeOf(i % 3600, tariffs[i % 3]!).amount;
  });
  // Whole calls: 10 providers with a row per NPA, a sell plan, the real NPA-NXX reference table.
  const r = seeded(11);
  const providers = new Map<string, ProviderSnap>();
  for (let p = 0; p < 10; p++) {
    const deck = new Deck();
    for (let npa = 201; npa <= 999; npa++) {
      const rate = toMicros((0.002 + r() * 0.008).toFixed(6));
      deck.add({
        id: `p${p}-${npa}`,
        key: `1${npa}`,
        interstate: rate,
        intrastate: rate + 1000,
        local: rate,
        indeterminate: rate + 2000,
        rate: null,
        connectionFee: 0,
        initialIncrement: 6,
        subsequentIncrement: 6,
        minimumDuration: 0,
        from: 0,
        to: Infinity,
      });
    }
    providers.set(`p${p}`, {
      id: `p${p}`,
      name: `P${p}`,
      type: 'prefix',
      status: 'active',
      gateways: [{ host: 'gw', port: 5060, transport: 'udp', priority: 1, weight: 1 }],
      dialStringTemplate: null,
      techPrefix: null,
      jurisdictionPolicy: 'interstate',
      poiState: null,
      aniClasses: new Set(['any']),
      maxChannels: null,
      maxCps: null,
      deck: deck.seal(),
    });
  }
  const sell = new Deck();
  sell.add({
    id: 's',
    key: '1',
    interstate: toMicros('0.02'),
    intrastate: toMicros('0.021'),
    local: toMicros('0.015'),
    indeterminate: toMicros('0.025'),
    rate: null,
    connectionFee: 0,
    initialIncrement: 6,
    subsequentIncrement: 6,
    minimumDuration: 0,
    from: 0,
    to: Infinity,
  });
  const snapshot: RoutingSnapshot = {
    version: 1,
    builtAt: new Date().toISOString(),
    providers,
    partitions: new Map([['part', { id: 'part', name: 'P', members: [...providers.keys()].map((providerId) => ({ providerId, priority: 1, weight: 1 })) }]]),
    customers: new Map([['c', { id: 'c', name: 'C', status: 'active', ratePlan: 'retail', allowLoss: true }]]),
    trunks: new Map([
      [
        't',
        {
          id: 't',
          customerId: 'c',
          name: 'edge',
          status: 'active',
          direction: 'both',
          techPrefix: null,
          allowedDestinations: new Set(['domestic']),
          blockedPrefixes: [],
          partitionId: 'part',
          ratePlan: null,
        },
      ],
    ]),
    sellPlans: new Map([['retail', sell.seal()]]),
    overrides: [],
    exclusions: [],
    reference: defaultNpaNxxTable(),
    options: { lrnFailurePolicy: 'dialled', maxRoutes: 5 },
  };
  const n = 500_000;
  const calls: CallFacts[] = [];
  const num = () => {
    const nxx = 200 + Math.floor(r() * 799);
    // N11 is never an exchange code (such a number is not dialable and would be a rating error)
    return `+1${NPAS[Math.floor(r() * NPAS.length)]}${nxx % 100 === 11 ? nxx + 1 : nxx}${String(Math.floor(r() * 10_000)).padStart(4, '0')}`;
  };
  for (let i = 0; i < n; i++)
    calls.push({
      trunkId: 't',
      customerId: 'c',
      ani: num(),
      dni: num(),
      startedAt: Date.now(),
      providerId: `p${i % 10}`,
      answered: i % 10 < 6,
      rawSeconds: 1 + (i % 600),
    });
  // Warm up (JIT), then three timed passes; the best is the machine's figure, the worst its noise.
  let errors = 0;
  for (let i = 0; i < 20_000; i++) rateCall(snapshot, calls[i]!);
  const passes: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    errors = 0;
    passes.push(
      timed(() => {
        for (const c of calls) if (rateCall(snapshot, c).error) errors++;
      })[1],
    );
  }
  // The same calls naming a recorded route decision (the SIP edge's case): no jurisdiction to work out.
  const decided = calls.map((c) => ({ ...c, decision: { id: 'd', jurisdiction: 'interstate' as const, lrn: null } }));
  const decidedPasses: number[] = [];
  for (let pass = 0; pass < 3; pass++)
    decidedPasses.push(
      timed(() => {
        for (const c of decided) if (rateCall(snapshot, c).error) errors++;
      })[1],
    );
  const whole = Math.min(...passes);
  const perSecond = (secs: number[]) =>
    `${Math.round(n / Math.min(...secs)).toLocaleString('en-US')} (worst pass ${Math.round(n / Math.max(...secs)).toLocaleString('en-US')})`;
  return [
    '### Rating in process',
    '',
    '| What | count | seconds | per second |',
    '|---|---|---|---|',
    `| the arithmetic alone (billable seconds and amount of one leg) | 5,000,000 | ${fmt(pure, 2)} | ${Math.round(5e6 / pure).toLocaleString('en-US')} |`,
    `| whole calls, jurisdiction worked out (the engine's pricing entry point at the call's start: sell override or plan row, the answering provider's row and column, both legs; 10 providers, the real NPA-NXX table) | ${n.toLocaleString('en-US')} × 3 | ${fmt(whole, 2)} | ${perSecond(passes)} |`,
    `| whole calls naming a recorded route decision (its jurisdiction) | ${n.toLocaleString('en-US')} × 3 | ${fmt(Math.min(...decidedPasses), 2)} | ${perSecond(decidedPasses)} |`,
    '',
    `(${errors} of the whole calls had a rating error; checksum ${sink % 97}.)`,
    '',
  ];
}

interface World {
  customerId: string;
  trunkId: string;
  providerId: string;
  email: string;
  adminEmail: string;
}

export async function seedWorld(ctx: AppContext, dir: string): Promise<World> {
  const p = await createProvider(ctx, SYSTEM_ACTOR, {
    name: `Bench CDR ${randomBytes(3).toString('hex')}`,
    type: 'prefix',
    status: 'active',
    gateways: [{ host: 'gw.example', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
    jurisdiction_policy: 'interstate',
    ani_classes: ['any'],
    initial_increment: 6,
    subsequent_increment: 6,
    connection_fee: '0',
  });
  const deck = join(dir, 'p.csv');
  writeFileSync(deck, ['prefix,interstate,intrastate,indeterminate,effective_date', ...NPAS.map((npa) => `1${npa},0.006,0.008,0.01,2026-01-01`)].join('\n'));
  await importDeck(ctx, await providerOwner(ctx, p.id), createReadStream(deck), false);
  const sell = join(dir, 'sell.csv');
  writeFileSync(sell, 'prefix,interstate,intrastate,indeterminate,effective_date\n1,0.012,0.015,0.02,2026-01-01\n');
  await importDeck(
    ctx,
    { owner: 's:benchcdr', provider_id: null, rate_plan: 'benchcdr', defaults: { initial_increment: 6, subsequent_increment: 6, connection_fee: '0' } },
    createReadStream(sell),
    false,
  );
  const part = await createPartition(ctx, SYSTEM_ACTOR, {
    name: `Bench CDR ${randomBytes(3).toString('hex')}`,
    providers: [{ provider_id: p.id, priority: 1, weight: 100 }],
  });
  const customer = await createCustomer(ctx, SYSTEM_ACTOR, { name: 'Bench CDR', type: 'postpaid', contact: {} });
  await ctx.db.updateTable('customers').set({ rate_plan: 'benchcdr' }).where('id', '=', customer.id).execute();
  const now = new Date().toISOString();
  const trunkId = randomUUID();
  await ctx.db
    .insertInto('trunks')
    .values({
      id: trunkId,
      customer_id: customer.id,
      name: 'edge',
      description: null,
      status: 'active',
      direction: 'both',
      auth_type: 'ip_acl',
      allowed_ips: '["192.0.2.1/32"]',
      sip_username: null,
      sip_password_enc: null,
      tech_prefix: null,
      max_channels: 100,
      max_cps: 10,
      daily_spend_limit: null,
      allowed_destinations: '["domestic"]',
      blocked_prefixes: '[]',
      codecs: '["PCMU"]',
      partition_id: part.id,
      outbound_destinations: '[]',
      created_at: now,
      updated_at: now,
    })
    .execute();
  const email = `bench-${randomBytes(3).toString('hex')}@warp.local`;
  const user = await insertUser(ctx.db, { email, name: 'Bench', type: 'customer', password: 'bench-passw0rd-1' });
  await addMembership(ctx.db, user.id, customer.id, 'customer_admin');
  const adminEmail = `bench-admin-${randomBytes(3).toString('hex')}@warp.local`;
  await insertUser(ctx.db, { email: adminEmail, name: 'Bench admin', type: 'staff', staffRole: 'admin', password: 'bench-passw0rd-1' });
  return { customerId: customer.id, trunkId, providerId: p.id, email, adminEmail };
}

/** BENCH_CDRS rows for one customer over the last 28 days, written by SQL (PostgreSQL), with their roll-ups. */
async function bulkCdrs(ctx: AppContext, w: World, n: number) {
  const now = Date.now();
  const days = 28;
  const instants = Array.from({ length: days + 1 }, (_, d) => new Date(now - d * 86_400_000).toISOString());
  await ensureCdrPartitions(ctx.db, instants);
  const chunk = 250_000;
  for (let done = 0; done < n; done += chunk) {
    const m = Math.min(chunk, n - done);
    await sql`
      insert into cdrs (id, call_id, customer_id, trunk_id, provider_id, ani, dni, direction, zone, decision_id, started_at, answered_at, ended_at, duration, disposition, sip_code, disconnect_cause, attempts, trace, sell_rate, sell_billable, sell_amount, cost_rate, cost_billable, cost_amount, rating_error, rated_at, received_at)
      select gen_random_uuid()::text, 'bulk-' || ${String(done)}::text || '-' || g, ${w.customerId}::text, ${w.trunkId}::text, ${w.providerId}::text, '+1212555' || lpad((g % 10000)::text, 4, '0'), '+1310555' || lpad((g % 9973)::text, 4, '0'), 'outbound', 'interstate', null,
        to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), case when g % 10 < 6 then to_char(t + interval '3 seconds', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end, to_char(t + interval '3 seconds' + (g % 600) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        case when g % 10 < 6 then g % 600 else 0 end, case when g % 10 < 6 then 'answered' else 'busy' end, case when g % 10 < 6 then 200 else 486 end, null, '[]', '[]',
        12000, case when g % 10 < 6 then ((g % 600 + 5) / 6) * 6 else 0 end, case when g % 10 < 6 then ((g % 600 + 5) / 6) * 6 * 20 else 0 end, 6000, case when g % 10 < 6 then ((g % 600 + 5) / 6) * 6 else 0 end, case when g % 10 < 6 then ((g % 600 + 5) / 6) * 6 * 10 else 0 end, null, to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      from (select g, (timestamp 'epoch' + ${now / 1000}::double precision * interval '1 second') - (g::double precision / ${n}::double precision) * ${days}::double precision * interval '1 day' as t from generate_series(${done + 1}::int, ${done + m}::int) g) s`.execute(
      ctx.db,
    );
    process.stdout.write(`  ${(done + m).toLocaleString('en-US')} CDRs written\n`);
  }
  await sql`
    insert into usage_hourly (customer_id, trunk_id, provider_id, zone, hour, calls, answered, duration, sell_billable, sell_amount, cost_amount, unrated)
    select customer_id, trunk_id, provider_id, zone, substr(started_at, 1, 13), count(*), sum(case when disposition = 'answered' then 1 else 0 end), sum(duration), sum(sell_billable), sum(sell_amount), sum(cost_amount), 0
    from cdrs where customer_id = ${w.customerId}::text and call_id like 'bulk-%' group by 1, 2, 3, 4, 5
    on conflict (customer_id, hour, trunk_id, provider_id, zone) do update set calls = usage_hourly.calls + excluded.calls, answered = usage_hourly.answered + excluded.answered, duration = usage_hourly.duration + excluded.duration, sell_billable = usage_hourly.sell_billable + excluded.sell_billable, sell_amount = usage_hourly.sell_amount + excluded.sell_amount, cost_amount = usage_hourly.cost_amount + excluded.cost_amount`.execute(
    ctx.db,
  );
  await sql`analyze cdrs`.execute(ctx.db);
}

async function timeRequests(url: string, token: string, count: number): Promise<{ p50: number; p95: number; status: number }> {
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    status = res.status;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), status };
}

export async function benchWarpCdrs(): Promise<{ lines: string[] }> {
  const lines: string[] = ['## WARP CDRs and rating', ''];
  lines.push(...benchRating());
  const dir = mkdtempSync(join(tmpdir(), 'warp-cdr-bench-'));
  const pg = (process.env.DATABASE_URL ?? '').startsWith('postgres');
  // PostgreSQL: a schema of its own, dropped afterwards.
  const schema = `wbench_${randomBytes(4).toString('hex')}`;
  if (pg) {
    const c = new pg_.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();
  }
  const url = pg
    ? (() => {
        const u = new URL(process.env.DATABASE_URL!);
        u.searchParams.set('schema', schema);
        return u.toString();
      })()
    : `sqlite:${join(dir, 'cdrs.db')}`;
  const env = {
    DATABASE_URL: url,
    WARP_APP_KEY: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    WARP_WEBHOOK_POLL_MS: '0',
    WARP_LOGIN_LIMIT_IP: '100000',
    WARP_LOGIN_LIMIT_EMAIL: '100000',
    WARP_DATA_DIR: dir,
  };
  const ctx = await createContext(readConfig(env));
  let server: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    const w = await seedWorld(ctx, dir);
    const { key } = await createEdgeKey(ctx, 'bench');
    // the trunk was inserted after the last rebuild
    await routingOf(ctx).rebuild();
    const snapshot = await routingOf(ctx).current();
    server = await startChild(['apps/warp-server/src/cli.ts', 'serve'], { ...env, PORT: '0', HOST: '127.0.0.1' }, /WARP API listening on (http:\/\/\S+)\/v1/);
    const base = `${server.url.replace('localhost', '127.0.0.1')}/v1`;

    // (2) ingestion: 30 batches of 1,000 generated calls, one after another.
    const rng = seeded(5);
    const batches = Array.from({ length: 31 }, (_, b) =>
      Array.from(
        { length: 1000 },
        (_, i) => generateCall(snapshot, w.trunkId, Date.now() - 3600_000 + b * 1000 + i, b * 1000 + i, { answerRatio: 0.6, rng }).cdr,
      ),
    );
    const post = async (cdrs: unknown[]) => {
      const t = performance.now();
      const res = await fetch(`${base}/internal/cdrs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ cdrs }),
      });
      const body = (await res.json()) as { data: { results: { status: string }[] } };
      return { ms: performance.now() - t, accepted: body.data.results.filter((r) => r.status === 'accepted').length };
    };
    await post(batches[0]!); // warm-up
    const times: number[] = [];
    let accepted = 0;
    const t0 = performance.now();
    for (const b of batches.slice(1)) {
      const r = await post(b);
      times.push(r.ms);
      accepted += r.accepted;
    }
    const total = (performance.now() - t0) / 1000;
    const replay = await post(batches[1]!);
    times.sort((a, b) => a - b);
    lines.push(
      '### HTTP ingestion in batches of 1,000',
      '',
      `\`POST /v1/internal/cdrs\` on the real server (\`warp serve\`, ${pg ? 'PostgreSQL' : 'SQLite'}), 30 batches of 1,000 generated CDRs one after another (each validated, rated, stored with its roll-ups in one transaction, answered after the commit).`,
      '',
      '| CDRs stored | seconds | CDRs/s | batch p50 | batch p95 | replay of a stored batch |',
      '|---|---|---|---|---|---|',
      `| ${accepted.toLocaleString('en-US')} | ${fmt(total, 2)} | ${Math.round(accepted / total).toLocaleString('en-US')} | ${fmt(percentile(times, 50), 0)} ms | ${fmt(percentile(times, 95), 0)} ms | ${fmt(replay.ms, 0)} ms, ${replay.accepted} stored again |`,
      '',
    );

    if (!pg) {
      lines.push('(The CDR volume figures need PostgreSQL: run with DATABASE_URL=postgres://….)', '');
      return { lines };
    }
    // (3) volume: BENCH_CDRS rows of one customer.
    const n = Number(process.env.BENCH_CDRS ?? 1_000_000);
    const tw = performance.now();
    await bulkCdrs(ctx, w, n);
    const writeSeconds = (performance.now() - tw) / 1000;
    const login = async (email: string) => {
      const res = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'bench-passw0rd-1' }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const token = await login(w.email);
    const adminToken = await login(w.adminEmail);
    const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
    const month = `date_from=${day(28)}&date_to=${day(0)}`;
    const week = `date_from=${day(6)}&date_to=${day(0)}`;
    const middle = Math.floor(n / 200);
    const last = Math.ceil(n / 100);
    const pageName = (p: number) => `page ${p.toLocaleString('en-US')} (row ${((p - 1) * 100 + 1).toLocaleString('en-US')})`;
    const rows: [string, string, string][] = [
      ['GET /cdrs, 29 days, first page (limit 100)', `${base}/cdrs?${month}&limit=100`, token],
      [`GET /cdrs, 29 days, ${pageName(500)}`, `${base}/cdrs?${month}&limit=100&page=500`, token],
      [`GET /cdrs, 29 days, ${pageName(middle)}`, `${base}/cdrs?${month}&limit=100&page=${middle}`, token],
      [`GET /cdrs, 29 days, ${pageName(last)}, near the end`, `${base}/cdrs?${month}&limit=100&page=${last}`, token],
      ['GET /cdrs, 7-day filter, first page', `${base}/cdrs?${week}&limit=100`, token],
      ['GET /usage/summary?period=month', `${base}/usage/summary?period=month`, token],
      [
        `GET /admin/cdrs?customer_id, 29 days, ${pageName(middle)}`,
        `${base}/admin/cdrs?${month}&limit=100&page=${middle}&customer_id=${w.customerId}`,
        adminToken,
      ],
      [`GET /admin/cdrs, every customer, 29 days, ${pageName(middle)}`, `${base}/admin/cdrs?${month}&limit=100&page=${middle}`, adminToken],
    ];
    const results: string[] = [];
    for (const [name, u, t] of rows) {
      await timeRequests(u, t, 3);
      const r = await timeRequests(u, t, 30);
      results.push(`| ${name} | ${r.status} | ${fmt(r.p50, 1)} ms | ${fmt(r.p95, 1)} ms |`);
    }
    // The export of about a million rows (every row up to 1 million CDRs; the last days' beyond): time and the server's memory growth.
    const exportDays = Math.max(1, Math.min(29, Math.ceil((28 * 1_000_000) / n)));
    const before = rssOf(server.proc.pid!);
    const te = performance.now();
    const started = await fetch(`${base}/cdrs/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ date_from: day(exportDays), date_to: day(0), format: 'csv' }),
    });
    const exportId = ((await started.json()) as { data: { export_id: string } }).data.export_id;
    let peak = before.rss;
    let status = 'pending';
    let exportedRows = 0;
    while (status !== 'ready' && status !== 'failed') {
      await new Promise((r) => setTimeout(r, 250));
      peak = Math.max(peak, rssOf(server.proc.pid!).rss);
      const s = (await (await fetch(`${base}/cdrs/exports/${exportId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        data: { status: string; rows: number };
      };
      status = s.data.status;
      exportedRows = s.data.rows;
    }
    const exportSeconds = (performance.now() - te) / 1000;
    lines.push(
      `### ${n.toLocaleString('en-US')} CDRs of one customer on PostgreSQL`,
      '',
      `Rows written by SQL in ${fmt(writeSeconds, 0)} s over the last 28 days (two monthly partitions), roll-ups built from them; requests one after another through the real server with a customer token, 30 timed after 3 warm-ups.`,
      '',
      '| Request | status | p50 | p95 |',
      '|---|---|---|---|',
      ...results,
      '',
      `CSV export of the last ${exportDays} days: ${status}, ${exportedRows.toLocaleString('en-US')} rows in ${fmt(exportSeconds, 1)} s; server RSS ${fmt(before.rss, 0)} MB before, peak ${fmt(peak, 0)} MB during (growth ${fmt(peak - before.rss, 0)} MB).`,
      '',
    );
    return { lines };
  } finally {
    await server?.stop();
    await routingOf(ctx).close();
    await ctx.close();
    if (pg) {
      const c = new pg_.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
