import { sha256Hex } from '@opbx/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Api, createTestOrg, type TestOrg, uniqueEmail } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';

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

  it('rejects wrong passwords, unknown emails and inactive accounts alike: 422 on email, not the 401 of an expired session', async () => {
    const email = uniqueEmail('alike');
    const created = await org.owner.post('/users', { name: 'Alike', email, password: 'secret-pass-1', role: 'agent' });
    const dormantEmail = uniqueEmail('dormant');
    await org.owner.post('/users', { name: 'Dormant', email: dormantEmail, password: 'secret-pass-1', role: 'agent', status: 'inactive' });
    const answers = [
      await org.anon.post('/auth/login', { email: 'nobody@test.example', password: 'secret-pass-1' }),
      await org.anon.post('/auth/login', { email, password: 'wrong-pass-1' }),
      // The right password of an inactive account must not confirm that it is right.
      await org.anon.post('/auth/login', { email: dormantEmail, password: 'secret-pass-1' }),
    ];
    for (const a of answers) {
      expect(a.status).toBe(422);
      expect(a.body.error.request_id).toBeTruthy();
    }
    const shapes = answers.map((a) => ({
      status: a.status,
      code: a.body.error.code,
      message: a.body.error.message,
      details: a.body.error.details,
      keys: Object.keys(a.body.error).sort(),
    }));
    expect(shapes[0]).toEqual({
      status: 422,
      code: 'VALIDATION_ERROR',
      message: 'These credentials do not match our records.',
      details: [{ field: 'email', message: 'These credentials do not match our records.' }],
      keys: ['code', 'details', 'message', 'request_id'],
    });
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    expect(created.status).toBe(201);
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
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('inactive organizations cannot log in', async () => {
    const email = uniqueEmail('orgoff');
    await org.owner.post('/users', { name: 'O', email, password: 'secret-pass-1', role: 'agent' });
    const other = await createTestOrg(server.app, server.ctx, 'Disabled Org');
    await server.ctx.db.updateTable('organizations').set({ status: 'inactive' }).where('id', '=', other.organizationId).execute();
    expect((await other.owner.get('/auth/me')).status).toBe(401);
  });

  it('expired tokens are refused', async () => {
    await server.ctx.db
      .updateTable('api_tokens')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('token_hash', '!=', '')
      .where('user_id', '=', org.adminId)
      .execute();
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
      expect(statuses).toEqual([422, 422, 422, 429, 429]);
      const res = await api.post('/auth/login', { email: 'victim@test.example', password: 'wrong-pass1' });
      expect(res.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Another email from the same IP is not blocked by the per-email limit.
      expect((await api.post('/auth/login', { email: 'other@test.example', password: 'wrong-pass1' })).status).toBe(422);
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
      expect(statuses).toEqual([422, 422, 429]);
    } finally {
      await limited.close();
    }
  });

  /** A sign-in from a given client address (inject's socket peer). */
  const from = (app: TestServer['app'], ip: string, email: string, password: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: ip,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email, password }),
    });

  it('the per-email limit counts failures only: the owner signing in again and again is never locked out', async () => {
    const limited = await createTestServer({ OPBX_LOGIN_LIMIT_EMAIL: '3', OPBX_LOGIN_LIMIT_IP: '1000' });
    try {
      const o = await createTestOrg(limited.app, limited.ctx);
      const email = uniqueEmail('busy');
      await o.owner.post('/users', { name: 'Busy', email, password: 'secret-pass-1', role: 'agent' });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await from(limited.app, '198.51.100.1', email, 'secret-pass-1')).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      // A success clears earlier failures: two typos, a success, two typos is not a lockout.
      for (const password of ['typo-1', 'typo-2', 'secret-pass-1', 'typo-3', 'typo-4', 'secret-pass-1']) {
        const res = await from(limited.app, '198.51.100.1', email, password);
        expect(res.statusCode, password).toBe(password.startsWith('typo') ? 422 : 200);
      }
    } finally {
      await limited.close();
    }
  });

  it('a guesser locks an account for one window at most: then the owner signs in from another address', async () => {
    const limited = await createTestServer({ OPBX_LOGIN_LIMIT_EMAIL: '3', OPBX_LOGIN_LIMIT_IP: '1000', OPBX_LOGIN_WINDOW: '3' });
    try {
      const o = await createTestOrg(limited.app, limited.ctx);
      const email = uniqueEmail('victim');
      await o.owner.post('/users', { name: 'Victim', email, password: 'secret-pass-1', role: 'agent' });
      for (let i = 0; i < 3; i++) expect((await from(limited.app, '203.0.113.66', email, `guess-${i}1`)).statusCode).toBe(422);
      // Locked for the rest of the window, for everyone (no password is checked while locked).
      const locked = await from(limited.app, '198.51.100.20', email, 'secret-pass-1');
      expect(locked.statusCode).toBe(429);
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(3);
      // Attempts refused during the lock do not extend it.
      for (let i = 0; i < 5; i++) expect((await from(limited.app, '203.0.113.66', email, `guess-x${i}`)).statusCode).toBe(429);
      await new Promise((r) => setTimeout(r, retryAfter * 1000 + 150));
      expect((await from(limited.app, '198.51.100.20', email, 'secret-pass-1')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('absolute session lifetime', () => {
  it('refresh carries the session start over and stops at OPBX_SESSION_MAX_AGE however often it was renewed', async () => {
    const email = uniqueEmail('lifetime');
    await org.owner.post('/users', { name: 'Lifetime', email, password: 'secret-pass-1', role: 'agent' });
    const login = await org.anon.post('/auth/login', { email, password: 'secret-pass-1' });
    const first = await server.ctx.db
      .selectFrom('api_tokens')
      .select(['id', 'session_started_at'])
      .where('token_hash', '=', sha256Hex(login.body.access_token))
      .executeTakeFirstOrThrow();
    expect(first.session_started_at).toBeTruthy();
    const refreshed = await org.anon.as(login.body.access_token).post('/auth/refresh');
    expect(refreshed.status).toBe(200);
    const second = await server.ctx.db
      .selectFrom('api_tokens')
      .select(['id', 'session_started_at'])
      .where('token_hash', '=', sha256Hex(refreshed.body.access_token))
      .executeTakeFirstOrThrow();
    expect(second.session_started_at).toBe(first.session_started_at);

    // The session began 30 days and a minute ago (the default limit is 30 days).
    const longAgo = new Date(Date.now() - (30 * 86_400 + 60) * 1000).toISOString();
    await server.ctx.db.updateTable('api_tokens').set({ session_started_at: longAgo }).where('id', '=', second.id).execute();
    const tooOld = await org.anon.as(refreshed.body.access_token).post('/auth/refresh');
    expect(tooOld.status).toBe(401);
    expect(tooOld.body.error.code).toBe('UNAUTHORIZED');
    // A new sign-in starts a new session.
    expect((await org.anon.post('/auth/login', { email, password: 'secret-pass-1' })).status).toBe(200);
  });

  it('no token outlives its session', async () => {
    const short = await createTestServer({ OPBX_SESSION_MAX_AGE: '600' });
    try {
      const o = await createTestOrg(short.app, short.ctx);
      const me = await o.agent.get('/auth/me');
      const login = await o.anon.post('/auth/login', { email: me.body.email, password: 'passw0rd-test' });
      expect(login.body.expires_in).toBeLessThanOrEqual(600);
      const row = await short.ctx.db
        .selectFrom('api_tokens')
        .select(['expires_at', 'session_started_at'])
        .where('token_hash', '=', sha256Hex(login.body.access_token))
        .executeTakeFirstOrThrow();
      expect(Date.parse(row.expires_at) - Date.parse(row.session_started_at!)).toBeLessThanOrEqual(600_000);
      const refreshed = await o.anon.as(login.body.access_token).post('/auth/refresh');
      expect(refreshed.body.expires_in).toBeLessThanOrEqual(600);
    } finally {
      await short.close();
    }
  });
});
