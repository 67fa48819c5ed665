import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

import autocannon from 'autocannon';
import { Pool } from 'undici';

export const repoRoot = new URL('../../../', import.meta.url).pathname;

export interface Child {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Start a TypeScript entry point with tsx and wait for the line that gives its URL. */
export function startChild(args: string[], env: Record<string, string>, readyPattern: RegExp): Promise<Child> {
  return new Promise((resolve, reject) => {
    // BENCH_PROFILE=<dir> writes a V8 CPU profile of each child there (open it in Chrome DevTools).
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const proc = spawn(process.execPath, [...profile, '--import', 'tsx', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = readyPattern.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        resolve({
          proc,
          url: m[1]!,
          stop: () =>
            new Promise((r) => {
              if (proc.exitCode !== null) return r();
              proc.once('exit', () => r());
              proc.kill('SIGTERM');
              setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
            }),
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    proc.once('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
}

export interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
}

export async function load(opts: {
  url: string;
  body: () => string;
  connections: number;
  seconds: number;
  rate?: number;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    method: 'POST',
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    headers: { 'content-type': 'application/json', ...(opts.headers ?? {}) },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: opts.body() }) }],
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    requests: result.requests.total,
  };
}

/**
 * Open-loop load at a fixed arrival rate: request i is due at start + i / rate, whatever happened to
 * earlier ones, and its latency counts from when it was due (so a stalled server cannot hide its
 * queue). autocannon's own rate mode cannot do this: it sends each connection's quota for the
 * second back to back and then pauses, so its "half load" is bursts at full load. The first
 * second warms up and is not counted. `sendLagP99` is how late this process itself sent requests:
 * when it is large, the load generator (sharing the machine's cores) was the bottleneck.
 */
export async function paced(opts: {
  url: string;
  body: () => string;
  rate: number;
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
}): Promise<LoadResult & { sendLagP99: number }> {
  const target = new URL(opts.url);
  const pool = new Pool(target.origin, { connections: opts.connections, pipelining: 1 });
  const headers = { 'content-type': 'application/json', ...(opts.headers ?? {}) };
  const warmup = Math.round(opts.rate);
  const total = warmup + Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  const lags: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const inflight = new Set<Promise<void>>();
  const send = (i: number, due: number) => {
    const counted = i >= warmup;
    if (counted) lags.push(performance.now() - due);
    const p = pool
      .request({ path: target.pathname + target.search, method: 'POST', headers, body: opts.body() })
      .then(async (res) => {
        await res.body.dump();
        if (!counted) return;
        if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
        else latencies.push(performance.now() - due);
      })
      .catch(() => void (counted && errors++))
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  const start = performance.now();
  const dueOf = (i: number) => start + (i * 1000) / opts.rate;
  let sent = 0;
  let measuredFrom = 0;
  while (sent < total) {
    const now = performance.now();
    // Everything due by now goes out; requests keep their own due time even when sent late.
    while (sent < total && dueOf(sent) <= now) {
      if (sent === warmup) measuredFrom = dueOf(sent);
      send(sent, dueOf(sent));
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - measuredFrom) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / elapsed),
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    non2xx,
    errors,
    requests: latencies.length + non2xx,
    sendLagP99: percentile(lags, 99),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Resident set size of a process, current and peak, in MB (Linux /proc). */
export function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) in a /proc stat file, all threads for a process, one for a task (Linux). */
function cpuSecondsIn(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them, in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const cpuSecondsOf = (pid: number): number => cpuSecondsIn(`/proc/${pid}/stat`);

/** CPU seconds of a process's main thread alone (the one that answers HTTP). */
export const mainThreadCpuSecondsOf = (pid: number): number => cpuSecondsIn(`/proc/${pid}/task/${pid}/stat`);

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
