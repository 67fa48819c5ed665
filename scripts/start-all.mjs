#!/usr/bin/env node
// `npm start`: both products on their embedded defaults with demo data — OPBX on :8000
// (./data/opbx.db), WARP on :8080 (./data/warp.db). PORT and DATABASE_URL are product-specific,
// so they are not passed on; to configure one product, start it alone (`npm run start:opbx`,
// `npm run start:warp`, or its CLI).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// tsx directly (not through npm, which does not pass SIGTERM on to its script).
const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;

const env = { ...process.env };
delete env.PORT;
delete env.DATABASE_URL;

const products = [
  { name: 'opbx', args: ['apps/opbx-server/src/cli.ts', 'serve', '--demo'] },
  { name: 'warp', args: ['apps/warp-server/src/cli.ts', 'serve', '--demo'] },
];

let stopping = false;
const children = products.map(({ name, args }) => {
  const child = spawn(tsx, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of ['stdout', 'stderr']) {
    let rest = '';
    child[stream].on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) process[stream].write(`[${name}] ${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[${name}] exited (${signal ?? code}); stopping the other product`);
    stop(code ?? 1);
  });
  return child;
});

function stop(code = 0) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r))))).then(() => process.exit(code));
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
