import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EDGE_DEFAULTS, KAMAILIO, newAuthSecret, writeEdgeConfig } from '../../src/modules/sip-edge/edge-config.js';

/*
 * Real SIP on loopback for the edge's tests and benchmark: Kamailio rendered from the project's
 * configuration, SIPp playing customers (UAC) and provider gateways (UAS). Every party gets its
 * own 127.0.0.x address, so the edge tells them apart by source address as it would in production.
 */

export const SIPP = '/usr/bin/sipp';

const work = mkdtempSync(join(tmpdir(), 'warp-sip-'));
let files = 0;

/** A free UDP port on `host`. */
export function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Sends one OPTIONS from a throwaway socket and resolves with the first status line, or null after `ms`. */
export function sipPing(host: string, port: number, ms = 500): Promise<string | null> {
  return sipRequest(
    host,
    port,
    (local, branch) => [
      `OPTIONS sip:${host}:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:probe@127.0.0.1>;tag=${branch.slice(7)}`,
      `To: <sip:${host}:${port}>`,
      `Call-ID: ${branch}@127.0.0.1`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
    ],
    ms,
  );
}

/** Sends one hand-written request (header lines; `local` port and a fresh `branch` given) and resolves with the first response's status line. */
export function sipRequest(host: string, port: number, lines: (local: number, branch: string) => string[], ms = 500): Promise<string | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(null);
    }, ms);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m.toString().split('\r\n')[0] ?? null);
    });
    s.bind(0, '127.0.0.1', () => {
      const local = s.address().port;
      const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
      s.send([...lines(local, branch), '', ''].join('\r\n'), port, host);
    });
  });
}

export interface Edge {
  host: string;
  port: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

const exited = (p: ChildProcess) =>
  new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));

/** Kamailio on `host`, rendered from the project's template against the WARP at `apiUrl`. */
export async function startEdge(opts: {
  apiUrl: string;
  edgeKey: string;
  host?: string;
  children?: number;
  logLevel?: number;
  fixedRoute?: string;
}): Promise<Edge> {
  if (!existsSync(KAMAILIO)) throw new Error(`${KAMAILIO} is missing: .ci/run installs Debian's kamailio packages (see the README)`);
  const host = opts.host ?? '127.0.0.1';
  const port = await freeUdpPort(host);
  const dir = mkdtempSync(join(work, 'edge-'));
  const file = writeEdgeConfig({
    ...EDGE_DEFAULTS,
    sipListen: `${host}:${port}`,
    apiUrl: opts.apiUrl,
    edgeKey: opts.edgeKey,
    runDir: dir,
    authSecret: newAuthSecret(),
    children: opts.children ?? 4,
    logLevel: opts.logLevel ?? 1,
    frTimerMs: 2000,
    pikeDensity: 1000,
    fixedRoute: opts.fixedRoute,
  });
  let log = '';
  const p = spawn(KAMAILIO, ['-f', file, '-DD', '-E', '-Y', dir, '-P', join(dir, 'kamailio.pid'), '-w', dir, '-m', '128'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  p.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  for (let i = 0; i < 100; i++) {
    if (p.exitCode !== null) throw new Error(`kamailio exited ${p.exitCode}:\n${log.slice(-4000)}`);
    if ((await sipPing(host, port, 100))?.includes('200')) break;
    if (i === 99) throw new Error(`kamailio did not answer OPTIONS on ${host}:${port}:\n${log.slice(-4000)}`);
  }
  return {
    host,
    port,
    dir,
    log: () => log,
    async stop() {
      p.kill('SIGTERM');
      await Promise.race([exited(p), new Promise((r) => setTimeout(r, 3000))]);
      if (p.exitCode === null) p.kill('SIGKILL');
    },
  };
}

export interface Uas {
  host: string;
  port: number;
  /** every SIP message the gateway sent and received so far */
  messages(): string;
  /** the Request-URIs of the INVITEs it received */
  invites(): string[];
  stop(): Promise<void>;
}

function scenarioFile(xml: string): string {
  const file = join(work, `scenario-${++files}.xml`);
  writeFileSync(file, xml);
  return file;
}

/** A provider gateway: SIPp UAS on host:port playing `scenario` for every call until stopped. */
export async function startUas(host: string, scenario: string): Promise<Uas> {
  const port = await freeUdpPort(host);
  const messagesFile = join(work, `uas-${host}-${port}.log`);
  const p = spawn(
    SIPP,
    ['-sf', scenarioFile(scenario), '-i', host, '-p', String(port), '-bind_local', '-nostdin', '-trace_msg', '-message_file', messagesFile],
    {
      stdio: 'ignore',
    },
  );
  const messages = () => (existsSync(messagesFile) ? readFileSync(messagesFile, 'utf8') : '');
  return {
    host,
    port,
    messages,
    invites: () => [...messages().matchAll(/^INVITE (sip:\S+) SIP\/2\.0/gm)].map((m) => m[1]!),
    async stop() {
      p.kill('SIGKILL');
      await exited(p);
    },
  };
}

export interface UacResult {
  /** SIPp's exit code: 0 every call went as the scenario says, 1 some failed */
  exitCode: number;
  errors: string;
  /** SIPp's final statistics (CSV) */
  stats: Record<string, string>;
  screen: string;
}

/** Customer calls from `from` to the edge: `calls` calls at `rate` per second, each held `holdMs` when answered. */
export async function runUac(opts: {
  edge: Pick<Edge, 'host' | 'port'>;
  from: string;
  dni: string;
  ani?: string;
  scenario: string;
  calls?: number;
  rate?: number;
  holdMs?: number;
  auth?: { user: string; password: string };
  timeoutS?: number;
  /** most calls in progress at once (default: all of them) */
  limit?: number;
}): Promise<UacResult> {
  const tag = `uac-${++files}`;
  const errors = join(work, `${tag}-errors.log`);
  const screen = join(work, `${tag}-screen.log`);
  const calls = opts.calls ?? 1;
  const args = [
    `${opts.edge.host}:${opts.edge.port}`,
    '-sf',
    scenarioFile(opts.scenario),
    '-i',
    opts.from,
    '-bind_local',
    '-p',
    String(await freeUdpPort(opts.from)),
    '-s',
    opts.dni,
    '-key',
    'ani',
    opts.ani ?? '12125551000',
    '-m',
    String(calls),
    '-r',
    String(opts.rate ?? 10),
    '-l',
    String(opts.limit ?? calls),
    '-d',
    String(opts.holdMs ?? 200),
    '-nostdin',
    '-timeout',
    `${opts.timeoutS ?? 30}s`,
    '-timeout_error',
    '-trace_err',
    '-error_file',
    errors,
    '-trace_screen',
    '-screen_file',
    screen,
    '-trace_stat',
    '-stf',
    join(work, `${tag}-stats.csv`),
  ];
  if (opts.auth) args.push('-au', opts.auth.user, '-ap', opts.auth.password);
  const p = spawn(SIPP, args, { stdio: 'ignore', cwd: work });
  await exited(p);
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  const csv = read(join(work, `${tag}-stats.csv`))
    .trim()
    .split('\n');
  const header = (csv[0] ?? '').split(';');
  const last = (csv[csv.length - 1] ?? '').split(';');
  return { exitCode: p.exitCode ?? -1, errors: read(errors), stats: Object.fromEntries(header.map((h, i) => [h, last[i] ?? ''])), screen: read(screen) };
}

export function cleanUpSipFiles() {
  rmSync(work, { recursive: true, force: true });
}
