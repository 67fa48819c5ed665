import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../src/app.js';
import { type AppContext, createContext } from '../src/context.js';
import { DEMO_LOGIN } from '../src/demo/seed.js';
import { createOrganization } from '../src/modules/organization/organization.service.js';
import { Api, uniqueEmail } from './support/api.js';
import { type CliResult, inBatches, opbx, opbxViaNpx, run } from './support/cli.js';
import { freshDatabaseUrl, testConfig } from './support/context.js';
import { diffSnapshots, snapshotDatabase, tableNames } from './support/snapshot.js';

/**
 * The `opbx` command line, run as child processes against a temporary SQLite file (or, when the
 * suite runs on PostgreSQL, a fresh schema). An in-process server on the same database checks
 * what the commands wrote through the API.
 */

const dir = mkdtempSync(join(tmpdir(), 'opbx-cli-'));
const appKey = randomBytes(24).toString('hex');
const onPostgres = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));
const dropAfter: (() => Promise<void>)[] = [];

async function database(name: string): Promise<string> {
  if (!onPostgres) return `sqlite:${join(dir, `${name}.db`)}`;
  const db = await freshDatabaseUrl();
  dropAfter.push(db.drop);
  return db.url;
}

let url: string;
let env: Record<string, string>;
let ctx: AppContext;
let app: FastifyInstance;
let anon: Api;

beforeAll(async () => {
  url = await database('main');
  env = { DATABASE_URL: url, OPBX_APP_KEY: appKey, OPBX_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' };
  ctx = await createContext(testConfig(url, { OPBX_APP_KEY: appKey }));
  app = await buildApp(ctx, { logger: false });
  await app.ready();
  anon = new Api(app);
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  for (const drop of dropAfter) await drop();
  rmSync(dir, { recursive: true, force: true });
});

const show = (r: CliResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
const login = (email: string, password: string) => anon.post('/auth/login', { email, password });
const count = async (table: 'organizations' | 'users') => (await ctx.db.selectFrom(table).select('id').execute()).length;

describe('help', () => {
  it('`npm run opbx -- --help` lists every command, and each command explains itself', { timeout: 300_000 }, async () => {
    const top = await run('npm', ['run', '--silent', 'opbx', '--', '--help']);
    expect(top.code, show(top)).toBe(0);
    expect(top.stdout).toMatch(/^Usage: opbx \[options\] \[command\]/m);
    expect(top.stdout).toMatch(/DATABASE_URL/);
    const section = top.stdout.split(/^Commands:$/m)[1] ?? '';
    const commands = [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['serve', 'migrate', 'create-org', 'set-cloudonix', 'seed-demo']));

    const helps = await inBatches(commands.map((c) => () => opbx([c, '--help'], env)));
    commands.forEach((command, i) => {
      const h = helps[i]!;
      expect(h.code, `${command} --help\n${show(h)}`).toBe(0);
      expect(h.stdout, command).toMatch(new RegExp(`^Usage: opbx ${command}\\b`, 'm'));
      // A one-line description under the usage line.
      expect(h.stdout.split('\n')[2]?.trim().length ?? 0, `${command} has no description`).toBeGreaterThan(10);
      expect(h.stderr, command).toBe('');
    });
    const help = Object.fromEntries(commands.map((c, i) => [c, helps[i]!.stdout]));
    for (const option of ['--name <name>', '--owner-email <email>', '--owner-password <password>', '--timezone <zone>'])
      expect(help['create-org']).toContain(option);
    for (const option of ['--org <id>', '--domain-uuid <uuid>', '--domain-name <name>', '--requests-key <key>', '--base-url <url>'])
      expect(help['set-cloudonix']).toContain(option);
    expect(help.serve).toContain('--demo');
  });
});

describe('migrate', () => {
  it('creates the schema in a fresh database, and is idempotent', { timeout: 300_000 }, async () => {
    const fresh = await database('fresh');
    const freshEnv = { ...env, DATABASE_URL: fresh };
    const first = await opbxViaNpx(['migrate'], freshEnv);
    expect(first.code, show(first)).toBe(0);
    expect(first.stdout).toMatch(/Migrations applied/);
    if (!onPostgres) expect(existsSync(fresh.slice('sqlite:'.length))).toBe(true);
    const second = await opbx(['migrate'], freshEnv);
    expect(second.code, show(second)).toBe(0);

    const check = await createContext(testConfig(fresh), { migrate: false });
    try {
      const tables = await tableNames(check);
      expect(tables).toEqual(
        expect.arrayContaining([
          'organizations',
          'users',
          'api_tokens',
          'extensions',
          'dids',
          'ring_groups',
          'ring_group_members',
          'business_hours',
          'cloudonix_settings',
          'call_logs',
          'voicemails',
        ]),
      );
      expect(await check.db.selectFrom('organizations').select('id').execute()).toEqual([]);
    } finally {
      await check.close();
    }
  });
});

describe('create-org', () => {
  it('prints exactly one JSON line with the ids, and the owner can log in', { timeout: 300_000 }, async () => {
    const email = uniqueEmail('cli-owner');
    const res = await opbxViaNpx(
      [
        'create-org',
        '--name',
        'Acme CLI',
        '--owner-email',
        email,
        '--owner-password',
        'cli-passw0rd',
        '--owner-name',
        'Casey Owner',
        '--timezone',
        'Europe/Paris',
      ],
      env,
    );
    expect(res.code, show(res)).toBe(0);
    const lines = res.stdout.split('\n').filter((l) => l.trim() !== '');
    expect(lines, show(res)).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(Object.keys(out).sort()).toEqual(['organization_id', 'user_id']);
    expect(out.organization_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.user_id).toMatch(/^[0-9a-f-]{36}$/);

    const session = await login(email, 'cli-passw0rd');
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    expect(session.body.user).toMatchObject({ id: out.user_id, organization_id: out.organization_id, role: 'owner', name: 'Casey Owner' });
    const orgView = await anon.as(session.body.access_token).get('/organization');
    expect(orgView.body).toMatchObject({ id: out.organization_id, name: 'Acme CLI', timezone: 'Europe/Paris' });
  });

  it('refuses bad arguments with a message and a non-zero exit, writing nothing', { timeout: 300_000 }, async () => {
    const taken = uniqueEmail('taken');
    await createOrganization(ctx, { name: 'Taken', ownerEmail: taken, ownerPassword: 'taken-passw0rd' });
    const before = await snapshotDatabase(ctx);
    const good = ['--name', 'Bad Args', '--owner-email', uniqueEmail('bad'), '--owner-password', 'good-passw0rd'];
    const without = (flag: string) => good.filter((_, i) => good[i] !== flag && good[i - 1] !== flag);
    const cases: [string, string[], RegExp][] = [
      ['missing --name', ['create-org', ...without('--name')], /required option '--name <name>' not specified/],
      ['a bad email', ['create-org', ...good.slice(0, 2), '--owner-email', 'not-an-email', '--owner-password', 'good-passw0rd'], /owner-email.*valid email/i],
      ['a weak password', ['create-org', ...good.slice(0, 4), '--owner-password', 'short'], /owner-password.*8 characters/i],
      ['a bad time zone', ['create-org', ...good, '--timezone', 'Mars/Olympus'], /time zone/i],
      ['an email already in use', ['create-org', ...good.slice(0, 2), '--owner-email', taken, '--owner-password', 'good-passw0rd'], /already in use/],
      ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
      [
        'set-cloudonix for no organization',
        [
          'set-cloudonix',
          '--org',
          '00000000-0000-7000-8000-000000000000',
          '--domain-uuid',
          'd',
          '--domain-name',
          'a.cloudonix.net',
          '--base-url',
          'https://pbx.example.com',
        ],
        /not found/,
      ],
      [
        'set-cloudonix with a bad URL',
        ['set-cloudonix', '--org', 'x', '--domain-uuid', 'd', '--domain-name', 'a.cloudonix.net', '--base-url', 'ftp://pbx'],
        /webhook_base_url/,
      ],
    ];
    const results = await inBatches(
      cases.map(
        ([, args]) =>
          () =>
            opbx(args, env),
      ),
    );
    cases.forEach(([label, , message], i) => {
      const r = results[i]!;
      expect(r.code, `${label}\n${show(r)}`).not.toBe(0);
      expect(r.code, `${label}\n${show(r)}`).not.toBeNull();
      expect(r.stderr, `${label}\n${show(r)}`).toMatch(message);
      expect(r.stdout.trim(), `${label}: nothing on stdout for a failure`).not.toMatch(/organization_id/);
      expect(r.stderr, `${label}: a message, not a stack trace`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    });
    expect(diffSnapshots(before, await snapshotDatabase(ctx))).toEqual([]);
  });

  it('a bad DATABASE_URL or configuration is a clear message and a non-zero exit', { timeout: 300_000 }, async () => {
    const [badUrl, badPort] = await Promise.all([
      opbx(['migrate'], { ...env, DATABASE_URL: 'mysql://root@localhost/opbx' }),
      opbx(['serve'], { ...env, PORT: 'eighty' }),
    ]);
    expect(badUrl.code, show(badUrl)).not.toBe(0);
    expect(badUrl.stderr).toMatch(/Unsupported DATABASE_URL/);
    expect(badPort.code, show(badPort)).not.toBe(0);
    expect(badPort.stderr).toMatch(/PORT/);
    for (const r of [badUrl, badPort]) expect(r.stderr, show(r)).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});

describe('seed-demo', () => {
  it('creates the demo organization once; a second run changes nothing', { timeout: 300_000 }, async () => {
    const first = await opbx(['seed-demo'], env);
    expect(first.code, show(first)).toBe(0);
    expect(first.stdout).toMatch(/Demo organization created/);
    expect(first.stdout).toContain(DEMO_LOGIN.email);
    const orgs = await count('organizations');
    const before = await snapshotDatabase(ctx);

    const second = await opbx(['seed-demo'], env);
    expect(second.code, show(second)).toBe(0);
    expect(second.stdout).toMatch(/already exists/);
    expect(diffSnapshots(before, await snapshotDatabase(ctx))).toEqual([]);
    expect(await count('organizations')).toBe(orgs);

    const session = await login(DEMO_LOGIN.email, DEMO_LOGIN.password);
    expect(session.status).toBe(200);
    const demo = anon.as(session.body.access_token);
    expect((await demo.get('/extensions')).body.meta.total).toBeGreaterThanOrEqual(4);
    expect((await demo.get('/ring-groups')).body.meta.total).toBeGreaterThanOrEqual(1);
    expect((await demo.get('/dids')).body.meta.total).toBeGreaterThanOrEqual(1);
    expect((await demo.get('/business-hours')).body.data.length).toBeGreaterThanOrEqual(1);
  });
});

describe('set-cloudonix', () => {
  it('stores the settings; the owner sees them through the API without the key', { timeout: 300_000 }, async () => {
    const email = uniqueEmail('cx-owner');
    const createdOrg = await createOrganization(ctx, { name: 'Cx Org', ownerEmail: email, ownerPassword: 'cx-passw0rd' });
    const key = 'cli-requests-key-0123456789abcdef';
    const res = await opbx(
      [
        'set-cloudonix',
        '--org',
        createdOrg.organization_id,
        '--domain-uuid',
        'cx-domain-uuid',
        '--domain-name',
        'cx.cloudonix.net',
        '--requests-key',
        key,
        '--base-url',
        'https://pbx.cx.example/',
      ],
      env,
    );
    expect(res.code, show(res)).toBe(0);
    expect(res.stdout).not.toContain(key);

    const owner = anon.as((await login(email, 'cx-passw0rd')).body.access_token);
    const view = await owner.get('/settings/cloudonix');
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body).toMatchObject({
      domain_uuid: 'cx-domain-uuid',
      domain_name: 'cx.cloudonix.net',
      webhook_base_url: 'https://pbx.cx.example',
      requests_key_set: true,
      voice_url: 'https://pbx.cx.example/api/voice/route',
    });
    expect(view.body.requests_key).toBeUndefined();
    expect(JSON.stringify(view.body)).not.toContain(key);
    // The stored key is what Cloudonix must present on its webhooks.
    const cdr = (bearer: string) =>
      app.inject({
        method: 'POST',
        url: '/api/webhooks/cloudonix/cdr',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        payload: '{}',
      });
    expect((await cdr(key)).statusCode).not.toBe(401);
    expect((await cdr(`${key}-wrong`)).statusCode).toBe(401);
  });

  it('generates a key on first setup, prints it once, and keeps it on later runs without --requests-key', { timeout: 300_000 }, async () => {
    const email = uniqueEmail('cx-gen');
    const createdOrg = await createOrganization(ctx, { name: 'Cx Gen', ownerEmail: email, ownerPassword: 'cx-passw0rd' });
    const args = [
      'set-cloudonix',
      '--org',
      createdOrg.organization_id,
      '--domain-uuid',
      'gen-uuid',
      '--domain-name',
      'gen.cloudonix.net',
      '--base-url',
      'https://pbx.gen.example',
    ];
    const first = await opbx(args, env);
    expect(first.code, show(first)).toBe(0);
    const generated: string = JSON.parse(first.stdout.trim().split('\n').at(-1)!).requests_key;
    expect(generated).toMatch(/^\S{16,}$/);
    const again = await opbx([...args.slice(0, -1), 'https://pbx2.gen.example'], env);
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).not.toContain(generated);
    const owner = anon.as((await login(email, 'cx-passw0rd')).body.access_token);
    const view = await owner.get('/settings/cloudonix');
    expect(view.body).toMatchObject({ webhook_base_url: 'https://pbx2.gen.example', requests_key_hint: `…${generated.slice(-4)}` });
    expect(JSON.stringify(view.body)).not.toContain(generated);
  });
});
