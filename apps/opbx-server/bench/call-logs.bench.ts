import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'kysely';

import { readConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import type { AuthInfo } from '../src/http/auth.js';
import { createExtension } from '../src/modules/extensions/extensions.service.js';
import { createOrganization } from '../src/modules/organization/organization.service.js';
import { fmt, percentile, rssOf, startChild } from './support.js';

const ROWS = Number(process.env.BENCH_CALL_LOGS ?? 1_000_000);
const SAMPLES = 200;

/** 1M call logs in one organization, one call every 7 s going back ~81 days, 10 extensions. */
async function seed(databaseUrl: string, appKey: string, dir: string) {
  const ctx = await createContext(readConfig({ DATABASE_URL: databaseUrl, OPBX_APP_KEY: appKey, OPBX_DATA_DIR: dir, LOG_LEVEL: 'silent' }));
  const email = `bench-${randomBytes(4).toString('hex')}@bench.example`;
  const org = await createOrganization(ctx, { name: 'Bench Co', ownerEmail: email, ownerPassword: 'bench-pass-1' });
  const auth: AuthInfo = { userId: org.user_id, organizationId: org.organization_id, role: 'owner', tokenId: '', tokenHash: '' };
  const extensions: string[] = [];
  for (let i = 0; i < 10; i++) extensions.push((await createExtension(ctx, auth, { extension_number: String(300 + i), type: 'virtual' })).id);
  await sql`create temporary table ext_map (k integer primary key, id text not null)`.execute(ctx.db).catch(() => undefined);
  const t0 = Date.now();
  await ctx.db.transaction().execute(async (trx) => {
    await sql`create temporary table if not exists ext_map (k integer primary key, id text not null)`.execute(trx);
    for (let i = 0; i < 10; i++) await sql`insert into ext_map (k, id) values (${i}, ${extensions[i]})`.execute(trx);
    const orgId = org.organization_id;
    if (ctx.dialect === 'sqlite') {
      await sql`with recursive seq(x) as (select 1 union all select x + 1 from seq where x < ${ROWS})
        insert into call_logs (id, organization_id, call_id, direction, from_number, to_number, did_id, extension_id, status, duration, created_at, updated_at)
        select printf('00000000-0000-7000-8000-%012d', x), ${orgId}, 'bench-' || x,
               case when x % 3 = 0 then 'outbound' else 'inbound' end,
               '+1212555' || printf('%04d', x % 10000), '+15557770001', null, ext_map.id,
               case when x % 5 = 0 then 'no_answer' else 'completed' end, x % 600,
               strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (x * 7) || ' seconds'),
               strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (x * 7) || ' seconds')
        from seq join ext_map on ext_map.k = x % 10`.execute(trx);
    } else {
      await sql`insert into call_logs (id, organization_id, call_id, direction, from_number, to_number, did_id, extension_id, status, duration, created_at, updated_at)
        select '00000000-0000-7000-8000-' || lpad(x::text, 12, '0'), ${orgId}, 'bench-' || x,
               case when x % 3 = 0 then 'outbound' else 'inbound' end,
               '+1212555' || lpad((x % 10000)::text, 4, '0'), '+15557770001', null, ext_map.id,
               case when x % 5 = 0 then 'no_answer' else 'completed' end, x % 600,
               to_char((now() - x * interval '7 seconds') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               to_char((now() - x * interval '7 seconds') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        from generate_series(1, ${ROWS}) as x join ext_map on ext_map.k = x % 10`.execute(trx);
    }
  });
  if (ctx.dialect === 'sqlite') await sql`analyze`.execute(ctx.db);
  else await sql`analyze call_logs`.execute(ctx.db);
  const seedSeconds = (Date.now() - t0) / 1000;
  // The 900,000th newest row, for a cursor deep in the list (what a client reaches by following next_cursor).
  const deep = await ctx.db
    .selectFrom('call_logs')
    .select(['created_at', 'id'])
    .where('organization_id', '=', org.organization_id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(Math.floor(ROWS * 0.9) - 1)
    .limit(1)
    .executeTakeFirstOrThrow();
  await ctx.close();
  return { email, extensionId: extensions[3]!, deep, seedSeconds };
}

async function timed(url: string, token: string, n = SAMPLES): Promise<{ p50: number; p95: number; first: number; status: number; total: number }> {
  const times: number[] = [];
  let status = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { meta?: { total: number } };
    times.push(performance.now() - t);
    status = res.status;
    total = body.meta?.total ?? 0;
  }
  const first = times[0]!;
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), first, status, total };
}

export async function benchCallLogs() {
  const dir = mkdtempSync(join(tmpdir(), 'opbx-bench-'));
  const databaseUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : `sqlite:${join(dir, 'calls.db')}`;
  const appKey = randomBytes(24).toString('hex');
  const seeded = await seed(databaseUrl, appKey, dir);
  const server = await startChild(
    ['apps/opbx-server/src/cli.ts', 'serve'],
    {
      PORT: '0',
      OPBX_WS_PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      OPBX_APP_KEY: appKey,
      OPBX_DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    /listening on (http:\/\/\S+)\/api\/v1/,
  );
  try {
    const api = `${server.url}/api/v1`;
    const login = await fetch(`${api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: seeded.email, password: 'bench-pass-1' }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const cursor = Buffer.from(JSON.stringify({ v: seeded.deep.created_at, id: seeded.deep.id, o: Math.floor(ROWS * 0.9) })).toString('base64url');
    const weekAgo = new Date(Date.now() - 14 * 86400_000).toISOString();
    const weekAgo2 = new Date(Date.now() - 7 * 86400_000).toISOString();
    const first = await timed(`${api}/call-logs?per_page=20`, token);
    const deep = await timed(`${api}/call-logs?per_page=20&cursor=${cursor}`, token);
    const filtered = await timed(`${api}/call-logs?per_page=20&extension_id=${seeded.extensionId}&from_date=${weekAgo}&to_date=${weekAgo2}`, token);
    // The dashboard's per-extension figures: one aggregate over the window (about 12,300 calls a day here).
    const agentsDay = await timed(`${api}/dashboard/agents?period=day`, token, 20);
    const agentsMonth = await timed(`${api}/dashboard/agents?period=month`, token, 20);

    const pid = server.proc.pid!;
    const before = rssOf(pid);
    try {
      // Reset the peak-RSS counter so VmHWM afterwards is the peak during the export.
      (await import('node:fs')).writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // not permitted: the peak then covers the whole process life, an upper bound
    }
    const t0 = performance.now();
    const res = await fetch(`${api}/call-logs/export`, { headers: { authorization: `Bearer ${token}` } });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
    const exportSeconds = (performance.now() - t0) / 1000;
    const after = rssOf(pid);
    const growth = after.peak - before.rss;

    const kind = databaseUrl.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
    const lines_ = [
      `## Call logs at ${ROWS.toLocaleString('en')} rows in one organization (${kind})`,
      '',
      `Seeded in ${fmt(seeded.seedSeconds)} s. ${SAMPLES} sequential requests per query, server in its own process, \`per_page=20\`. \`meta.total\` is counted on the first request of each filter and then reused (cached ≤ 10 s; cursors carry it), so p95 shows the steady state and the first request the cold count.`,
      '',
      '| query | p50 ms | p95 ms | first request (cold count) ms | meta.total |',
      '|---|---|---|---|---|',
      `| first page | ${fmt(first.p50)} | ${fmt(first.p95)} | ${fmt(first.first)} | ${first.total} |`,
      `| deep cursor page (row 900,000) | ${fmt(deep.p50)} | ${fmt(deep.p95)} | ${fmt(deep.first)} | ${deep.total} |`,
      `| date range (7 days) + extension | ${fmt(filtered.p50)} | ${fmt(filtered.p95)} | ${fmt(filtered.first)} | ${filtered.total} |`,
      `| dashboard figures per extension, 24 hours (20 requests) | ${fmt(agentsDay.p50)} | ${fmt(agentsDay.p95)} | ${fmt(agentsDay.first)} | — |`,
      `| dashboard figures per extension, 30 days (20 requests) | ${fmt(agentsMonth.p50)} | ${fmt(agentsMonth.p95)} | ${fmt(agentsMonth.first)} | — |`,
      '',
      `CSV export of all rows: **${fmt(exportSeconds)} s**, ${lines - 1} data rows, ${fmt(bytes / 2 ** 20)} MiB; server RSS ${fmt(before.rss)} MB before, peak ${fmt(after.peak)} MB during: growth **${fmt(growth)} MB** (goals: list p95 < 25 ms, export < 15 s, growth < 150 MB).`,
    ];
    return { lines: lines_, first, deep, filtered, agentsDay, agentsMonth, exportSeconds, growth };
  } finally {
    await server.stop();
    if (!databaseUrl.startsWith('postgres')) rmSync(dir, { recursive: true, force: true });
  }
}
