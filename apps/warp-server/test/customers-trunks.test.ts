import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SYSTEM_ACTOR } from '../src/http/auth.js';
import { createCustomer } from '../src/modules/customers/customers.service.js';
import { Api, expectError } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff, createTestCustomer, type TestCustomer } from './support/fixtures.js';

let server: TestServer;
let acme: TestCustomer;
let admin: Api;

beforeAll(async () => {
  server = await createTestServer();
  acme = await createTestCustomer(server, 'Acme Carrier');
  admin = (await createStaff(server, 'admin')).api;
});
afterAll(() => server?.close());

const trunkBody = (name: string) => ({
  name,
  auth_type: 'both',
  allowed_ips: ['203.0.113.0/24', '2001:db8::1'],
  tech_prefix: '1234#',
  max_channels: 50,
  max_cps: 10,
  daily_spend_limit: '250.00',
  allowed_destinations: ['domestic', 'tollfree'],
  blocked_prefixes: ['1900'],
  codecs: ['PCMU', 'G729'],
  outbound_destinations: [{ host: 'sbc.acme.example', port: 5060, transport: 'udp', priority: 1 }],
});

describe('customers (admin)', () => {
  it('create generates a unique BAN and retries on a collision', async () => {
    const first = await createCustomer(server.ctx, SYSTEM_ACTOR, { name: 'Collide One', type: 'prepaid', contact: {} });
    const bans = [first.ban, first.ban, 'WARP-99999999'];
    const second = await createCustomer(server.ctx, SYSTEM_ACTOR, { name: 'Collide Two', type: 'postpaid', contact: {} }, () => bans.shift()!);
    expect(second.ban).toBe('WARP-99999999');
    expect(second.payment_terms).toBe(30);
  });

  it('list with page/limit/search answers meta.pagination; get by id or BAN', async () => {
    const res = await admin.get(`/admin/customers?limit=1&page=1&search=${encodeURIComponent(acme.ban)}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      id: acme.id,
      ban: acme.ban,
      name: 'Acme Carrier',
      type: 'prepaid',
      status: 'active',
      credit_limit: '0',
      currency: 'USD',
    });
    expect(res.body.meta.pagination).toEqual({ page: 1, perPage: 1, total: 1, totalPages: 1 });
    expect((await admin.get(`/admin/customers/${acme.ban}`)).body.data.id).toBe(acme.id);
    expectError(await admin.get('/admin/customers?limit=101'), 422, 'VALIDATION_ERROR');
    expectError(await admin.get('/admin/customers/WARP-00000000'), 404, 'NOT_FOUND');
  });

  it('a customer admin changes contact fields only; staff change commercial terms; both are audited', async () => {
    const mine = await acme.users.customer_admin.api.patch('/account', { contact: { phone: '+1 212 555 0199' } });
    expect(mine.status).toBe(200);
    expect(mine.body.data.contact.phone).toBe('+1 212 555 0199');
    const sneaky = await acme.users.customer_admin.api.patch('/account', { credit_limit: '99999', status: 'active' });
    expectError(sneaky, 422, 'VALIDATION_ERROR');
    expect(sneaky.body.details.map((d: any) => d.field).sort()).toEqual(['credit_limit', 'status']);
    expectError(await acme.users.developer.api.patch('/account', { contact: { name: 'Dev' } }), 403, 'FORBIDDEN');
    const terms = await admin.patch(`/admin/customers/${acme.id}`, { credit_limit: 5000, payment_terms: 15 });
    expect(terms.body.data).toMatchObject({ credit_limit: '5000', payment_terms: 15 });
    const log = await admin.get(`/admin/audit-log?customer_id=${acme.id}`);
    const actions = log.body.data.map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['account.update', 'customer.update']));
    const update = log.body.data.find((e: any) => e.action === 'customer.update');
    expect(update.changes.credit_limit).toEqual({ from: '0', to: '5000' });
    expect(update.actor.type).toBe('user');
    expect(update.request_id).toBe(terms.headers['x-request-id']);
  });

  it('the audit log is append-only in the database itself', async () => {
    await expect(server.ctx.db.updateTable('audit_log').set({ action: 'forged' }).execute()).rejects.toThrow(/append-only/);
    await expect(server.ctx.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});

describe('trunks', () => {
  it('create shows digest credentials once; lists never do; credentials for customer_admin only, audited', async () => {
    const created = await acme.users.customer_admin.api.post('/trunks', trunkBody('Main'));
    expect(created.status).toBe(201);
    const t = created.body.data;
    expect(t).toMatchObject({
      name: 'Main',
      status: 'active',
      effective_status: 'active',
      auth_type: 'both',
      allowed_ips: ['203.0.113.0/24', '2001:db8::1/128'],
      daily_spend_limit: '250.00',
    });
    expect(t.credentials).toMatchObject({ username: t.sip_username, realm: 'sip.warp.local' });
    expect(t.credentials.password).toHaveLength(24);
    const row = await server.ctx.db.selectFrom('trunks').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
    expect(row.sip_password_enc).not.toContain(t.credentials.password);

    const list = await acme.users.viewer.api.get('/trunks?limit=10');
    expect(list.body.meta.pagination).toMatchObject({ page: 1, perPage: 10, total: 1 });
    expect(JSON.stringify(list.body)).not.toContain(t.credentials.password);
    expect(JSON.stringify((await acme.users.viewer.api.get(`/trunks/${t.id}`)).body)).not.toContain(t.credentials.password);

    const creds = await acme.users.customer_admin.api.get(`/trunks/${t.id}/credentials`);
    expect(creds.body.data).toEqual(t.credentials);
    expectError(await acme.users.developer.api.get(`/trunks/${t.id}/credentials`), 403);
    expectError(await admin.for(acme.id).get(`/trunks/${t.id}/credentials`), 403);
    const log = await admin.get(`/admin/audit-log?action=trunk.credentials_viewed&target_id=${t.id}`);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0].actor.id).toBe(acme.users.customer_admin.id);
  });

  it('the seed client path /customers/:id/trunks works like /trunks; names are unique per customer (409)', async () => {
    const viaSeed = await acme.users.developer.api.post(`/customers/${acme.id}/trunks`, { name: 'Seed path', allowed_ips: ['198.51.100.7'] });
    expect(viaSeed.status).toBe(201);
    expect(viaSeed.body.data.credentials).toBeUndefined();
    const list = await acme.users.developer.api.get(`/customers/${acme.ban}/trunks`);
    expect(list.body.data.map((t: any) => t.name)).toContain('Seed path');
    const dup = await acme.users.developer.api.post('/trunks', { name: 'Seed path', allowed_ips: ['198.51.100.8'] });
    expectError(dup, 409, 'CONFLICT');
    expect(dup.body.details[0].field).toBe('name');
  });

  it('ip_acl needs at least one network; bad CIDRs are refused with the index', async () => {
    const none = await acme.users.developer.api.post('/trunks', { name: 'No ACL', auth_type: 'ip_acl' });
    expectError(none, 422);
    expect(none.body.details[0].field).toBe('allowed_ips');
    const bad = await acme.users.developer.api.post('/trunks', { name: 'Bad ACL', allowed_ips: ['10.0.0.0/33', '2001:db8::/129', 'example.com'] });
    expectError(bad, 422);
    expect(bad.body.details.map((d: any) => d.field)).toEqual(['allowed_ips.0', 'allowed_ips.1', 'allowed_ips.2']);
  });

  it('PATCH updates, switching to digest generates credentials once; DELETE removes', async () => {
    const t = (await acme.users.developer.api.post('/trunks', { name: 'Patchy', allowed_ips: ['192.0.2.1'] })).body.data;
    const up = await acme.users.developer.api.patch(`/trunks/${t.id}`, { auth_type: 'digest', max_cps: 20 });
    expect(up.status).toBe(200);
    expect(up.body.data).toMatchObject({ auth_type: 'digest', max_cps: 20 });
    expect(up.body.data.credentials.password).toBeTypeOf('string');
    expect((await acme.users.developer.api.patch(`/trunks/${t.id}`, { max_cps: 21 })).body.data.credentials).toBeUndefined();
    expectError(await acme.users.developer.api.patch(`/trunks/${t.id}`, { partition_id: '01900000-0000-7000-8000-000000000000' }), 403);
    expect((await acme.users.developer.api.delete(`/trunks/${t.id}`)).status).toBe(204);
    expectError(await acme.users.developer.api.get(`/trunks/${t.id}`), 404);
  });

  it("test classifies the number and gives the route engine's customer-safe verdict (no partition or rate plan: not routable)", async () => {
    const t = (await acme.users.customer_admin.api.post('/trunks', trunkBody('Tester'))).body.data;
    const ok = await acme.users.developer.api.post(`/trunks/${t.id}/test`, { test_number: '1234#(212) 555-0123' });
    expect(ok.body.data).toMatchObject({
      normalized: '+12125550123',
      destination_class: 'domestic',
      allowed: true,
      route_engine: 'configured',
      routable: false,
      reason_code: 'RATE_NOT_FOUND',
      sell_rate: null,
    });
    const tf = await acme.users.developer.api.post(`/trunks/${t.id}/test`, { test_number: '+18005550100' });
    expect(tf.body.data).toMatchObject({ destination_class: 'tollfree', allowed: true });
    const intl = await acme.users.developer.api.post(`/trunks/${t.id}/test`, { test_number: '011442079460000' });
    expect(intl.body.data).toMatchObject({ normalized: '+442079460000', destination_class: 'international', allowed: false });
    const premium = await acme.users.developer.api.post(`/trunks/${t.id}/test`, { test_number: '+19005550100' });
    expect(premium.body.data.reasons).toEqual(['premium destinations are not allowed on this trunk', 'the number matches the blocked prefix 1900']);
    expectError(await acme.users.developer.api.post(`/trunks/${t.id}/test`, { test_number: '12' }), 422);
  });

  it('suspending a customer: reads work, writes refused, trunks show effective_status suspended; the reason is kept', async () => {
    const other = await createTestCustomer(server, 'Suspended Co');
    const t = (await other.users.customer_admin.api.post('/trunks', { name: 'S', allowed_ips: ['192.0.2.9'] })).body.data;
    expectError(await other.users.customer_admin.api.post(`/admin/customers/${other.id}/suspend`, { reason: 'x' }), 403);
    const s = await admin.post(`/admin/customers/${other.id}/suspend`, { reason: 'Unpaid invoice INV-1' });
    expect(s.body.data).toMatchObject({ status: 'suspended', status_reason: 'Unpaid invoice INV-1' });
    expectError(await admin.post(`/admin/customers/${other.id}/suspend`, { reason: 'again' }), 409);
    const read = await other.users.viewer.api.get(`/trunks/${t.id}`);
    expect(read.body.data).toMatchObject({ status: 'active', effective_status: 'suspended' });
    expectError(await other.users.customer_admin.api.post('/trunks', { name: 'T', allowed_ips: ['192.0.2.10'] }), 403);
    const admins = await admin.get(`/admin/customers/${other.id}/trunks`);
    expect(admins.body.data[0].effective_status).toBe('suspended');
    expect((await admin.post(`/admin/customers/${other.id}/terminate`, { reason: 'Closed' })).body.data.status).toBe('terminated');
    expectError(await admin.post(`/admin/customers/${other.id}/reactivate`, { reason: 'oops' }), 409);
  });

  it('admin lists trunks across customers, filtered by customer', async () => {
    const all = await admin.get(`/admin/trunks?customer_id=${acme.id}&limit=100`);
    expect(all.status).toBe(200);
    expect(all.body.data.length).toBeGreaterThan(0);
    expect(all.body.data.every((t: any) => t.customer_id === acme.id)).toBe(true);
    expectError(await acme.users.customer_admin.api.get('/admin/trunks'), 403);
  });
});
