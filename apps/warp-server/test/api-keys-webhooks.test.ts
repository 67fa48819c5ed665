import { sha256Hex } from '@opbx/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { until } from '../../../packages/platform/test/support/until.js';
import { buildApp } from '../src/app.js';
import { createContext } from '../src/context.js';
import { Api, expectError } from './support/api.js';
import { createTestServer, testConfig, type TestServer } from './support/context.js';
import { createStaff, createTestCustomer, type TestCustomer } from './support/fixtures.js';
import { startReceiver } from './support/receiver.js';

let server: TestServer;
let acme: TestCustomer;
let admin: Api;

beforeAll(async () => {
  server = await createTestServer({ WARP_WEBHOOKS_ALLOW_PRIVATE: 'true', WARP_WEBHOOK_RETRY_BASE_MS: '20' });
  acme = await createTestCustomer(server, 'Key Carrier');
  admin = (await createStaff(server, 'admin')).api;
});
afterAll(() => server?.close());

const keyFor = async (api: Api, body: Record<string, unknown>) => {
  const res = await api.post('/api-keys', body);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.data as { id: string; secret: string; prefix: string };
};

describe('API keys', () => {
  it('the secret is shown once, stored hashed with a lookup prefix, never listed', async () => {
    const res = await acme.users.developer.api.post('/api-keys', { name: 'CI', scopes: ['trunks:read'] });
    expect(res.status).toBe(201);
    const key = res.body.data;
    expect(key.secret).toMatch(/^warp_live_[0-9A-Za-z]{43}$/);
    expect(key.prefix).toBe(key.secret.slice(0, 18));
    expect(key).toMatchObject({ name: 'CI', scopes: ['trunks:read'], last_used_at: null });
    const row = await server.ctx.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(sha256Hex(key.secret));
    expect(JSON.stringify(row)).not.toContain(key.secret);
    const list = await acme.users.viewer.api.get('/api-keys');
    expect(list.body.data.find((k: any) => k.id === key.id)).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(key.secret);
  });

  it('works as a Bearer within its scopes; out of scope is 403; records last use', async () => {
    const key = await keyFor(acme.users.developer.api, { name: 'Reader', scopes: ['trunks:read', 'account:read'] });
    const api = new Api(server.app, key.secret);
    expect((await api.get('/trunks')).status).toBe(200);
    expect((await api.get('/account')).body.data.id).toBe(acme.id);
    expectError(await api.post('/trunks', { name: 'Nope', allowed_ips: ['192.0.2.1'] }), 403, 'FORBIDDEN');
    expectError(await api.get('/webhooks'), 403);
    expectError(await api.get('/admin/customers'), 403);
    expectError(await api.get('/auth/me'), 403);
    await until(async () => {
      const row = await server.ctx.db.selectFrom('api_keys').select(['last_used_at', 'last_used_ip']).where('id', '=', key.id).executeTakeFirstOrThrow();
      return row.last_used_at !== null && row.last_used_ip === '127.0.0.1';
    }, 'last use recorded');
  });

  it('revoked, expired, wrong-address and forged keys get 401', async () => {
    const writer = await keyFor(acme.users.customer_admin.api, { name: 'Writer', scopes: ['trunks:write'] });
    expect((await new Api(server.app, writer.secret).post('/trunks', { name: 'By key', allowed_ips: ['192.0.2.44'] })).status).toBe(201);
    expect((await acme.users.customer_admin.api.delete(`/api-keys/${writer.id}`)).status).toBe(204);
    expectError(await new Api(server.app, writer.secret).get('/trunks'), 401, 'UNAUTHORIZED');
    expectError(await acme.users.customer_admin.api.delete(`/api-keys/${writer.id}`), 404);

    const soon = await keyFor(acme.users.customer_admin.api, {
      name: 'Soon',
      scopes: ['trunks:read'],
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    await server.ctx.db
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', soon.id)
      .execute();
    expectError(await new Api(server.app, soon.secret).get('/trunks'), 401);
    expectError(await acme.users.customer_admin.api.post('/api-keys', { name: 'Past', scopes: ['trunks:read'], expires_at: '2001-01-01T00:00:00Z' }), 422);

    const fenced = await keyFor(acme.users.customer_admin.api, { name: 'Fenced', scopes: ['trunks:read'], allowed_ips: ['10.0.0.0/8'] });
    expectError(await new Api(server.app, fenced.secret).get('/trunks'), 401);
    const home = await keyFor(acme.users.customer_admin.api, { name: 'Home', scopes: ['trunks:read'], allowed_ips: ['127.0.0.0/8', '::1'] });
    expect((await new Api(server.app, home.secret).get('/trunks')).status).toBe(200);
    expectError(await new Api(server.app, `${home.secret.slice(0, -1)}x`).get('/trunks'), 401);
  });

  it('a key cannot mint a key with more scopes than its own', async () => {
    const minter = await keyFor(acme.users.customer_admin.api, { name: 'Minter', scopes: ['api_keys:write', 'trunks:read'] });
    const api = new Api(server.app, minter.secret);
    expect((await api.post('/api-keys', { name: 'Child', scopes: ['trunks:read'] })).status).toBe(201);
    expectError(await api.post('/api-keys', { name: 'Escalate', scopes: ['trunks:write'] }), 403);
  });

  it("a suspended customer's keys stop working", async () => {
    const other = await createTestCustomer(server, 'Suspend Keys');
    const key = await keyFor(other.users.customer_admin.api, { name: 'K', scopes: ['trunks:read'] });
    expect((await new Api(server.app, key.secret).get('/trunks')).status).toBe(200);
    await admin.post(`/admin/customers/${other.id}/suspend`, { reason: 'Fraud review' });
    expectError(await new Api(server.app, key.secret).get('/trunks'), 403);
    expect((await other.users.viewer.api.get('/trunks')).status).toBe(200);
  });
});

describe('outbound webhooks', () => {
  it('signed deliveries, retried after two 500s with backoff, every attempt logged; redeliver sends the same event again', async () => {
    const receiver = await startReceiver([500, 500, 200]);
    try {
      const created = await acme.users.developer.api.post('/webhooks', { url: receiver.url, events: ['trunk.created', 'api_key.created'], description: 'NOC' });
      expect(created.status).toBe(201);
      const hook = created.body.data;
      expect(hook.secret).toMatch(/^whsec_/);
      receiver.setSecret(hook.secret);
      expect(JSON.stringify((await acme.users.viewer.api.get('/webhooks')).body)).not.toContain(hook.secret);

      const trunk = (await acme.users.developer.api.post('/trunks', { name: 'Hooked', allowed_ips: ['192.0.2.77'] })).body.data;
      await until(async () => {
        await server.app.deliveries.runOnce();
        return receiver.received.length >= 3;
      }, 'three attempts');
      expect(receiver.received.map((r) => r.signatureValid)).toEqual([true, true, true]);
      const bodies = receiver.received.map((r) => JSON.parse(r.body));
      expect(new Set(bodies.map((b) => b.event_id)).size).toBe(1);
      expect(bodies[0]).toMatchObject({ event_type: 'trunk.created', data: { id: trunk.id, name: 'Hooked' } });
      expect(Object.keys(bodies[0]).sort()).toEqual(['created_at', 'data', 'event_id', 'event_type']);
      expect(receiver.received[0]!.headers['x-warp-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

      const deliveries = await acme.users.developer.api.get(`/webhooks/${hook.id}/deliveries`);
      const delivery = deliveries.body.data[0];
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, event_type: 'trunk.created' });
      const detail = await acme.users.developer.api.get(`/webhooks/${hook.id}/deliveries/${delivery.id}`);
      expect(detail.body.data.attempt_log.map((a: any) => a.status_code)).toEqual([500, 500, 200]);

      const again = await acme.users.developer.api.post(`/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`);
      expect(again.status).toBe(202);
      await server.app.deliveries.runOnce();
      expect(receiver.received).toHaveLength(4);
      expect(JSON.parse(receiver.received[3]!.body).event_id).toBe(bodies[0].event_id);
      expect(receiver.received[3]!.signatureValid).toBe(true);

      // Rotating: the new secret (shown once) signs from now on; the old one no longer verifies.
      const rotated = await acme.users.developer.api.post(`/webhooks/${hook.id}/rotate-secret`);
      expect(rotated.body.data.secret).toMatch(/^whsec_/);
      expect(rotated.body.data.secret).not.toBe(hook.secret);
      await acme.users.developer.api.post(`/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`);
      await server.app.deliveries.runOnce();
      expect(receiver.received[4]!.signatureValid).toBe(false);
      receiver.setSecret(rotated.body.data.secret);
      await acme.users.developer.api.post(`/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`);
      await server.app.deliveries.runOnce();
      expect(receiver.received[5]!.signatureValid).toBe(true);
      await acme.users.developer.api.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('other 4xx answers are final: no retry', async () => {
    const receiver = await startReceiver([400]);
    try {
      const hook = (await acme.users.developer.api.post('/webhooks', { url: receiver.url, events: ['api_key.created'] })).body.data;
      receiver.setSecret(hook.secret);
      await keyFor(acme.users.developer.api, { name: 'Event', scopes: ['trunks:read'] });
      await server.app.deliveries.runOnce();
      await new Promise((r) => setTimeout(r, 100));
      await server.app.deliveries.runOnce();
      expect(receiver.received).toHaveLength(1);
      const list = await acme.users.developer.api.get(`/webhooks/${hook.id}/deliveries`);
      expect(list.body.data[0]).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 400 });
      await acme.users.developer.api.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('an endpoint failing for a day is disabled, its owner sees why, and staff see it in the audit log', async () => {
    const receiver = await startReceiver([503]);
    try {
      const hook = (await acme.users.developer.api.post('/webhooks', { url: receiver.url, events: ['trunk.created'] })).body.data;
      await acme.users.developer.api.post('/trunks', { name: 'Failing', allowed_ips: ['192.0.2.78'] });
      await server.ctx.db
        .updateTable('webhooks')
        .set({ failing_since: new Date(Date.now() - 25 * 3600_000).toISOString() })
        .where('id', '=', hook.id)
        .execute();
      await server.app.deliveries.runOnce();
      const view = (await acme.users.developer.api.get(`/webhooks/${hook.id}`)).body.data;
      expect(view.status).toBe('disabled');
      expect(view.disabled_reason).toMatch(/failed since/);
      const log = await admin.get(`/admin/audit-log?action=webhook.disabled&target_id=${hook.id}`);
      expect(log.body.data).toHaveLength(1);
      expectError(await acme.users.developer.api.post(`/webhooks/${hook.id}/deliveries/x/redeliver`), 409);
      const back = await acme.users.developer.api.patch(`/webhooks/${hook.id}`, { status: 'active' });
      expect(back.body.data).toMatchObject({ status: 'active', failing_since: null, disabled_reason: null });
      await acme.users.developer.api.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('the queue is durable: what was queued before a restart is sent after it', async () => {
    const receiver = await startReceiver([200]);
    const url = server.url;
    try {
      const hook = (await acme.users.developer.api.post('/webhooks', { url: receiver.url, events: ['trunk.deleted'] })).body.data;
      receiver.setSecret(hook.secret);
      const t = (await acme.users.developer.api.post('/trunks', { name: 'Restart', allowed_ips: ['192.0.2.79'] })).body.data;
      await acme.users.developer.api.delete(`/trunks/${t.id}`);
      expect(receiver.received).toHaveLength(0);
      // A second process on the same database, as after a restart.
      const ctx2 = await createContext(testConfig(url, { WARP_WEBHOOKS_ALLOW_PRIVATE: 'true', WARP_APP_KEY: server.ctx.config.WARP_APP_KEY! }));
      const app2 = await buildApp(ctx2, { logger: false });
      try {
        await app2.deliveries.runOnce();
      } finally {
        await app2.close();
        await ctx2.close();
      }
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.signatureValid).toBe(true);
      expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ event_type: 'trunk.deleted', data: { id: t.id } });
      await acme.users.developer.api.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('two instances on one queue send each delivery once (leases)', async () => {
    const receiver = await startReceiver([200]);
    try {
      const hook = (await acme.users.developer.api.post('/webhooks', { url: receiver.url, events: ['trunk.created'] })).body.data;
      for (let i = 0; i < 5; i++) await acme.users.developer.api.post('/trunks', { name: `Lease ${i}`, allowed_ips: ['192.0.2.80'] });
      const ctx2 = await createContext(testConfig(server.url, { WARP_WEBHOOKS_ALLOW_PRIVATE: 'true', WARP_APP_KEY: server.ctx.config.WARP_APP_KEY! }));
      const app2 = await buildApp(ctx2, { logger: false });
      try {
        const [a, b] = await Promise.all([server.app.deliveries.runOnce(), app2.deliveries.runOnce()]);
        expect(a + b).toBe(5);
      } finally {
        await app2.close();
        await ctx2.close();
      }
      expect(receiver.received).toHaveLength(5);
      expect(new Set(receiver.received.map((r) => JSON.parse(r.body).event_id)).size).toBe(5);
      await acme.users.developer.api.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('private, loopback and link-local targets are refused unless WARP_WEBHOOKS_ALLOW_PRIVATE', async () => {
    const strict = await createTestServer();
    try {
      const c = await createTestCustomer(strict, 'Strict');
      for (const url of [
        'http://127.0.0.1:9/x',
        'http://localhost/x',
        'http://[::1]/x',
        'http://169.254.169.254/latest',
        'http://10.1.2.3/',
        'http://[fe80::1]/',
        'http://[::ffff:192.168.0.1]/',
      ]) {
        const res = await c.users.developer.api.post('/webhooks', { url, events: ['trunk.created'] });
        expectError(res, 422, 'VALIDATION_ERROR', url);
        expect(res.body.details[0].field).toBe('url');
      }
      expect(await strict.ctx.db.selectFrom('webhooks').select('id').execute()).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
