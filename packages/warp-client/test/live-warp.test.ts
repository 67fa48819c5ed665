import type { AddressInfo } from 'node:net';

import { authenticator } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The WARP server's own test helpers (fresh SQLite file or PostgreSQL schema, same migrations as production).
import { createTestServer, type TestServer } from '../../../apps/warp-server/test/support/context.js';
import { createStaff, createTestCustomer, PASSWORD, type TestCustomer } from '../../../apps/warp-server/test/support/fixtures.js';
import { AdminApiClient, ApiError, CustomerApiClient, memoryStorage } from '../src/index.js';

/* The seed's clients against the real WARP server, listening on a random port: no mocked fetch. */

let server: TestServer;
let baseUrl: string;
let customer: TestCustomer;

beforeAll(async () => {
  server = await createTestServer({ WARP_WEBHOOKS_ALLOW_PRIVATE: 'true' });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/v1`;
  customer = await createTestCustomer(server, 'Live Carrier');
});
afterAll(() => server?.close());

const customerClient = (extra: ConstructorParameters<typeof CustomerApiClient>[0] = {}) =>
  new CustomerApiClient({ baseUrl, storage: memoryStorage(), retryDelay: 1, ...extra });

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('CustomerApiClient against the live WARP server', () => {
  it('login, account, trunks CRUD through /customers/:id/trunks, credentials, test, delete (204)', async () => {
    const api = customerClient();
    const session = await api.login(customer.users.customer_admin.email, PASSWORD);
    expect(session.data).toMatchObject({ token_type: 'Bearer', user: { email: customer.users.customer_admin.email } });
    expect(session.meta?.requestId).toEqual(expect.any(String));

    const account = await api.getAccount();
    expect(account.data).toMatchObject({ id: customer.id, ban: customer.ban, status: 'active' });
    const updated = await api.updateAccount({ contact: { name: 'NOC desk', phone: '+1 555 010 0199' } });
    expect(updated.data.contact).toMatchObject({ name: 'NOC desk' });

    const created = await api.createTrunk({ name: 'edge-1', auth_type: 'digest', allowed_destinations: ['domestic', 'international'] });
    expect(created.data).toMatchObject({
      name: 'edge-1',
      customer_id: customer.id,
      credentials: { username: expect.any(String), password: expect.any(String) },
    });
    const trunkId = created.data.id;

    const list = await api.getTrunks({ page: 1, limit: 10 });
    expect(list.data.map((t) => t.id)).toContain(trunkId);
    expect(list.meta?.pagination).toMatchObject({ page: 1, perPage: 10, total: 1, totalPages: 1 });
    expect((await api.getTrunk(trunkId)).data.name).toBe('edge-1');
    expect((await api.updateTrunk(trunkId, { max_cps: 20 })).data.max_cps).toBe(20);
    const credentials = await api.getTrunkCredentials(trunkId);
    expect(credentials.data).toEqual({ username: created.data.credentials!.username, password: created.data.credentials!.password, realm: expect.any(String) });
    const tested = await api.testTrunk(trunkId, '+44 20 7946 0000');
    expect(tested.data).toMatchObject({ destination_class: 'international', allowed: true });

    const invalid = await failure(api.createTrunk({ name: 'bad', allowed_ips: ['300.1.1.1/33'] }));
    expect(invalid.statusCode).toBeGreaterThanOrEqual(400);
    expect(invalid.statusCode).toBeLessThan(500);
    expect(invalid.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining('allowed_ips') })]));

    await expect(api.deleteTrunk(trunkId)).resolves.toEqual({ data: undefined });
    const gone = await failure(api.getTrunk(trunkId));
    expect(gone).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', requestId: expect.any(String) });
  });

  it('an access token the server refuses is refreshed once (rotation) and the request replayed; reusing the rotated refresh token ends the session', async () => {
    const storage = memoryStorage();
    const api = customerClient({ storage });
    await api.login(customer.users.viewer.email, PASSWORD);
    const firstRefresh = storage.getItem('warp_refresh_token')!;
    api.setTokens('not-a-valid-access-token', firstRefresh);
    expect((await api.getAccount()).data.id).toBe(customer.id);
    const rotated = storage.getItem('warp_refresh_token')!;
    expect(rotated).not.toBe(firstRefresh);

    // Someone presents the old refresh token: reuse detection revokes the family; that client's session expires.
    const expired: ApiError[] = [];
    const thief = customerClient({ onSessionExpired: (e) => expired.push(e) });
    thief.setTokens('stale', firstRefresh);
    expect(await failure(thief.getAccount())).toMatchObject({ statusCode: 401, code: 'SESSION_EXPIRED' });
    expect(expired).toHaveLength(1);
    expect(thief.isAuthenticated()).toBe(false);
    // ... and the rotated token of the same family no longer refreshes either.
    const victim = customerClient();
    victim.setTokens('stale', rotated);
    expect((await failure(victim.getAccount())).code).toBe('SESSION_EXPIRED');
  });

  it('logout revokes the session and clears the tokens', async () => {
    const storage = memoryStorage();
    const api = customerClient({ storage });
    await api.login(customer.users.developer.email, PASSWORD);
    const refresh = storage.getItem('warp_refresh_token')!;
    await api.logout();
    expect(api.isAuthenticated()).toBe(false);
    const again = customerClient();
    again.setTokens('stale', refresh);
    expect((await failure(again.getAccount())).code).toBe('SESSION_EXPIRED');
  });

  it('API keys: created with the secret shown once, used as the bearer, deleted → 401', async () => {
    const admin = customerClient();
    await admin.login(customer.users.customer_admin.email, PASSWORD);
    const created = await admin.createApiKey('ci', ['account:read', 'trunks:read']);
    expect(created.data.secret).toMatch(/^warp_live_/);
    expect((await admin.getApiKeys()).data.find((k) => k.id === created.data.id)).not.toHaveProperty('secret');

    const byKey = customerClient();
    byKey.setApiKey(created.data.secret);
    expect((await byKey.getTrunks()).data).toEqual(expect.any(Array));
    expect((await failure(byKey.createTrunk({ name: 'not-allowed' }))).statusCode).toBe(403);
    await admin.deleteApiKey(created.data.id);
    expect((await failure(byKey.getAccount())).statusCode).toBe(401);
  });

  it('webhooks: create (secret once), list, update, delete', async () => {
    const api = customerClient();
    await api.login(customer.users.customer_admin.email, PASSWORD);
    const created = await api.createWebhook({ url: 'http://127.0.0.1:9/hooks', events: ['trunk.created'] });
    expect(created.data).toMatchObject({ url: 'http://127.0.0.1:9/hooks', events: ['trunk.created'], secret: expect.any(String) });
    expect((await api.getWebhooks()).data.map((w) => w.id)).toContain(created.data.id);
    expect((await api.updateWebhook(created.data.id, { events: ['trunk.created', 'trunk.deleted'] })).data.events).toEqual(['trunk.created', 'trunk.deleted']);
    await api.deleteWebhook(created.data.id);
    expect((await api.getWebhooks()).data.map((w) => w.id)).not.toContain(created.data.id);
  });
});

describe('AdminApiClient against the live WARP server', () => {
  it('MFA: enrol and confirm, then login needs the code', async () => {
    const staff = await createStaff(server, 'support');
    const api = new AdminApiClient({ baseUrl, storage: memoryStorage() });
    await api.login(staff.email, PASSWORD);
    const { secret } = (await api.enrollMfa()).data;
    const confirmed = await api.confirmMfa(authenticator.generate(secret));
    expect(confirmed.data.recovery_codes.length).toBeGreaterThan(0);
    const without = await failure(new AdminApiClient({ baseUrl, storage: memoryStorage() }).login(staff.email, PASSWORD));
    expect(without).toMatchObject({ statusCode: 401, details: [expect.objectContaining({ field: 'mfa_code' })] });
    const withCode = await new AdminApiClient({ baseUrl, storage: memoryStorage() }).login(staff.email, PASSWORD, authenticator.generate(secret));
    expect(withCode.data.user).toMatchObject({ email: staff.email, mfa_enabled: true });
  });

  it('customers: list with search, get, update, trunks, suspend with a reason', async () => {
    const staff = await createStaff(server, 'admin');
    const target = await createTestCustomer(server, 'Suspend Me Carrier');
    const api = new AdminApiClient({ baseUrl, storage: memoryStorage() });
    await api.login(staff.email, PASSWORD);
    const found = await api.getAllCustomers({ search: 'Suspend Me', page: 1, limit: 5 });
    expect(found.data.map((c) => c.id)).toEqual([target.id]);
    expect(found.meta?.pagination?.total).toBe(1);
    expect((await api.getCustomer(target.ban)).data.id).toBe(target.id);
    expect((await api.updateCustomer(target.id, { payment_terms: 45 })).data.payment_terms).toBe(45);
    expect((await api.getCustomerTrunks(target.id)).data).toEqual([]);
    expect((await api.getAllTrunks({ customer_id: customer.id })).data).toEqual(expect.any(Array));
    const suspended = await api.suspendCustomer(target.id, 'unpaid invoices');
    expect(suspended.data).toMatchObject({ status: 'suspended', status_reason: 'unpaid invoices' });
  });
});
