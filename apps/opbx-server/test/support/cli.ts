import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command from the repository root as a child process (the CLI exactly as an operator
 * runs it) and collects its output. `env` is added to the test's own environment.
 */
export function run(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 150_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `npx tsx apps/opbx-server/src/cli.ts …args`, exactly as documented. */
export const opbxViaNpx = (args: string[], env: Record<string, string> = {}) => run('npx', ['tsx', 'apps/opbx-server/src/cli.ts', ...args], env);

/**
 * The same command through the tsx binary that npx resolves to, minus npm's own start-up (about a
 * second of CPU per run, which adds up over a suite of two dozen runs on a two-core machine).
 */
export const opbx = (args: string[], env: Record<string, string> = {}) =>
  run(`${REPO_ROOT}node_modules/.bin/tsx`, ['apps/opbx-server/src/cli.ts', ...args], env);

/**
 * Runs `tasks` with at most `limit` in flight: each CLI run is two or three node processes, and
 * CI has two cores.
 */
export async function inBatches<T>(tasks: (() => Promise<T>)[], limit = 3): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
