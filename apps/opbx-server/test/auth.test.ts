import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './support/context.js';
import { Api, createTestOrg, uniqueEmail, type TestOrg } from './support/api.js';

let server: TestServer;
let org: TestOrg;

beforeAll(async () => {
  server = await createTestServer();
  org = await createTestOrg(server.app, server.ctx);
});
afterAll(() => server.close());

describe('auth', () => {
  it('logs in, returns the user and a bearer token', async () => {
    const email = uniqueEmail('login');
    await org.owner.post('/users', { name: 'Login Person', email, password: 'secret-pass-1', role: 'agent', extension_number: '501' });
    const res = await org.anon.post('/auth/login', { email: email.toUpperCase(), password: 'secret-pass-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 86400, user: { email, role: 'agent', extension: { extension_number: '501' } } });
    expect(res.body.access_token).toMatch(/^opbx_/);
    expect(JSON.stringify(res.body)).not.toContain('password');
    const me = await org.anon.as(res.body.access_token).get('/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email);
  });

  it('rejects wrong passwords and unknown emails alike', async () => {
    const a = await org.anon.post('/auth/login', { email: 'nobody@test.example', password: 'whatever1' });
    expect(a.status).toBe(401);
    expect(a.body.error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(a.body.error.request_id).toBeTruthy();
  });

  it('stores tokens hashed, never in clear', async () => {
    const rows = await server.ctx.db.selectFrom('api_tokens').select('token_hash').execute();
    const token = org.owner.token!;
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('refresh rotates the token: the old one stops working', async () => {
    const email = uniqueEmail('refresh');
    await org.owner.post('/users', { name: 'R', email, password: 'secret-pass-1', role: 'agent' });
    const login = await org.anon.post('/auth/login', { email, password: 'secret-pass-1' });
    const old = org.anon.as(login.body.access_token);
    const refreshed = await old.post('/auth/refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(login.body.access_token);
    expect((await old.get('/auth/me')).status).toBe(401);
    expect((await org.anon.as(refreshed.body.access_token).get('/auth/me')).status).toBe(200);
  });

  it('logout revokes the token', async () => {
    const email = uniqueEmail('logout');
    await org.owner.post('/users', { name: 'L', email, password: 'secret-pass-1', role: 'agent' });
    const login = await org.anon.post('/auth/login', { email, password: 'secret-pass-1' });
    const api = org.anon.as(login.body.access_token);
    expect((await api.post('/auth/logout')).status).toBe(204);
    expect((await api.get('/auth/me')).status).toBe(401);
  });

  it('inactive users cannot log in and their tokens stop working', async () => {
    const email = uniqueEmail('inactive');
    const created = await org.owner.post('/users', { name: 'I', email, password: 'secret-pass-1', role: 'agent' });
    const login = await org.anon.post('/auth/login', { email, password: 'secret-pass-1' });
    await org.owner.patch(`/users/${created.body.id}`, { status: 'inactive' });
    expect((await org.anon.as(login.body.access_token).get('/auth/me')).status).toBe(401);
    const again = await org.anon.post('/auth/login', { email, password: 'secret-pass-1' });
    expect(again.status).toBe(403);
  });

  it('inactive organizations cannot log in', async () => {
    const email = uniqueEmail('orgoff');
    await org.owner.post('/users', { name: 'O', email, password: 'secret-pass-1', role: 'agent' });
    const other = await createTestOrg(server.app, server.ctx, 'Disabled Org');
    await server.ctx.db.updateTable('organizations').set({ status: 'inactive' }).where('id', '=', other.organizationId).execute();
    expect((await other.owner.get('/auth/me')).status).toBe(401);
  });

  it('expired tokens are refused', async () => {
    await server.ctx.db.updateTable('api_tokens').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('token_hash', '!=', '').where('user_id', '=', org.adminId).execute();
    expect((await org.admin.get('/auth/me')).status).toBe(401);
  });

  it('requires a token on protected routes', async () => {
    const res = await new Api(server.app).get('/extensions');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });
});

describe('login rate limit', () => {
  it('answers 429 with Retry-After once the per-email limit is hit', async () => {
    const limited = await createTestServer({ OPBX_LOGIN_LIMIT_EMAIL: '3', OPBX_LOGIN_LIMIT_IP: '1000' });
    try {
      const api = new Api(limited.app);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await api.post('/auth/login', { email: 'victim@test.example', password: 'wrong-pass1' })).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const res = await api.post('/auth/login', { email: 'victim@test.example', password: 'wrong-pass1' });
      expect(res.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Another email from the same IP is not blocked by the per-email limit.
      expect((await api.post('/auth/login', { email: 'other@test.example', password: 'wrong-pass1' })).status).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('limits per IP across emails', async () => {
    const limited = await createTestServer({ OPBX_LOGIN_LIMIT_EMAIL: '1000', OPBX_LOGIN_LIMIT_IP: '2' });
    try {
      const api = new Api(limited.app);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await api.post('/auth/login', { email: `u${i}@test.example`, password: 'wrong-pass1' })).status);
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});
