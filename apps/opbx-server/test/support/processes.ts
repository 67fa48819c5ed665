import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { RealtimeEndpoint } from './live.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** `opbx serve` running as its own process, as a deployment runs it. */
export interface ServerProcess extends RealtimeEndpoint {
  child: ChildProcess;
  /** stdout + stderr so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// If the test process dies first, take the servers (their whole process groups) with it.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    // detached: the child leads its own group (npx → tsx → node), so this reaches every process we started.
    process.kill(-child.pid, signal);
  } catch {
    // the whole group is already gone
  }
}

/**
 * Spawns `npx tsx apps/opbx-server/src/cli.ts serve` with `env` and resolves once its banner
 * shows the HTTP and WebSocket ports (use PORT=0 and OPBX_WS_PORT=0).
 */
export function spawnServer(env: Record<string, string>, timeoutMs = 45_000): Promise<ServerProcess> {
  const child = spawn('npx', ['tsx', 'apps/opbx-server/src/cli.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  const stop = async () => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    let started = false;
    const fail = (why: string) => {
      started = true;
      clearInterval(poll);
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${why}\n--- server output ---\n${out}`)));
    };
    const timer = setTimeout(() => fail('server did not start in time'), timeoutMs);
    child.once('exit', (code) => !started && fail(`server exited early with code ${code}`));
    const poll = setInterval(() => {
      const http = /OPBX API listening on http:\/\/[^:]+:(\d+)\//.exec(out);
      const ws = /Realtime \(Pusher protocol\): ws:\/\/[^:]+:(\d+)\/app\/([^\s]+)/.exec(out);
      if (!http || !ws) return;
      started = true;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ child, base: `http://127.0.0.1:${http[1]}`, wsPort: Number(ws[1]), wsKey: ws[2]!, output: () => out, stop });
    }, 50);
  });
}
