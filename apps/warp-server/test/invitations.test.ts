import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Api, expectError, uniqueEmail } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff, createTestCustomer, PASSWORD, type TestCustomer } from './support/fixtures.js';

let server: TestServer;
let anon: Api;
let acme: TestCustomer;
let globex: TestCustomer;

beforeAll(async () => {
  server = await createTestServer();
  anon = new Api(server.app);
  acme = await createTestCustomer(server, 'Acme');
  globex = await createTestCustomer(server, 'Globex');
});
afterAll(() => server?.close());

describe('invitations', () => {
  it('a customer admin invites; accepting sets the password, signs in, and works once', async () => {
    const email = uniqueEmail('invitee');
    const inv = await acme.users.customer_admin.api.post('/invitations', { email, role: 'developer' });
    expect(inv.status).toBe(201);
    expect(inv.body.data).toMatchObject({ email, role: 'developer', customer_id: acme.id, status: 'pending' });
    expect(Date.parse(inv.body.data.expires_at) - Date.now()).toBeGreaterThan(6.9 * 86400_000);
    expect(inv.body.data.accept_url).toContain(encodeURIComponent(inv.body.data.token));
    const stored = await server.ctx.db.selectFrom('invitations').select('token_hash').where('id', '=', inv.body.data.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toBe(inv.body.data.token);
    expectError(await anon.post('/auth/invitations/accept', { token: inv.body.data.token, password: 'short' }), 422);
    const accepted = await anon.post('/auth/invitations/accept', { token: inv.body.data.token, password: 'Invited-passw0rd', name: 'New Dev' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.user.memberships).toEqual([expect.objectContaining({ customer_id: acme.id, role: 'developer' })]);
    expect((await anon.as(accepted.body.access_token).get('/trunks')).status).toBe(200);
    expect((await anon.post('/auth/login', { email, password: 'Invited-passw0rd' })).status).toBe(200);
    expectError(await anon.post('/auth/invitations/accept', { token: inv.body.data.token, password: 'Another-passw0rd' }), 422);
    const list = await acme.users.viewer.api.get('/users');
    expectError(list, 403);
    const users = await acme.users.customer_admin.api.get('/users');
    expect(users.body.data.map((u: any) => u.email)).toContain(email);
  });

  it('an expired or revoked invitation cannot be accepted; other roles cannot invite', async () => {
    const a = (await acme.users.customer_admin.api.post('/invitations', { email: uniqueEmail('late'), role: 'viewer' })).body.data;
    await server.ctx.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', a.id)
      .execute();
    expectError(await anon.post('/auth/invitations/accept', { token: a.token, password: 'Invited-passw0rd' }), 422);
    const b = (await acme.users.customer_admin.api.post('/invitations', { email: uniqueEmail('revoked'), role: 'viewer' })).body.data;
    expect((await acme.users.customer_admin.api.delete(`/invitations/${b.id}`)).status).toBe(204);
    expectError(await anon.post('/auth/invitations/accept', { token: b.token, password: 'Invited-passw0rd' }), 422);
    expectError(await acme.users.developer.api.post('/invitations', { email: uniqueEmail('x'), role: 'viewer' }), 403);
    expectError(await acme.users.customer_admin.api.post('/invitations', { email: uniqueEmail('x'), role: 'super_admin' }), 422);
  });

  it('a user of two accounts names one with X-Customer-ID; another account is 404', async () => {
    const inv = (await globex.users.customer_admin.api.post('/invitations', { email: acme.users.billing.email, role: 'viewer' })).body.data;
    expectError(await anon.post('/auth/invitations/accept', { token: inv.token, password: 'wrong-passw0rd' }), 401);
    const accepted = await anon.post('/auth/invitations/accept', { token: inv.token, password: PASSWORD });
    expect(accepted.status).toBe(200);
    const api = anon.as(accepted.body.access_token);
    const none = await api.get('/account');
    expectError(none, 422);
    expect(none.body.details[0].field).toBe('X-Customer-ID');
    expect((await api.for(globex.ban).get('/account')).body.data.id).toBe(globex.id);
    expect((await api.for(acme.id).get('/account')).body.data.id).toBe(acme.id);
    // billing on Acme, viewer on Globex: roles are per account.
    expectError(await api.for(acme.id).get('/api-keys'), 403);
    expect((await api.for(globex.id).get('/api-keys')).status).toBe(200);
    const third = await createTestCustomer(server, 'Initech');
    expectError(await api.for(third.id).get('/account'), 404);
    expectError(await api.for(third.ban).get('/account'), 404);
  });

  it('staff invite staff (only a super_admin invites a super_admin) and customer users by customer_id', async () => {
    const admin = await createStaff(server, 'admin');
    const su = await createStaff(server, 'super_admin');
    expectError(await admin.api.post('/admin/invitations', { email: uniqueEmail('su'), role: 'super_admin' }), 403);
    expect((await su.api.post('/admin/invitations', { email: uniqueEmail('su'), role: 'super_admin' })).status).toBe(201);
    const staffInv = (await admin.api.post('/admin/invitations', { email: uniqueEmail('noc'), role: 'support' })).body.data;
    const accepted = await anon.post('/auth/invitations/accept', { token: staffInv.token, password: 'Support-passw0rd' });
    expect(accepted.body.user).toMatchObject({ type: 'staff', role: 'support', memberships: [] });
    expectError(await admin.api.post('/admin/invitations', { email: uniqueEmail('c'), role: 'viewer' }), 422);
    expect((await admin.api.post('/admin/invitations', { email: uniqueEmail('c'), role: 'viewer', customer_id: acme.id })).status).toBe(201);
    expectError(await admin.api.post('/admin/invitations', { email: acme.users.viewer.email, role: 'viewer', customer_id: acme.id }), 409);
    expectError(await (await createStaff(server, 'finance')).api.post('/admin/invitations', { email: uniqueEmail('f'), role: 'support' }), 403);
  });
});
