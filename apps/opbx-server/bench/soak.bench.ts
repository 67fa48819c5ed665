import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { type CallTranscript, inboundCall, type LoadCall, type LoadReport, runLoad } from '@opbx/callsim';
import pg from 'pg';
import PusherModule from 'pusher-js';

import { readConfig } from '../src/config.js';
import { type AppContext, createContext } from '../src/context.js';
import { createOrganization } from '../src/modules/organization/organization.service.js';
import { type Child, fmt, percentile, rssOf, startChild } from './support.js';

/**
 * The soak: calls (callsim), REST traffic with a real token and 500 pusher-js clients on the
 * organization's private calls channel, all at once for N minutes, against `opbx serve` in its own
 * process. It samples the server's RSS and its own event-loop delay (prom-client's default metrics
 * on /metrics), counts every error by kind, checks that each call made has a finished call log with
 * the right status and that every client heard every call end, and fits the RSS trend of the
 * second half (a leak grows linearly; warm-up does not).
 */
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const CALL_RATE = num('SOAK_CALL_RATE', 5);
const API_RATE = num('SOAK_API_RATE', 20);
const WS_CLIENTS = Math.round(num('SOAK_WS_CLIENTS', 500));
const SAMPLE_MS = num('SOAK_SAMPLE_SECONDS', 5) * 1000;
/** Simulated call time runs this much faster than real time: a 50 s call takes 5 s. */
const TIME_SCALE = num('SOAK_TIME_SCALE', 0.1);
/** RSS growth over the second half above which the report calls it a possible leak. */
const LEAK_MB_PER_MIN = num('SOAK_LEAK_MB_PER_MIN', 2);
const PASSWORD = 'soak-pass-1234';
/** pusher-js is CommonJS: under Node's ESM interop its class is the module itself, its typings name it `default`. */
type PusherClass = typeof PusherModule.default;
const Pusher = ((PusherModule as unknown as { default?: PusherClass }).default ?? PusherModule) as PusherClass;
const AGENT_EXTENSION = '201';
/**
 * prom-client samples the event loop with a 10 ms timer (monitorEventLoopDelay) and reports the
 * intervals it measured, so an idle loop reads 10 ms: the delay is what exceeds it.
 */
const LAG_RESOLUTION_MS = 10;
const delayOf = (intervalMs: number) => Math.max(0, intervalMs - LAG_RESOLUTION_MS);

interface Sample {
  /** Seconds since the soak started. */
  t: number;
  rssMb: number;
  heapMb?: number;
  /** Event-loop delay percentiles of the server since the previous scrape, ms. */
  lagP50?: number;
  lagP99?: number;
  lagMax?: number;
  calls: number;
  apiRequests: number;
  wsConnected: number;
}

/** Counts by kind; the soak expects none. */
class Errors {
  readonly counts = new Map<string, number>();
  add(kind: string, n = 1) {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }
  get total() {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx ? sxy / sxx : NaN;
}

/** One value of a Prometheus text exposition (an unlabelled series). */
function metric(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} ([0-9.eE+-]+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The callsim scenario for call `i`: mostly answered calls of varying length, some busy, some unanswered. */
function callFor(i: number, did: string): LoadCall {
  const kind = i % 10;
  const target =
    kind === 9
      ? { outcome: 'busy' as const, after: 2 }
      : kind >= 7
        ? { outcome: 'no-answer' as const }
        : { outcome: 'answer' as const, after: 1 + (i % 4), talk: 10 + (i % 5) * 10 };
  return { ...inboundCall(did), scenario: { targets: { [AGENT_EXTENSION]: target } }, timeScale: TIME_SCALE, rewriteOrigin: true, requestTimeoutMs: 15_000 };
}

/** What the call log must say, from what callsim's Cloudonix did. */
const EXPECTED: Record<string, string> = { completed: 'completed', busy: 'busy', 'no-answer': 'no_answer', canceled: 'no_answer', failed: 'failed' };

export async function benchSoak(minutes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'opbx-soak-'));
  const database = await soakDatabase(dir);
  const databaseUrl = database.url;
  const appKey = randomBytes(24).toString('hex');
  const metricsToken = randomBytes(24).toString('hex');
  const requestsKey = `soak-${randomBytes(16).toString('hex')}`;
  const domain = `soak-${randomBytes(4).toString('hex')}.cloudonix.test`;
  const did = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const errors = new Errors();

  // Migrated and the organization created here; everything else through the server's API.
  const reader: AppContext = await createContext(readConfig({ DATABASE_URL: databaseUrl, OPBX_APP_KEY: appKey, OPBX_DATA_DIR: dir, LOG_LEVEL: 'silent' }));
  const ownerEmail = `soak-${randomBytes(4).toString('hex')}@soak.example`;
  const org = await createOrganization(reader, { name: 'Soak Co', timezone: 'UTC', ownerEmail, ownerPassword: PASSWORD });

  const server: Child = await startChild(
    ['apps/opbx-server/src/cli.ts', 'serve'],
    {
      PORT: '0',
      OPBX_WS_PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      OPBX_APP_KEY: appKey,
      OPBX_DATA_DIR: dir,
      OPBX_METRICS_TOKEN: metricsToken,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // Every soak client connects from 127.0.0.1.
      OPBX_WS_MAX_CONNECTIONS_PER_IP: String(WS_CLIENTS * 2),
    },
    /listening on (http:\/\/\S+)\/api\/v1/,
  );
  const pid = server.proc.pid!;
  // Keep reading the server's output (a full pipe would block its logger) and count what it logs at warn and above.
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level && Number(level) >= 40) errors.add(`server log (level ${level}): ${(/"msg":"([^"]{0,80})/.exec(line)?.[1] ?? line.slice(0, 80)).trim()}`);
    }
  };
  server.proc.stdout!.on('data', onOutput);
  server.proc.stderr!.on('data', onOutput);
  const base = server.url.replace('//localhost:', '//127.0.0.1:');
  const realtime = await realtimeOf(base);

  const api = async (method: string, path: string, body?: unknown, token = ownerToken) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
  };
  const must = async (p: ReturnType<typeof api>, status: number, what: string) => {
    const r = await p;
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  let ownerToken = '';
  ownerToken = (await must(api('POST', '/auth/login', { email: ownerEmail, password: PASSWORD }, ''), 200, 'login')).access_token;
  const agent = await must(
    api('POST', '/users', { name: 'Soak Agent', email: `agent-${ownerEmail}`, password: PASSWORD, role: 'agent', extension_number: AGENT_EXTENSION }),
    201,
    'agent',
  );
  const spare = await must(api('POST', '/extensions', { extension_number: '299', type: 'virtual' }), 201, 'spare extension');
  await must(api('POST', '/dids', { phone_number: did, routing_type: 'extension', routing_config: { extension_id: agent.extension.id } }), 201, 'DID');
  await must(
    api('PUT', '/settings/cloudonix', { domain_uuid: 'soak', domain_name: domain, requests_key: requestsKey, webhook_base_url: base }),
    200,
    'cloudonix settings',
  );

  // ---- 500 pusher-js clients on the organization's private calls channel ------------------------------
  const channelName = `private-organization.${org.organization_id}.calls`;
  const clients: Array<{ pusher: InstanceType<PusherClass>; ended: Set<string> }> = [];
  let wsConnected = 0;
  const connectClient = () =>
    new Promise<void>((resolve) => {
      const pusher = new Pusher(realtime.key, {
        cluster: 'mt1',
        wsHost: '127.0.0.1',
        wsPort: realtime.port,
        forceTLS: false,
        enabledTransports: ['ws'],
        disableStats: true,
        channelAuthorization: { endpoint: `${base}/broadcasting/auth`, transport: 'ajax', headers: { Authorization: `Bearer ${ownerToken}` } },
      });
      const client = { pusher, ended: new Set<string>() };
      clients.push(client);
      let settled = false;
      const done = (error?: string) => {
        if (settled) return;
        settled = true;
        if (error) errors.add(error);
        resolve();
      };
      const timer = setTimeout(() => done('ws: subscription not confirmed within 30 s'), 30_000);
      pusher.connection.bind('state_change', ({ previous, current }: { previous: string; current: string }) => {
        if (current === 'connected') wsConnected++;
        if (previous === 'connected') {
          wsConnected--;
          if (!stopping) errors.add(`ws: connection went ${current}`);
        }
      });
      pusher.connection.bind('error', (err: { error?: { data?: { code?: number } }; type?: string }) => {
        if (!stopping) errors.add(`ws: connection error ${err?.error?.data?.code ?? err?.type ?? ''}`.trim());
      });
      const channel = pusher.subscribe(channelName);
      channel.bind('pusher:subscription_succeeded', () => {
        clearTimeout(timer);
        done();
      });
      channel.bind('pusher:subscription_error', (err: { status?: number }) => {
        clearTimeout(timer);
        done(`ws: subscription refused (${err?.status ?? '?'})`);
      });
      channel.bind('call.ended', (data: { call_id?: string }) => data?.call_id && client.ended.add(data.call_id));
    });
  let stopping = false;
  const wsStart = Date.now();
  // In waves, as a fleet of consoles would reconnect after a deploy.
  for (let i = 0; i < WS_CLIENTS; i += 50) await Promise.all(Array.from({ length: Math.min(50, WS_CLIENTS - i) }, connectClient));
  const wsSeconds = (Date.now() - wsStart) / 1000;

  // ---- the soak itself ----------------------------------------------------------------------------------
  const loadBefore = loadavg()[0]!;
  const t0 = Date.now();
  const durationMs = minutes * 60_000;
  const samples: Sample[] = [];
  const transcripts: CallTranscript[] = [];
  let apiRequests = 0;
  const apiLatency = new Map<string, number[]>();
  const ownLag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  ownLag.enable();

  const sample = async () => {
    const s: Sample = { t: (Date.now() - t0) / 1000, rssMb: rssOf(pid).rss, calls: transcripts.length, apiRequests, wsConnected };
    try {
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      const text = await res.text();
      if (!res.ok) errors.add(`metrics: HTTP ${res.status}`);
      else {
        const ms = (name: string) => {
          const v = metric(text, name);
          return v === undefined ? undefined : delayOf(v * 1000);
        };
        s.lagP50 = ms('nodejs_eventloop_lag_p50_seconds');
        s.lagP99 = ms('nodejs_eventloop_lag_p99_seconds');
        s.lagMax = ms('nodejs_eventloop_lag_max_seconds');
        const heap = metric(text, 'nodejs_heap_size_used_bytes');
        s.heapMb = heap === undefined ? undefined : heap / 2 ** 20;
        if (s.lagP99 === undefined) errors.add('metrics: no nodejs_eventloop_lag_p99_seconds');
      }
    } catch (err) {
      errors.add(`metrics: ${(err as Error).message}`);
    }
    samples.push(s);
  };
  // Discards the event-loop histogram's warm-up (prom-client resets it at each scrape).
  await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } }).then((r) => r.text());
  await sample();
  const sampler = setInterval(() => void sample(), SAMPLE_MS);

  const calls: Promise<LoadReport> = runLoad({
    baseUrl: base,
    requestsKey,
    domain,
    rate: CALL_RATE,
    concurrency: 1000,
    durationSeconds: durationMs / 1000,
    maxCalls: Math.ceil(CALL_RATE * (durationMs / 1000)),
    drainSeconds: 60,
    makeCall: (i) => callFor(i, did),
    onCall: (t) => void transcripts.push(t),
  });

  // REST traffic as consoles make it: lists, a call's detail, the dashboard, and an edit now and then.
  let lastCallLogId: string | undefined;
  let toggle = false;
  const apiCalls: Array<[string, () => ReturnType<typeof api>]> = [
    ['GET /call-logs', () => api('GET', '/call-logs?per_page=25')],
    ['GET /call-logs/:id', () => (lastCallLogId ? api('GET', `/call-logs/${lastCallLogId}`) : api('GET', '/call-logs?per_page=1'))],
    ['GET /extensions', () => api('GET', '/extensions')],
    ['GET /dids', () => api('GET', '/dids')],
    ['GET /dashboard/stats', () => api('GET', '/dashboard/stats')],
    ['GET /dashboard/live-calls', () => api('GET', '/dashboard/live-calls')],
    ['GET /call-logs?status=completed', () => api('GET', '/call-logs?status=completed&per_page=50')],
    ['PATCH /extensions/:id', () => api('PATCH', `/extensions/${spare.id}`, { voicemail_enabled: (toggle = !toggle) })],
  ];
  const apiTraffic = (async () => {
    const inflight = new Set<Promise<void>>();
    for (let i = 0; Date.now() - t0 < durationMs; i++) {
      const due = t0 + (i * 1000) / API_RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [kind, call] = apiCalls[i % apiCalls.length]!;
      const started = performance.now();
      const p = call()
        .then((r) => {
          apiRequests++;
          if (r.status < 200 || r.status > 299) return errors.add(`api: ${kind} → ${r.status}`);
          (apiLatency.get(kind) ?? apiLatency.set(kind, []).get(kind)!).push(performance.now() - started);
          if (kind === 'GET /call-logs' && r.body?.data?.[0]?.id) lastCallLogId = r.body.data[0].id;
        })
        .catch((err: Error) => errors.add(`api: ${kind} → ${err.message}`))
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
  })();

  const [report] = await Promise.all([calls, apiTraffic]);
  clearInterval(sampler);
  await sample();
  ownLag.disable();
  const soakSeconds = (Date.now() - t0) / 1000;
  const loadAfter = loadavg()[0]!;
  for (const e of report.errors) errors.add(`call: ${e.message}`, e.count);

  // ---- every call's log complete, every client told of every end -----------------------------------------
  const ids = transcripts.map((t) => t.callSid);
  const logsOf = async () => {
    const rows = await reader.db
      .selectFrom('call_logs')
      .select(['call_id', 'status', 'end_time', 'duration'])
      .where('organization_id', '=', org.organization_id)
      .execute();
    return new Map(rows.map((r) => [r.call_id, r]));
  };
  let logs = await logsOf();
  // The journal commits behind the answers: give it a moment to catch up.
  for (const deadline = Date.now() + 30_000; ids.some((id) => !logs.get(id)?.end_time) && Date.now() < deadline; logs = await logsOf()) {
    await new Promise((r) => setTimeout(r, 500));
  }
  let complete = 0;
  for (const t of transcripts) {
    const log = logs.get(t.callSid);
    const expected = EXPECTED[t.outcome.status];
    const billsec = t.webhooks.find((w) => w.kind === 'cdr')?.payload.billsec;
    if (!log) errors.add('call log: missing');
    else if (!log.end_time) errors.add('call log: no end time');
    else if (log.status !== expected) errors.add(`call log: status ${log.status}, expected ${expected}`);
    else if (expected === 'completed' && log.duration !== billsec) errors.add('call log: duration differs from the CDR billsec');
    else complete++;
  }
  const endedIds = ids.filter((id) => logs.get(id)?.end_time);
  await new Promise((r) => setTimeout(r, 2000));
  const heard = clients.map((c) => endedIds.filter((id) => c.ended.has(id)).length);
  const missedEnds = heard.reduce((a, n) => a + (endedIds.length - n), 0);
  if (missedEnds) errors.add('ws: call.ended not delivered', missedEnds);

  const connectedAtEnd = wsConnected;
  stopping = true;
  for (const c of clients) c.pusher.disconnect();
  await server.stop();
  await reader.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });

  // ---- report ---------------------------------------------------------------------------------------
  const half = samples.filter((s) => s.t >= soakSeconds / 2);
  const rssSlope = slope(half.map((s) => [s.t / 60, s.rssMb]));
  const heapSlope = slope(half.filter((s) => s.heapMb !== undefined).map((s) => [s.t / 60, s.heapMb!]));
  const callsPerMinute = (transcripts.length / soakSeconds) * 60;
  const kbPerCall = (rssSlope * 1024) / callsPerMinute;
  const lagOf = (pick: (s: Sample) => number | undefined) =>
    samples
      .map(pick)
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
  const p50s = lagOf((s) => s.lagP50);
  const p99s = lagOf((s) => s.lagP99);
  const maxes = lagOf((s) => s.lagMax);
  // V8 returns memory after a major collection and takes it again as the load goes on, so RSS is a
  // sawtooth: a rise that only climbs back to where it had been is no leak. A leak makes new highs.
  const firstHalfPeak = Math.max(...samples.filter((s) => s.t < soakSeconds / 2).map((s) => s.rssMb));
  const endRss = samples.at(-1)?.rssMb ?? NaN;
  const rising = rssSlope > LEAK_MB_PER_MIN;
  const leak = rising && endRss > firstHalfPeak;
  const trend = `RSS trend ${fmt(rssSlope, 2)} MB/min over the second half (threshold ${LEAK_MB_PER_MIN} MB/min), JS heap used ${fmt(heapSlope, 2)} MB/min`;
  const verdict = !Number.isFinite(rssSlope)
    ? 'not enough samples for a trend'
    : leak
      ? `**possible leak**: ${trend}, and RSS ends at ${fmt(endRss)} MB, above the first half's peak of ${fmt(firstHalfPeak)} MB (about ${fmt(kbPerCall, 2)} KB per call)`
      : rising
        ? `**no leak seen**: ${trend}, but RSS only climbed back after a collection returned memory: it ends at ${fmt(endRss)} MB, below the first half's peak of ${fmt(firstHalfPeak)} MB`
        : `**no leak seen**: ${trend}${rssSlope > 0 ? ` (at most ${fmt(kbPerCall, 2)} KB per call)` : ''}`;
  const apiKinds = [...apiLatency.entries()].map(([kind, xs]) => {
    xs.sort((a, b) => a - b);
    return `| ${kind} | ${xs.length} | ${fmt(percentile(xs, 50))} | ${fmt(percentile(xs, 99))} |`;
  });
  const lines = [
    `## Soak: calls, REST traffic and ${WS_CLIENTS} WebSocket clients for ${fmt(soakSeconds / 60, 1)} minutes`,
    '',
    `Database ${databaseUrl.startsWith('postgres') ? 'PostgreSQL' : 'SQLite file'}${process.env.REDIS_URL ? ' + Redis' : ''}. ` +
      `Calls: callsim at ${CALL_RATE}/s (time ×${1 / TIME_SCALE}: 7 in 10 answered after 1–4 s for 10–50 s, 2 unanswered, 1 busy). ` +
      `REST: ${API_RATE} requests/s with the owner's token (call-log lists and detail, extensions, DIDs, dashboard, an extension edit). ` +
      `${WS_CLIENTS} pusher-js clients subscribed to \`${channelName.replace(org.organization_id, '{org}')}\` through /broadcasting/auth (connected in ${fmt(wsSeconds)} s). ` +
      `Server: \`opbx serve\` in its own process, NODE_ENV=production; RSS read from /proc every ${SAMPLE_MS / 1000} s, event-loop delay from its /metrics (prom-client's percentiles since the previous scrape, less its 10 ms sampling interval).`,
    '',
    `| | |`,
    `|---|---|`,
    `| calls made / with a complete log | ${transcripts.length} / **${complete}** (${report.failedCalls} with callsim errors) |`,
    `| REST requests | ${apiRequests} |`,
    `| WebSocket clients connected at the end | ${connectedAtEnd} of ${WS_CLIENTS}; each heard call.ended for ${Math.min(...heard)}–${Math.max(...heard)} of ${endedIds.length} ended calls |`,
    `| errors | **${errors.total}**${errors.total ? ` — ${[...errors.counts.entries()].map(([k, n]) => `${k}: ${n}`).join('; ')}` : ''} |`,
    `| machine load average (1 min), start / end | ${fmt(loadBefore, 2)} / ${fmt(loadAfter, 2)} (on ${cpus().length} cores; other work on the machine competes with the server and the load generator) |`,
    `| RSS start → peak → end | ${fmt(samples[0]?.rssMb ?? NaN)} → ${fmt(Math.max(...samples.map((s) => s.rssMb)))} → ${fmt(samples.at(-1)?.rssMb ?? NaN)} MB |`,
    `| RSS slope, second half | ${fmt(rssSlope, 2)} MB/min (JS heap used: ${fmt(heapSlope, 2)} MB/min) |`,
    `| server event-loop delay | p50 ${fmt(percentile(p50s, 50))} ms (median of ${p50s.length} intervals); p99 median ${fmt(percentile(p99s, 50))} ms, worst interval ${fmt(p99s.at(-1) ?? NaN)} ms; max ${fmt(maxes.at(-1) ?? NaN)} ms |`,
    `| this process's event-loop delay (load generator) | p99 ${fmt(delayOf(ownLag.percentile(99) / 1e6))} ms, max ${fmt(delayOf(ownLag.max / 1e6))} ms |`,
    `| callsim latency p50 / p99 | route ${fmt(report.latency.route.p50)} / ${fmt(report.latency.route.p99)} ms, session update ${fmt(report.latency['session-update'].p50)} / ${fmt(report.latency['session-update'].p99)} ms, CDR ${fmt(report.latency.cdr.p50)} / ${fmt(report.latency.cdr.p99)} ms |`,
    '',
    `Verdict: ${verdict}.`,
    '',
    '| REST request | count | p50 ms | p99 ms |',
    '|---|---|---|---|',
    ...apiKinds,
    '',
    'RSS and event-loop delay over time:',
    '',
    '| t (s) | RSS MB | heap MB | loop p50 ms | loop p99 ms | loop max ms | calls done | REST requests | sockets |',
    '|---|---|---|---|---|---|---|---|---|',
    ...samples.map(
      (s) =>
        `| ${fmt(s.t, 0)} | ${fmt(s.rssMb)} | ${fmt(s.heapMb ?? NaN)} | ${fmt(s.lagP50 ?? NaN)} | ${fmt(s.lagP99 ?? NaN)} | ${fmt(s.lagMax ?? NaN)} | ${s.calls} | ${s.apiRequests} | ${s.wsConnected} |`,
    ),
  ];
  return { lines, errors: errors.total, rssSlope, leak, samples };
}

/** Where the console's realtime client connects, as the web app learns it (public client configuration). */
async function realtimeOf(base: string): Promise<{ key: string; port: number }> {
  const res = await fetch(`${base}/api/v1/client-config`);
  const body = (await res.json()) as { websocket?: { key?: string; port?: number } };
  const { key, port } = body.websocket ?? {};
  if (!key || !port) throw new Error(`no WebSocket key and port in /client-config: ${JSON.stringify(body)}`);
  return { key, port };
}

/** A SQLite file in `dir`, or with DATABASE_URL=postgres://… a schema of its own, dropped afterwards. */
async function soakDatabase(dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base?.startsWith('postgres')) return { url: `sqlite:${join(dir, 'soak.db')}`, drop: async () => undefined };
  const schema = `soak_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return { url: url.toString(), drop: () => admin(`drop schema if exists ${schema} cascade`) };
}
