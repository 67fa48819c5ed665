import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createHttpApp, type HttpApp } from '@opbx/platform';
import { afterAll, describe, expect, it } from 'vitest';

import { createContext } from '../src/context.js';
import { DEMO_LOGIN } from '../src/demo/seed.js';
import { registerWebApp } from '../src/http/web-app.js';
import { createOrganization } from '../src/modules/organization/organization.service.js';
import { startServer } from '../src/server.js';
import { uniqueEmail } from './support/api.js';
import { createTestServer, freshDatabaseUrl, testConfig, type TestServer } from './support/context.js';

/** HTTP hardening: the console's Content-Security-Policy, who may read /metrics, and `serve --demo`. */
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe('Content-Security-Policy of the web app', () => {
  async function webApp(): Promise<HttpApp> {
    const root = mkdtempSync(join(tmpdir(), 'opbx-web-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><html><head><title>OPBX</title><script type="module" src="/assets/app.js"></script></head></html>');
    const app = (await createHttpApp({ title: 't', version: '1', logger: false, corsOrigins: '*', docsPath: '/api/docs' })) as HttpApp;
    await registerWebApp(app, { wsPort: () => 6123 }, root);
    app.get('/api/v1/thing', async () => ({ ok: true }));
    await app.ready();
    closers.push(async () => {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    });
    return app;
  }

  it('the app’s pages allow only its own scripts, styles and images, the API and the realtime socket', async () => {
    const app = await webApp();
    const nonces = new Set<string>();
    for (const url of ['/', '/extensions/123', '/index.html']) {
      const res = await app.inject({ method: 'GET', url, headers: { host: 'pbx.example.com:8000', accept: 'text/html' } });
      expect(res.statusCode, url).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      const directives = Object.fromEntries(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      );
      // The page hands its nonce to the app (for the one inline style element Radix injects).
      const nonce = /<meta name="csp-nonce" content="([^"]+)"/.exec(res.body)?.[1];
      expect(nonce, url).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      nonces.add(nonce!);
      expect(directives, url).toEqual({
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", `'nonce-${nonce}'`],
        'img-src': ["'self'"],
        'font-src': ["'self'"],
        'connect-src': ["'self'", 'ws://pbx.example.com:6123', 'wss://pbx.example.com:6123'],
        'manifest-src': ["'self'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'self'"],
      });
    }
    expect(nonces.size, 'a fresh nonce per page').toBe(3);
  });

  it('a Host header that is not a host name adds no socket source', async () => {
    const app = await webApp();
    const res = await app.inject({ method: 'GET', url: '/', headers: { host: 'evil.example; script-src *' } });
    expect(String(res.headers['content-security-policy'])).toContain("connect-src 'self';");
    expect(String(res.headers['content-security-policy'])).not.toContain('evil');
  });

  it('API answers and the API docs keep their own headers', async () => {
    const app = await webApp();
    expect((await app.inject({ method: 'GET', url: '/api/v1/thing' })).headers['content-security-policy']).toBeUndefined();
    // Swagger UI's page runs inline scripts the console's policy would block.
    const docs = await app.inject({ method: 'GET', url: '/api/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    expect(docs.headers['content-security-policy'] ?? '').not.toContain("default-src 'none'");
  });
});

describe('/metrics', () => {
  let withToken: TestServer;
  let withoutToken: TestServer;
  const TOKEN = 'metrics-token-0123456789abcdef';

  it('with OPBX_METRICS_TOKEN: only with that Bearer token', async () => {
    withToken = await createTestServer({ OPBX_METRICS_TOKEN: TOKEN });
    closers.push(() => withToken.close());
    const get = (headers: Record<string, string>) => withToken.app.inject({ method: 'GET', url: '/metrics', headers });
    const none = await get({});
    expect(none.statusCode).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe('UNAUTHORIZED');
    expect((await get({ authorization: `Bearer ${TOKEN}x` })).statusCode).toBe(401);
    expect((await get({ authorization: 'Bearer short' })).statusCode).toBe(401);
    const ok = await get({ authorization: `Bearer ${TOKEN}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('# TYPE http_requests_total counter');
  });

  it('without a token: a scraper on this host only, not through a proxy and not from elsewhere', async () => {
    withoutToken = await createTestServer();
    closers.push(() => withoutToken.close());
    const get = (remoteAddress: string, headers: Record<string, string> = {}) =>
      withoutToken.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });
    expect((await get('127.0.0.1')).statusCode).toBe(200);
    expect((await get('::1')).statusCode).toBe(200);
    const remote = await get('203.0.113.9');
    expect(remote.statusCode).toBe(403);
    expect(remote.body).not.toContain('http_requests_total');
    // A reverse proxy on the same host relays the internet's requests: they carry X-Forwarded-For.
    expect((await get('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(403);
  });
});

describe('serve --demo', () => {
  it('refuses to run with NODE_ENV=production', async () => {
    const db = await freshDatabaseUrl();
    closers.push(() => db.drop());
    const config = testConfig(db.url, { NODE_ENV: 'production', PORT: '0', OPBX_WS_PORT: '0', HOST: '127.0.0.1' });
    await expect(startServer(config, { demo: true, signals: false })).rejects.toThrow(/NODE_ENV=production/);
  });

  it('never adds the demo organization to a database that has organizations', async () => {
    const db = await freshDatabaseUrl();
    closers.push(() => db.drop());
    const config = testConfig(db.url, { PORT: '0', OPBX_WS_PORT: '0', HOST: '127.0.0.1' });
    const setup = await createContext(config);
    await createOrganization(setup, { name: 'Real Customer', timezone: 'UTC', ownerEmail: uniqueEmail('real'), ownerPassword: 'passw0rd-real' });
    await setup.close();
    const log = console.log;
    console.log = () => undefined;
    const server = await startServer(config, { demo: true, signals: false }).finally(() => (console.log = log));
    try {
      const demo = await server.ctx.db.selectFrom('users').select('id').where('email', '=', DEMO_LOGIN.email).executeTakeFirst();
      expect(demo).toBeUndefined();
      expect((await server.ctx.db.selectFrom('organizations').select('name').execute()).map((o) => o.name)).toEqual(['Real Customer']);
    } finally {
      await server.stop();
    }
  });
});
