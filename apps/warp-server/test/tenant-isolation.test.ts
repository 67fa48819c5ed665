import { API_KEY_SCOPES } from '@warp/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Api, expectError, uniqueEmail } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createTestCustomer, type TestCustomer } from './support/fixtures.js';
import { startReceiver } from './support/receiver.js';

/** Another customer's ids are 404 on every route: for its users, its API keys and X-Customer-ID. */
let server: TestServer;
let a: TestCustomer;
let b: TestCustomer;
let bKey: Api;
const ids = {} as { trunk: string; key: string; webhook: string; delivery: string; invitation: string };
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  server = await createTestServer({ WARP_WEBHOOKS_ALLOW_PRIVATE: 'true' });
  receiver = await startReceiver([200]);
  a = await createTestCustomer(server, 'Tenant A');
  b = await createTestCustomer(server, 'Tenant B');
  const admin = a.users.customer_admin.api;
  ids.webhook = (await admin.post('/webhooks', { url: receiver.url, events: ['trunk.created'] })).body.data.id;
  ids.trunk = (await admin.post('/trunks', { name: 'A trunk', auth_type: 'both', allowed_ips: ['192.0.2.1'] })).body.data.id;
  ids.key = (await admin.post('/api-keys', { name: 'A key', scopes: ['trunks:read'] })).body.data.id;
  ids.invitation = (await admin.post('/invitations', { email: uniqueEmail('a-inv'), role: 'viewer' })).body.data.id;
  ids.delivery = (await admin.get(`/webhooks/${ids.webhook}/deliveries`)).body.data[0].id;
  bKey = new Api(server.app, (await b.users.customer_admin.api.post('/api-keys', { name: 'B all', scopes: API_KEY_SCOPES })).body.data.secret);
}, 60_000);
afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

const byId = () =>
  [
    ['GET', `/trunks/${ids.trunk}`],
    ['PATCH', `/trunks/${ids.trunk}`, { name: 'Stolen' }],
    ['DELETE', `/trunks/${ids.trunk}`],
    ['GET', `/trunks/${ids.trunk}/credentials`],
    ['POST', `/trunks/${ids.trunk}/test`, { test_number: '+12125550123' }],
    ['DELETE', `/api-keys/${ids.key}`],
    ['GET', `/webhooks/${ids.webhook}`],
    ['PATCH', `/webhooks/${ids.webhook}`, { description: 'stolen' }],
    ['DELETE', `/webhooks/${ids.webhook}`],
    ['POST', `/webhooks/${ids.webhook}/rotate-secret`],
    ['GET', `/webhooks/${ids.webhook}/deliveries`],
    ['GET', `/webhooks/${ids.webhook}/deliveries/${ids.delivery}`],
    ['POST', `/webhooks/${ids.webhook}/deliveries/${ids.delivery}/redeliver`],
    ['DELETE', `/invitations/${ids.invitation}`],
    ['PATCH', `/users/${a.users.viewer.id}`, { role: 'customer_admin' }],
    ['DELETE', `/users/${a.users.viewer.id}`],
  ] as [string, string, unknown?][];

/** Everything customer-scoped, addressed to A through the header or the path. */
const scoped = () =>
  [
    ['GET', '/account'],
    ['PATCH', '/account', { contact: { name: 'x' } }],
    ['GET', '/trunks'],
    ['POST', '/trunks', { name: 'Into A', allowed_ips: ['192.0.2.2'] }],
    ['GET', '/api-keys'],
    ['POST', '/api-keys', { name: 'into A', scopes: ['trunks:read'] }],
    ['GET', '/webhooks'],
    ['POST', '/webhooks', { url: 'https://example.com/h', events: ['trunk.created'] }],
    ['GET', '/users'],
    ['GET', '/invitations'],
    ['POST', '/invitations', { email: uniqueEmail('x'), role: 'viewer' }],
    ...byId(),
  ] as [string, string, unknown?][];

describe('tenant isolation', () => {
  it("another customer's ids are 404 for every role of that customer", async () => {
    for (const [role, user] of Object.entries(b.users)) {
      for (const [method, url, body] of byId()) {
        const res = await user.api.request(method, url, body);
        // A role the route refuses anyway may see 403 first; it must never see A's data.
        expect([403, 404], `${role} ${method} ${url} → ${res.status}`).toContain(res.status);
        if (role === 'customer_admin') expectError(res, 404, 'NOT_FOUND', `${method} ${url}`);
      }
    }
  });

  it("another customer's ids are 404 for an API key with every scope", async () => {
    for (const [method, url, body] of byId()) {
      const res = await bKey.request(method, url, body);
      if (url.includes('/credentials') || url.includes('/invitations') || url.startsWith('/users')) expectError(res, 403, 'FORBIDDEN', url);
      else expectError(res, 404, 'NOT_FOUND', `${method} ${url}`);
    }
  });

  it('X-Customer-ID (id or BAN) or a path naming an account the user is not on is 404, for users and keys', async () => {
    for (const name of [a.id, a.ban, a.ban.toLowerCase()]) {
      for (const [method, url, body] of scoped()) {
        expectError(await b.users.customer_admin.api.for(name).request(method, url, body), 404, 'NOT_FOUND', `user ${name} ${method} ${url}`);
        const keyRes = await bKey.for(name).request(method, url, body);
        expectError(keyRes, 404, 'NOT_FOUND', `key ${name} ${method} ${url}`);
      }
    }
    expectError(await b.users.customer_admin.api.get(`/customers/${a.id}/trunks`), 404);
    expectError(await b.users.customer_admin.api.post(`/customers/${a.ban}/trunks`, { name: 'x', allowed_ips: ['192.0.2.3'] }), 404);
    expectError(await bKey.get(`/customers/${a.id}/trunks`), 404);
  });

  it("A's data is untouched", async () => {
    const trunk = await a.users.viewer.api.get(`/trunks/${ids.trunk}`);
    expect(trunk.body.data.name).toBe('A trunk');
    expect((await a.users.viewer.api.get('/trunks')).body.meta.pagination.total).toBe(1);
    expect((await a.users.viewer.api.get('/api-keys')).body.data.map((k: any) => k.id)).toContain(ids.key);
    expect((await a.users.viewer.api.get(`/webhooks/${ids.webhook}`)).body.data.description).toBeNull();
    expect((await a.users.customer_admin.api.get('/invitations')).body.data[0].status).toBe('pending');
    const deliveries = await server.ctx.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', ids.webhook).execute();
    expect(deliveries).toHaveLength(1);
    expect((await a.users.viewer.api.get('/account')).body.data.contact.name).toBeUndefined();
    const members = (await a.users.customer_admin.api.get('/users')).body.data;
    expect(members.find((m: any) => m.id === a.users.viewer.id).role).toBe('viewer');
  });
});
