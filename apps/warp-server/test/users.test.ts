import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Api, expectError } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff, createTestCustomer, login, PASSWORD, type TestCustomer } from './support/fixtures.js';

let server: TestServer;
let acme: TestCustomer;

beforeAll(async () => {
  server = await createTestServer();
  acme = await createTestCustomer(server, 'Members');
});
afterAll(() => server?.close());

describe('account members', () => {
  it('a customer admin changes roles and removes members; the change applies at once', async () => {
    const dev = acme.users.developer;
    const res = await acme.users.customer_admin.api.patch(`/users/${dev.id}`, { role: 'viewer' });
    expect(res.body.data).toMatchObject({ id: dev.id, role: 'viewer' });
    expectError(await dev.api.post('/trunks', { name: 'x', allowed_ips: ['192.0.2.1'] }), 403);
    expect((await acme.users.customer_admin.api.delete(`/users/${dev.id}`)).status).toBe(204);
    expectError(await dev.api.get('/account'), 403);
    expectError(await acme.users.customer_admin.api.get(`/users/${dev.id}`), 404);
    const log = await (await createStaff(server, 'support')).api.get(`/admin/audit-log?customer_id=${acme.id}&target_id=${dev.id}`);
    expect(log.body.data.map((e: any) => e.action).sort()).toEqual(['user.remove', 'user.role_change']);
  });

  it('nobody changes or removes themselves; the last customer_admin stays', async () => {
    const ca = acme.users.customer_admin;
    expectError(await ca.api.patch(`/users/${ca.id}`, { role: 'viewer' }), 403);
    expectError(await ca.api.delete(`/users/${ca.id}`), 403);
    const admin = (await createStaff(server, 'admin')).api.for(acme.id);
    expectError(await admin.patch(`/users/${ca.id}`, { role: 'viewer' }), 409);
    expectError(await admin.delete(`/users/${ca.id}`), 409);
    expect((await admin.patch(`/users/${acme.users.billing.id}`, { role: 'customer_admin' })).status).toBe(200);
    expect((await admin.patch(`/users/${ca.id}`, { role: 'viewer' })).body.data.role).toBe('viewer');
  });
});

describe('staff user management', () => {
  it('disabling a user ends their sessions and refuses login; re-enabling lets them back', async () => {
    const admin = await createStaff(server, 'admin');
    const target = acme.users.viewer;
    const res = await admin.api.patch(`/admin/users/${target.id}`, { status: 'disabled' });
    expect(res.body.data.status).toBe('disabled');
    expectError(await target.api.get('/account'), 401);
    expectError(await new Api(server.app).post('/auth/login', { email: target.email, password: PASSWORD }), 403);
    await admin.api.patch(`/admin/users/${target.id}`, { status: 'active' });
    expect((await login(server, target.email)).token).toBeTruthy();
    expectError(await admin.api.patch(`/admin/users/${target.id}`, { role: 'admin' }), 422);
    const list = await admin.api.get(`/admin/users?type=customer&search=${encodeURIComponent(target.email)}`);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].memberships[0]).toMatchObject({ customer_id: acme.id, role: 'viewer' });
  });

  it('only a super_admin grants, changes or disables a super_admin', async () => {
    const su = await createStaff(server, 'super_admin');
    const admin = await createStaff(server, 'admin');
    const noc = await createStaff(server, 'support');
    expectError(await admin.api.patch(`/admin/users/${su.id}`, { status: 'disabled' }), 403);
    expectError(await admin.api.patch(`/admin/users/${noc.id}`, { role: 'super_admin' }), 403);
    expect((await admin.api.patch(`/admin/users/${noc.id}`, { role: 'finance' })).body.data.role).toBe('finance');
    expectError(await su.api.patch(`/admin/users/${su.id}`, { role: 'admin' }), 403);
    const other = await createStaff(server, 'super_admin');
    const disabled = await su.api.patch(`/admin/users/${other.id}`, { status: 'disabled' });
    expect(disabled.body.data.status).toBe('disabled');
    expectError(await other.api.get('/auth/me'), 401);
  });

  it('changing the password needs the current one and ends the other sessions', async () => {
    const staff = await createStaff(server, 'sales');
    const other = await login(server, staff.email);
    expectError(await staff.api.post('/auth/password', { current_password: 'wrong', new_password: 'Brand-new-passw0rd' }), 422);
    expect((await staff.api.post('/auth/password', { current_password: PASSWORD, new_password: 'Brand-new-passw0rd' })).status).toBe(204);
    expect((await staff.api.get('/auth/me')).status).toBe(200);
    expectError(await other.get('/auth/me'), 401);
    expectError(await new Api(server.app).post('/auth/login', { email: staff.email, password: PASSWORD }), 401);
    expect((await login(server, staff.email, 'Brand-new-passw0rd')).token).toBeTruthy();
  });
});
