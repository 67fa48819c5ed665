import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../src/app.js';
import type { AppContext } from '../src/context.js';
import { createContext } from '../src/context.js';
import { SYSTEM_ACTOR } from '../src/http/auth.js';
import { createCustomerWithAdmin } from '../src/modules/customers/customers.service.js';
import { Api } from './support/api.js';
import { freshDatabaseUrl, testConfig } from './support/context.js';
import { PASSWORD } from './support/fixtures.js';
import { startReceiver } from './support/receiver.js';

/** JSON log lines with request ids, and never a password, token, key, digest password or webhook secret. */
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
let ctx: AppContext;
let app: FastifyInstance;
const lines: string[] = [];

beforeAll(async () => {
  db = await freshDatabaseUrl();
  ctx = await createContext(testConfig(db.url, { LOG_LEVEL: 'info', WARP_WEBHOOKS_ALLOW_PRIVATE: 'true' }));
  app = await buildApp(ctx, { logStream: { write: (line: string) => void lines.push(line) } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await db?.drop();
});

describe('logs', () => {
  it('carry request ids and no secrets', async () => {
    const receiver = await startReceiver([500, 200]);
    try {
      await createCustomerWithAdmin(ctx, SYSTEM_ACTOR, { name: 'Logged', type: 'prepaid', contact: {} }, { email: 'logged@test.example', password: PASSWORD });
      const anon = new Api(app);
      const login = await anon.request('POST', '/auth/login', { email: 'logged@test.example', password: PASSWORD }, { 'x-request-id': 'log-login-1' });
      const me = anon.as(login.body.access_token);
      const refreshed = await anon.post('/auth/refresh', { refresh_token: login.body.refresh_token });
      const api = anon.as(refreshed.body.access_token);
      const hook = (await api.post('/webhooks', { url: `${receiver.url}?token=url-secret-123`, events: ['trunk.created'] })).body.data;
      const trunk = (await api.post('/trunks', { name: 'L', auth_type: 'digest' })).body.data;
      const key = (await api.post('/api-keys', { name: 'k', scopes: ['trunks:read'] })).body.data;
      await new Api(app, key.secret).get('/trunks');
      await anon.post('/auth/login', { email: 'logged@test.example', password: 'Wrong-passw0rd-9' });
      await app.deliveries.runOnce();
      await me.get('/auth/me');
      const text = lines.join('');
      for (const secret of [
        PASSWORD,
        'Wrong-passw0rd-9',
        login.body.access_token,
        login.body.refresh_token,
        refreshed.body.access_token,
        refreshed.body.refresh_token,
        hook.secret,
        trunk.credentials.password,
        key.secret,
        'url-secret-123',
      ]) {
        expect(text).not.toContain(secret);
      }
      const parsed = lines.map((l) => JSON.parse(l));
      expect(parsed.some((l) => l.reqId === 'log-login-1')).toBe(true);
      expect(parsed.some((l) => l.msg === 'webhook delivery attempt' && l.webhook_id === hook.id)).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
