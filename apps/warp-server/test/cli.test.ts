import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { REPO_ROOT, run } from '../../opbx-server/test/support/cli.js';
import { DEMO_CUSTOMER, DEMO_STAFF } from '../src/demo/constants.js';
import { freshDatabaseUrl } from './support/context.js';

/** The CLI as an operator runs it: a child process on a fresh database. */
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
let env: Record<string, string>;
const warp = (args: string[]) => run(`${REPO_ROOT}node_modules/.bin/tsx`, ['apps/warp-server/src/cli.ts', ...args], env);

beforeAll(async () => {
  db = await freshDatabaseUrl();
  env = { DATABASE_URL: db.url, WARP_APP_KEY: randomBytes(24).toString('hex'), LOG_LEVEL: 'silent', NODE_ENV: 'test' };
});
afterAll(() => db?.drop());

describe('warp CLI', () => {
  it('migrate, create-staff and create-customer print one JSON line each; bad input exits 2', async () => {
    expect((await warp(['migrate'])).code).toBe(0);
    const staff = await warp(['create-staff', '--email', 'noc@carrier.example', '--password', 'Noc-passw0rd-1', '--role', 'support']);
    expect(staff.code, staff.stderr).toBe(0);
    expect(Object.keys(JSON.parse(staff.stdout.trim()))).toEqual(['user_id']);
    const customer = await warp([
      'create-customer',
      '--name',
      'Acme',
      '--type',
      'postpaid',
      '--admin-email',
      'admin@acme.example',
      '--admin-password',
      'Acme-passw0rd-1',
    ]);
    expect(customer.code, customer.stderr).toBe(0);
    const created = JSON.parse(customer.stdout.trim());
    expect(Object.keys(created)).toEqual(['customer_id', 'ban', 'user_id']);
    expect(created.ban).toMatch(/^WARP-\d{8}$/);

    const badRole = await warp(['create-staff', '--email', 'x@carrier.example', '--password', 'Noc-passw0rd-1', '--role', 'emperor']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role');
    expect(
      (await warp(['create-customer', '--name', 'B', '--type', 'monthly', '--admin-email', 'b@b.example', '--admin-password', 'Acme-passw0rd-1'])).code,
    ).toBe(2);
    const dup = await warp(['create-staff', '--email', 'noc@carrier.example', '--password', 'Noc-passw0rd-1', '--role', 'admin']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
  }, 180_000);

  it('serve --demo listens on PORT, seeds the demo logins, answers, and stops on SIGTERM', async () => {
    const child = spawn(`${REPO_ROOT}node_modules/.bin/tsx`, ['apps/warp-server/src/cli.ts', 'serve', '--demo'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 60_000);
        child.stdout.on('data', (d) => {
          out += d;
          const m = /WARP API listening on (http:\/\/localhost:\d+\/v1)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(out).toContain(DEMO_STAFF.email);
      const health = await (await fetch(`${url}/health`)).json();
      expect(health.data.status).toBe('ok');
      for (const login of [DEMO_STAFF, DEMO_CUSTOMER]) {
        const res = await fetch(`${url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: login.email, password: login.password }),
        });
        expect(res.status, login.email).toBe(200);
      }
      const code = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
