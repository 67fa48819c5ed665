import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../src/app.js';
import { type AppContext, createContext } from '../src/context.js';
import { Api, uniqueEmail } from './support/api.js';
import { freshDatabaseUrl, testConfig } from './support/context.js';
import { createCredentialedOrg, created, type CredentialedOrg, expectEnvelope, PASSWORD } from './support/fixtures.js';
import { apiRoutes } from './support/routes.js';

/**
 * What operators rely on: health, docs, metrics, CORS, security headers, request ids, logs that
 * never carry a secret, and a clean exit on SIGTERM. One server (with a captured JSON log) for
 * the whole file.
 */

const ALLOWED_ORIGIN = 'https://app.example.com';
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let app: FastifyInstance;
let ctx: AppContext;
let dropDb: () => Promise<void>;
let org: CredentialedOrg;
const logLines: string[] = [];

beforeAll(async () => {
  const db = await freshDatabaseUrl();
  dropDb = db.drop;
  ctx = await createContext(
    testConfig(db.url, { LOG_LEVEL: 'info', OPBX_CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example.com`, OPBX_LOGIN_LIMIT_EMAIL: '3' }),
  );
  app = await buildApp(ctx, { logStream: { write: (line: string) => void logLines.push(line) } });
  await app.ready();
  org = await createCredentialedOrg(app, ctx, 'Ops Org');
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await dropDb?.();
});

describe('health', () => {
  it('answers without a token, with the database state', async () => {
    const res = await new Api(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'ok', dialect: ctx.dialect });
    expect(res.body.uptime_seconds).toBeTypeOf('number');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('API docs', () => {
  it('serves the interactive docs page', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/docs' });
    const html = page.statusCode === 302 ? await app.inject({ method: 'GET', url: String(page.headers.location) }) : page;
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).toMatch(/swagger-ui/i);
  });

  it('publishes an OpenAPI document listing every /api/v1 route with its request schema', async () => {
    const res = await new Api(app).get('/api/docs/json');
    expect(res.status).toBe(200);
    const spec = res.body;
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.info).toMatchObject({ title: 'OPBX API' });
    const missing: string[] = [];
    for (const route of apiRoutes(app).filter((r) => !r.startsWith('HEAD '))) {
      const [method, path] = route.split(' ') as [string, string];
      const op = spec.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      if (!op) missing.push(route);
      else if (path.includes(':id'))
        expect(
          op.parameters?.some((p: { name: string; in: string }) => p.name === 'id' && p.in === 'path'),
          route,
        ).toBe(true);
    }
    expect(missing, 'routes absent from the OpenAPI document').toEqual([]);

    const createUser = spec.paths['/api/v1/users'].post.requestBody.content['application/json'].schema;
    expect(createUser.required).toEqual(expect.arrayContaining(['name', 'email', 'password', 'role']));
    expect(Object.keys(createUser.properties)).toEqual(expect.arrayContaining(['name', 'email', 'password', 'role', 'status', 'extension_number']));
    expect(createUser.additionalProperties).toBe(false);
    expect(createUser.properties.role.enum).toEqual(['owner', 'admin', 'agent']);

    // Every write with a body documents it.
    for (const [path, methods] of [
      ['/api/v1/auth/login', ['post']],
      ['/api/v1/organization', ['patch']],
      ['/api/v1/users/{id}', ['patch']],
      ['/api/v1/extensions', ['post']],
      ['/api/v1/extensions/{id}', ['patch']],
      ['/api/v1/dids', ['post']],
      ['/api/v1/dids/{id}', ['patch']],
      ['/api/v1/ring-groups', ['post']],
      ['/api/v1/ring-groups/{id}', ['patch']],
      ['/api/v1/business-hours', ['post']],
      ['/api/v1/business-hours/{id}', ['patch']],
      ['/api/v1/settings/cloudonix', ['put']],
    ] as const) {
      for (const m of methods) {
        const schema = spec.paths[path]?.[m]?.requestBody?.content?.['application/json']?.schema;
        expect(schema?.type, `${m} ${path}`).toBe('object');
        expect(Object.keys(schema?.properties ?? {}).length, `${m} ${path}`).toBeGreaterThan(0);
      }
    }
    const dids = spec.paths['/api/v1/dids'].post.requestBody.content['application/json'].schema;
    expect(dids.properties.routing_config.properties).toHaveProperty('extension_id');
    expect(dids.required).toEqual(expect.arrayContaining(['phone_number', 'routing_type', 'routing_config']));
  });
});

describe('metrics', () => {
  it('counts requests and latency by route pattern and status, never by raw URL', async () => {
    const rawIds = [org.agentId, randomUUID(), randomUUID()];
    expect((await org.owner.get(`/users/${rawIds[0]}`)).status).toBe(200);
    expect((await org.owner.get(`/users/${rawIds[1]}`)).status).toBe(404);
    expect((await org.owner.get(`/no-such-thing/${rawIds[2]}`)).status).toBe(404);
    expect((await org.owner.get(`/extensions?search=${rawIds[2]}`)).status).toBe(200);

    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    const series = (name: string) => text.split('\n').filter((l) => l.startsWith(name));
    const counters = series('http_requests_total{');
    const has = (labels: Record<string, string>) => counters.some((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    expect(has({ method: 'GET', route: '/api/v1/users/:id', status: '200' }), counters.join('\n')).toBe(true);
    expect(has({ method: 'GET', route: '/api/v1/users/:id', status: '404' })).toBe(true);
    expect(has({ method: 'GET', route: '/api/v1/extensions', status: '200' })).toBe(true);
    expect(has({ method: 'POST', route: '/api/v1/auth/login', status: '200' })).toBe(true);
    expect(series('http_request_duration_seconds_bucket{').some((l) => l.includes('route="/api/v1/users/:id"') && l.includes('status="200"'))).toBe(true);
    expect(series('http_request_duration_seconds_count{').length).toBeGreaterThan(0);
    for (const id of rawIds) expect(text, `a raw id leaked into a metric label: ${id}`).not.toContain(id);
    expect(text).not.toContain('/no-such-thing');
    expect(text).not.toContain('search=');
  });
});

describe('CORS', () => {
  const preflight = (origin: string, method: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/api/v1/users',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
    });

  it('lets a configured origin call every method the API uses, with the bearer and JSON headers', async () => {
    for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
      const res = await preflight(ALLOWED_ORIGIN, method);
      expect(res.statusCode, method).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin'], method).toBe(ALLOWED_ORIGIN);
      const methods = String(res.headers['access-control-allow-methods'] ?? '')
        .split(',')
        .map((m) => m.trim().toUpperCase());
      expect(methods, `preflight for ${method} allows ${methods.join(',')}`).toContain(method);
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toMatch(/authorization/);
    }
    const second = await preflight('https://admin.example.com', 'GET');
    expect(second.headers['access-control-allow-origin']).toBe('https://admin.example.com');

    const simple = await app.inject({ method: 'GET', url: '/api/v1/health', headers: { origin: ALLOWED_ORIGIN } });
    expect(simple.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(String(simple.headers.vary)).toMatch(/origin/i);
    expect(String(simple.headers['access-control-expose-headers']).toLowerCase()).toContain('x-request-id');
  });

  it('does not allow other origins', async () => {
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.net', 'http://app.example.com', 'null']) {
      const pre = await preflight(origin, 'GET');
      expect(pre.headers['access-control-allow-origin'], origin).toBeUndefined();
      const simple = await app.inject({ method: 'GET', url: '/api/v1/health', headers: { origin } });
      // Without Access-Control-Allow-Origin the browser withholds the answer (a stray allow-credentials is inert).
      expect(simple.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });
});

describe('security headers', () => {
  it('are set on successes, errors, docs and metrics alike', async () => {
    const responses = {
      health: await app.inject({ method: 'GET', url: '/api/v1/health' }),
      unauthorized: await app.inject({ method: 'GET', url: '/api/v1/users' }),
      unknownRoute: await app.inject({ method: 'GET', url: '/api/v1/nothing-here' }),
      badJson: await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{' }),
      metrics: await app.inject({ method: 'GET', url: '/metrics' }),
      docsJson: await app.inject({ method: 'GET', url: '/api/docs/json' }),
    };
    for (const [name, res] of Object.entries(responses)) {
      const h = res.headers;
      expect(h['x-content-type-options'], name).toBe('nosniff');
      expect(h['x-frame-options'], name).toBe('SAMEORIGIN');
      expect(h['strict-transport-security'], name).toMatch(/max-age=\d+/);
      expect(h['referrer-policy'], name).toBe('no-referrer');
      expect(h['x-dns-prefetch-control'], name).toBe('off');
      expect(h['x-permitted-cross-domain-policies'], name).toBe('none');
      expect(h['cross-origin-opener-policy'], name).toBe('same-origin');
      expect(h['x-powered-by'], name).toBeUndefined();
      expect(h['server'], name).toBeUndefined();
    }
  });
});

describe('request ids', () => {
  it('every error carries request_id equal to the x-request-id header', async () => {
    const extension = await created(org.owner, '/extensions', { extension_number: '901', type: 'virtual' });
    const cases: [string, Promise<{ status: number; body: any; headers: Record<string, unknown> }>, number][] = [
      ['401 no token', org.anon.get('/users'), 401],
      ['401 bad token', org.anon.as('nope').get('/users'), 401],
      ['403 role', org.agent.get('/users'), 403],
      ['404 route', org.owner.get('/nothing-here'), 404],
      ['404 row', org.owner.get(`/extensions/${randomUUID()}`), 404],
      ['409 conflict', org.owner.post('/extensions', { extension_number: '901', type: 'virtual' }), 409],
      ['422 validation', org.owner.post('/extensions', { extension_number: 'x' }), 422],
      ['422 bad JSON', org.owner.request('POST', '/extensions', '{'), 422],
      ['413 too large', org.owner.post('/extensions', { pad: 'x'.repeat(2 * 1024 * 1024) }), 413],
    ];
    for (const [label, pending, status] of cases) {
      const res = await pending;
      expectEnvelope(res, status, undefined, label);
      expect(String(res.headers['x-request-id'])).toMatch(/^req_[0-9a-f-]{36}$/);
    }
    for (let i = 0; i < 3; i++) await org.anon.post('/auth/login', { email: 'victim@test.example', password: 'wrong-pass1' });
    const limited = await org.anon.post('/auth/login', { email: 'victim@test.example', password: 'wrong-pass1' });
    expectEnvelope(limited, 429, 'RATE_LIMIT_EXCEEDED', '429');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Successes carry the header too.
    expect(String((await org.owner.get(`/extensions/${extension}`)).headers['x-request-id'])).toMatch(/^req_/);
  });

  it('a well-formed incoming X-Request-Id is kept end to end; anything else is replaced', async () => {
    const kept = await org.owner.request('GET', '/users/not-a-real-id', undefined, { 'x-request-id': 'lb-trace-0001.abc' });
    expect(kept.headers['x-request-id']).toBe('lb-trace-0001.abc');
    expect(kept.body.error.request_id).toBe('lb-trace-0001.abc');
    for (const bad of ['short', 'has spaces in it!', 'x'.repeat(65), '<script>alert(1)</script>']) {
      const res = await org.owner.request('GET', '/users/not-a-real-id', undefined, { 'x-request-id': bad });
      expect(res.headers['x-request-id'], bad).toMatch(/^req_/);
      expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
    }
  });
});

describe('logs', () => {
  it('are JSON lines with request ids, and never contain a password, token, SIP password or requests key', async () => {
    const sipPassword = 'Sip-Secret-4242-zz';
    const requestsKey = 'Cx-Requests-Key-9876543210';
    const email = uniqueEmail('logged');
    const userPassword = 'Logged-passw0rd-77';
    expect((await org.owner.post('/users', { name: 'Logged', email, password: userPassword, role: 'agent' })).status).toBe(201);
    const login = await org.anon.request('POST', '/auth/login', { email, password: userPassword }, { 'x-request-id': 'log-test-login-1' });
    expect(login.status).toBe(200);
    const token: string = login.body.access_token;
    const me = new Api(app, token);
    expect((await me.get('/auth/me')).status).toBe(200);
    expect((await org.anon.post('/auth/login', { email, password: `${userPassword}-wrong` })).status).toBe(422);
    expect((await org.anon.post('/auth/login', { email, password: userPassword, extra: true })).status).toBe(422);
    expect((await org.owner.post('/users', { name: 'Bad', email: uniqueEmail('bad'), password: userPassword, role: 'emperor' })).status).toBe(422);
    const ext = await org.owner.post('/extensions', { extension_number: '950', type: 'virtual', sip_config: { username: 'sip950', password: sipPassword } });
    expect(ext.status).toBe(201);
    const badExt = await org.owner.post('/extensions', { extension_number: '951', type: 'virtual', sip_config: { password: sipPassword, bogus: 1 } });
    expect(badExt.status).toBe(422);
    const reset = await org.owner.post(`/extensions/${ext.body.id}/reset-sip-password`);
    expect(reset.status).toBe(200);
    const settings = await org.owner.request('PUT', '/settings/cloudonix', {
      domain_uuid: 'log-domain',
      domain_name: 'log.cloudonix.net',
      requests_key: requestsKey,
      webhook_base_url: 'https://pbx.log.example',
    });
    expect(settings.status).toBe(200);
    const badSettings = await org.owner.request('PUT', '/settings/cloudonix', {
      domain_uuid: 'log-domain',
      domain_name: 'bad domain',
      requests_key: requestsKey,
      webhook_base_url: 'https://pbx.log.example',
    });
    expect(badSettings.status).toBe(422);
    const refreshed = await me.post('/auth/refresh');
    expect(refreshed.status).toBe(200);
    // Cloudonix presents the key as a bearer token on its webhooks.
    await app.inject({
      method: 'POST',
      url: '/api/webhooks/cloudonix/cdr',
      headers: { authorization: `Bearer ${requestsKey}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    await app.inject({
      method: 'POST',
      url: '/api/voice/route',
      headers: { authorization: `Bearer ${requestsKey}` },
      payload: { CallSid: 'log-call', From: '+15550100111', To: '+15550100222' },
    });

    const secrets = {
      'login password': userPassword,
      'access token': token,
      'refreshed token': refreshed.body.access_token as string,
      'owner token': org.owner.token!,
      'SIP password': sipPassword,
      'reset SIP password': reset.body.sip_config.password as string,
      'Cloudonix requests key': requestsKey,
      'fixture password': PASSWORD,
    };
    expect(logLines.length).toBeGreaterThan(20);
    const entries = logLines.map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, any>;
      } catch {
        throw new Error(`log line ${i} is not JSON: ${line.slice(0, 200)}`);
      }
    });
    const all = logLines.join('\n');
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret.length, what).toBeGreaterThan(7);
      expect(all.includes(secret), `the ${what} appears in the log`).toBe(false);
    }
    for (const e of entries) {
      expect(e.level).toBeTypeOf('number');
      expect(e.time).toBeTypeOf('number');
    }
    const requestLogs = entries.filter((e) => e.req || e.res);
    expect(requestLogs.length).toBeGreaterThan(10);
    for (const e of requestLogs) expect(e.reqId, JSON.stringify(e).slice(0, 200)).toMatch(/^(req_[0-9a-f-]{36}|[\w.-]{8,64})$/);
    const completions = entries.filter((e) => e.msg === 'request completed');
    expect(completions.some((e) => e.reqId === 'log-test-login-1' && e.res?.statusCode === 200)).toBe(true);
    expect(completions.every((e) => typeof e.responseTime === 'number')).toBe(true);
  });
});

describe('graceful shutdown', () => {
  const freePort = () =>
    new Promise<number>((ok, fail) => {
      const probe = createServer();
      probe.once('error', fail);
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => ok(port));
      });
    });

  const CASES = [
    // A process manager stopping the service.
    { name: 'SIGTERM', signal: 'SIGTERM', group: false },
    // A terminal's Ctrl-C reaches every process of the foreground group (tsx and the server alike).
    { name: 'Ctrl-C (SIGINT to the group)', signal: 'SIGINT', group: true },
  ] as const;

  it.each(CASES)('exits 0 promptly on $name, even with an idle keep-alive client', { timeout: 120_000 }, async ({ signal, group }) => {
    const dir = mkdtempSync(join(tmpdir(), 'opbx-serve-'));
    const db = process.env.DATABASE_URL?.startsWith('postgres')
      ? await freshDatabaseUrl()
      : { url: `sqlite:${join(dir, 'opbx.db')}`, drop: async () => undefined };
    const port = await freePort();
    // The server process itself (node with the tsx loader). The tsx CLI wrapper has signal handling of
    // its own (it may answer a group Ctrl-C with 130 whatever the server does), which is not ours to test.
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/opbx-server/src/cli.ts', 'serve'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        OPBX_WS_PORT: '0',
        DATABASE_URL: db.url,
        OPBX_APP_KEY: randomUUID(),
        OPBX_DATA_DIR: dir,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group,
    });
    let output = '';
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
    try {
      const started = Date.now();
      let healthy = false;
      while (!healthy && Date.now() - started < 40_000 && child.exitCode === null) {
        healthy = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (!healthy) await new Promise((r) => setTimeout(r, 200));
      }
      expect(healthy, `server never became healthy:\n${output}`).toBe(true);

      // An idle keep-alive connection must not hold the shutdown open.
      const agent = new Agent({ keepAlive: true });
      await new Promise<void>((ok, fail) => {
        request({ host: '127.0.0.1', port, path: '/api/v1/health', agent }, (res) => {
          res.resume();
          res.on('end', () => ok());
        })
          .on('error', fail)
          .end();
      });

      const signalledAt = Date.now();
      if (group) process.kill(-child.pid!, signal);
      else child.kill(signal);
      const result = await Promise.race([exited, new Promise<'timeout'>((ok) => setTimeout(() => ok('timeout'), 15_000))]);
      agent.destroy();
      expect(result, `no exit within 15 s of ${signal}:\n${output}`).not.toBe('timeout');
      expect(result, output).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      expect(
        await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
          () => 'up',
          () => 'down',
        ),
      ).toBe('down');
      expect(output).toMatch(/shutting down/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        if (group) process.kill(-child.pid!, 'SIGKILL');
        else child.kill('SIGKILL');
      }
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
