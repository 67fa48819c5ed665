import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The Kamailio configuration is kept in the repository (apps/warp-server/edge/warp-edge.cfg) with
 * {{…}} placeholders; rendering fills in this deployment's addresses, key and timers. The rendered
 * file holds the edge key and the digest secret, so it is written 0600 into the edge's own run
 * directory, never into the repository.
 */

export const TEMPLATE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../edge/warp-edge.cfg');
export const KAMAILIO = '/usr/sbin/kamailio';

export interface EdgeSettings {
  /** address:port Kamailio listens on (UDP) */
  sipListen: string;
  /** WARP's base URL as the edge reaches it, e.g. http://127.0.0.1:8080 */
  apiUrl: string;
  edgeKey: string;
  runDir: string;
  /** digest nonce secret: the same on every edge so nonces survive a restart and work across edges */
  authSecret: string;
  children: number;
  logLevel: number;
  frTimerMs: number;
  frInvTimerMs: number;
  maxCallSeconds: number;
  /** requests per 2 s from one unknown address before pike bans it */
  pikeDensity: number;
  httpTimeoutSeconds: number;
  reportQueueSize: number;
  /** benchmark baseline: relay every INVITE to this host:port without asking WARP */
  fixedRoute?: string;
}

export const EDGE_DEFAULTS = {
  sipListen: '127.0.0.1:5060',
  apiUrl: 'http://127.0.0.1:8080',
  children: 16,
  logLevel: 1,
  frTimerMs: 5000,
  frInvTimerMs: 60_000,
  maxCallSeconds: 4 * 3600,
  pikeDensity: 30,
  httpTimeoutSeconds: 1,
  reportQueueSize: 100_000,
} as const;

const ADDRESS = /^[\w.:[\]-]+:\d{1,5}$/;

export function renderEdgeConfig(s: EdgeSettings): string {
  if (!ADDRESS.test(s.sipListen)) throw new Error(`the SIP address must be host:port, not ${s.sipListen}`);
  const api = new URL(s.apiUrl);
  if (api.protocol !== 'http:' && api.protocol !== 'https:') throw new Error(`the API URL must be http(s), not ${s.apiUrl}`);
  if (!/^warp_edge_\w+$/.test(s.edgeKey)) throw new Error('the edge key must be one created by `warp edge-key create`');
  if (!/^\w{16,}$/.test(s.authSecret)) throw new Error('the digest secret must be 16+ letters or digits');
  const values: Record<string, string> = {
    SIP_LISTEN: s.sipListen,
    WARP_API_URL: `${api.origin}/v1/internal/sip`,
    EDGE_KEY: s.edgeKey,
    RUN_DIR: s.runDir,
    AUTH_SECRET: s.authSecret,
    CHILDREN: String(s.children),
    LOG_LEVEL: String(s.logLevel),
    LOG_PREFIX: `[edge ${s.sipListen}]`,
    FR_TIMER_MS: String(s.frTimerMs),
    FR_INV_TIMER_MS: String(s.frInvTimerMs),
    MAX_CALL_SECONDS: String(s.maxCallSeconds),
    PIKE_DENSITY: String(s.pikeDensity),
    HTTP_TIMEOUT_S: String(s.httpTimeoutSeconds),
    REPORT_QUEUE_SIZE: String(s.reportQueueSize),
    FIXED_ROUTE: s.fixedRoute ?? 'none.invalid',
  };
  if (s.fixedRoute !== undefined && !ADDRESS.test(s.fixedRoute)) throw new Error(`the fixed route must be host:port, not ${s.fixedRoute}`);
  const template = readFileSync(TEMPLATE, 'utf8').replace('#!KAMAILIO\n', s.fixedRoute ? '#!KAMAILIO\n#!define WITH_FIXED_ROUTE\n' : '#!KAMAILIO\n');
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`the edge template names an unknown setting ${whole}`);
    return v;
  });
}

export const newAuthSecret = () => randomBytes(16).toString('hex');

/** Writes the rendered configuration into the run directory; returns its path. */
export function writeEdgeConfig(s: EdgeSettings): string {
  mkdirSync(s.runDir, { recursive: true, mode: 0o700 });
  const file = join(s.runDir, 'warp-edge.cfg');
  writeFileSync(file, renderEdgeConfig(s), { mode: 0o600 });
  return file;
}

export const pidFile = (runDir: string) => join(runDir, 'kamailio.pid');

/** `kamailio -c`: exits 0 when the configuration parses and every module loads. */
export function checkEdgeConfig(file: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolveCheck) => {
    const p = spawn(KAMAILIO, ['-c', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('error', (err) => resolveCheck({ ok: false, output: `${output}${err.message}` }));
    p.on('close', (code) => resolveCheck({ ok: code === 0, output }));
  });
}

/**
 * Starts Kamailio in the background on a rendered file (-DD: stays a child of nothing, with its
 * worker processes; -E logs to stderr, which goes to <runDir>/kamailio.log).
 */
export function startEdge(file: string, runDir: string, opts: { foreground?: boolean } = {}) {
  if (!existsSync(KAMAILIO))
    throw new Error(`Kamailio is not installed (${KAMAILIO}); see the README: apt-get install kamailio kamailio-utils-modules kamailio-extra-modules`);
  const args = ['-f', file, '-DD', '-E', '-Y', runDir, '-P', pidFile(runDir), '-w', runDir];
  if (opts.foreground) return spawn(KAMAILIO, args, { stdio: 'inherit' });
  const log = join(runDir, 'kamailio.log');
  writeFileSync(log, '');
  const out = openSync(log, 'a');
  const child = spawn(KAMAILIO, args, { stdio: ['ignore', out, out], detached: true });
  child.unref();
  return child;
}

/** Stops the Kamailio of a run directory (SIGTERM to its main process); false when none runs. */
export function stopEdge(runDir: string): boolean {
  const file = pidFile(runDir);
  if (!existsSync(file)) return false;
  const pid = Number(readFileSync(file, 'utf8').trim());
  rmSync(file, { force: true });
  try {
    process.kill(pid, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}
