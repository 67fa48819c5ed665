import { authenticator } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Api, expectError } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff, createTestCustomer, PASSWORD, type TestCustomer } from './support/fixtures.js';

let server: TestServer;
let anon: Api;
let customer: TestCustomer;

beforeAll(async () => {
  server = await createTestServer();
  anon = new Api(server.app);
  customer = await createTestCustomer(server);
});
afterAll(() => server?.close());

describe('operations', () => {
  it('GET /v1/health answers {data, meta} without a token', async () => {
    const res = await anon.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'ok', database: 'ok' });
    expect(res.body.meta.requestId).toBe(res.headers['x-request-id']);
    expect(Date.parse(res.body.meta.timestamp)).not.toBeNaN();
  });

  it('serves the OpenAPI document at /v1/docs and Prometheus metrics at /metrics', async () => {
    const docs = await anon.get('/v1/docs/json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/v1/auth/login', '/v1/trunks', '/v1/admin/customers']));
    const metrics = await anon.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(String(metrics.body)).toContain('http_requests_total');
  });

  it('browsers may call it from the portal origins, sending X-Customer-ID and reading x-request-id', async () => {
    const res = await server.app.inject({
      method: 'OPTIONS',
      url: '/v1/trunks',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-customer-id',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(res.headers['access-control-allow-headers'])).toContain('x-customer-id');
    expect(String(res.headers['access-control-expose-headers'])).toContain('x-request-id');
    const foreign = await server.app.inject({
      method: 'OPTIONS',
      url: '/v1/trunks',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('unknown routes, missing tokens and malformed JSON use the top-level error body', async () => {
    expectError(await anon.get('/nope'), 404, 'NOT_FOUND');
    expectError(await anon.get('/account'), 401, 'UNAUTHORIZED');
    const bad = await anon.request('POST', '/auth/login', '{"email":', {});
    expectError(bad, 422, 'VALIDATION_ERROR');
    expect(bad.body.details[0].field).toBe('body');
  });
});

describe('login, refresh, logout', () => {
  it('login answers the tokens at the top level and under data, with the user', async () => {
    const res = await anon.post('/auth/login', { email: customer.users.customer_admin.email, password: PASSWORD });
    expect(res.status).toBe(200);
    for (const body of [res.body, res.body.data]) {
      expect(body.access_token).toMatch(/^warp_at_/);
      expect(body.refresh_token).toMatch(/^warp_rt_/);
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBe(900);
    }
    expect(res.body.data.user).toMatchObject({ email: customer.users.customer_admin.email, type: 'customer', role: null, mfa_enabled: false });
    expect(res.body.data.user.memberships).toEqual([{ customer_id: customer.id, ban: customer.ban, name: 'Test Carrier', role: 'customer_admin' }]);
    expect(res.body.meta.requestId).toBe(res.headers['x-request-id']);
  });

  it('wrong password and unknown email are the same 401; bad input is 422 with fields', async () => {
    const wrong = await anon.post('/auth/login', { email: customer.users.viewer.email, password: 'not-it-123' });
    const unknown = await anon.post('/auth/login', { email: 'nobody@test.example', password: 'not-it-123' });
    expectError(wrong, 401, 'UNAUTHORIZED');
    expectError(unknown, 401, 'UNAUTHORIZED');
    expect(wrong.body.message).toBe(unknown.body.message);
    const bad = await anon.post('/auth/login', { email: 'not-an-email', password: 5, extra: true });
    expectError(bad, 422, 'VALIDATION_ERROR');
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['email', 'extra', 'password']);
  });

  it('refresh rotates; presenting a rotated refresh token revokes the whole family', async () => {
    const first = await anon.post('/auth/login', { email: customer.users.developer.email, password: PASSWORD });
    const r1 = await anon.post('/auth/refresh', { refresh_token: first.body.refresh_token });
    expect(r1.status).toBe(200);
    expect(r1.body.access_token).toBe(r1.body.data.access_token);
    expect(r1.body.refresh_token).not.toBe(first.body.refresh_token);
    const r2 = await anon.post('/auth/refresh', { refresh_token: r1.body.refresh_token });
    expect(r2.status).toBe(200);
    expect((await anon.as(r2.body.access_token).get('/account')).status).toBe(200);
    // Replay of the first (already rotated) token: the family dies, including the newest pair.
    expectError(await anon.post('/auth/refresh', { refresh_token: first.body.refresh_token }), 401, 'UNAUTHORIZED');
    expectError(await anon.as(r2.body.access_token).get('/account'), 401);
    expectError(await anon.post('/auth/refresh', { refresh_token: r2.body.refresh_token }), 401);
    // Another session of the same user is untouched.
    expect((await customer.users.developer.api.get('/account')).status).toBe(200);
  });

  it('logout revokes the access and refresh tokens of that session', async () => {
    const s = await anon.post('/auth/login', { email: customer.users.billing.email, password: PASSWORD });
    const api = anon.as(s.body.access_token);
    expect((await api.post('/auth/logout')).status).toBe(204);
    expectError(await api.get('/auth/me'), 401);
    expectError(await anon.post('/auth/refresh', { refresh_token: s.body.refresh_token }), 401);
  });

  it('expired tokens are purged; live ones stay', async () => {
    const s = await anon.post('/auth/login', { email: customer.users.viewer.email, password: PASSWORD });
    const { purgeExpired } = await import('../src/modules/auth/housekeeping.js');
    await purgeExpired(server.ctx, new Date(Date.now() + 3600_000));
    expect(
      await server.ctx.db
        .selectFrom('access_tokens')
        .select('token_hash')
        .where('expires_at', '<', new Date(Date.now() + 3600_000).toISOString())
        .execute(),
    ).toEqual([]);
    // The refresh token (30 days) still works and mints a new pair.
    expect((await anon.post('/auth/refresh', { refresh_token: s.body.refresh_token })).status).toBe(200);
  });

  it('login is rate limited per email with Retry-After', async () => {
    const limited = await createTestServer({ WARP_LOGIN_LIMIT_EMAIL: '3' });
    try {
      const a = new Api(limited.app);
      for (let i = 0; i < 3; i++) expect((await a.post('/auth/login', { email: 'x@test.example', password: 'wrong-123' })).status).toBe(401);
      const res = await a.post('/auth/login', { email: 'x@test.example', password: 'wrong-123' });
      expectError(res, 429, 'RATE_LIMIT_EXCEEDED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('TOTP MFA', () => {
  it('enrol → confirm → mfa_code required at login; recovery codes work once', async () => {
    const staff = await createStaff(server, 'support');
    const enrol = await staff.api.post('/auth/mfa/enroll');
    expect(enrol.status).toBe(200);
    const { secret, otpauth_url, qr_code } = enrol.body.data;
    expect(otpauth_url).toMatch(/^otpauth:\/\/totp\/WARP:/);
    expect(qr_code).toMatch(/^data:image\/png;base64,/);
    // Not enforced until confirmed.
    expect((await anon.post('/auth/login', { email: staff.email, password: PASSWORD })).status).toBe(200);
    expectError(await staff.api.post('/auth/mfa/confirm', { code: '000000' === authenticator.generate(secret) ? '111111' : '000000' }), 422);
    const confirmed = await staff.api.post('/auth/mfa/confirm', { code: authenticator.generate(secret) });
    expect(confirmed.status).toBe(200);
    const codes: string[] = confirmed.body.data.recovery_codes;
    expect(codes).toHaveLength(10);
    const stored = await server.ctx.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', staff.id).execute();
    expect(stored.map((r) => r.code_hash)).not.toContain(codes[0]);

    const missing = await anon.post('/auth/login', { email: staff.email, password: PASSWORD });
    expectError(missing, 401, 'UNAUTHORIZED');
    expect(missing.body.details).toEqual([{ field: 'mfa_code', message: expect.any(String) }]);
    expectError(await anon.post('/auth/login', { email: staff.email, password: PASSWORD, mfa_code: '12345x' }), 401);
    // confirm spent this step's code; the next step's is accepted (one step of clock drift).
    const withCode = await anon.post('/auth/login', {
      email: staff.email,
      password: PASSWORD,
      mfa_code: authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret),
    });
    expect(withCode.status).toBe(200);
    expect(withCode.body.user.mfa_enabled).toBe(true);
    expect((await anon.post('/auth/login', { email: staff.email, password: PASSWORD, mfa_code: codes[0] })).status).toBe(200);
    expectError(await anon.post('/auth/login', { email: staff.email, password: PASSWORD, mfa_code: codes[0] }), 401);
    // A TOTP code is good once: someone who saw it (shoulder, phishing proxy) cannot replay it.
    const fresh = await createStaff(server, 'finance');
    const seed = (await fresh.api.post('/auth/mfa/enroll')).body.data.secret;
    expect((await fresh.api.post('/auth/mfa/confirm', { code: authenticator.generate(seed) })).status).toBe(200);
    // The next 30 s step's code (accepted: clocks drift by a step), so it differs from the one confirm used.
    const code = authenticator.clone({ epoch: Date.now() + 30_000 }).generate(seed);
    expect((await anon.post('/auth/login', { email: fresh.email, password: PASSWORD, mfa_code: code })).status).toBe(200);
    expectError(await anon.post('/auth/login', { email: fresh.email, password: PASSWORD, mfa_code: code }), 401);
    // The seed is stored encrypted, never as the plain secret.
    const row = await server.ctx.db.selectFrom('users').select('mfa_secret_enc').where('id', '=', staff.id).executeTakeFirstOrThrow();
    expect(row.mfa_secret_enc).not.toContain(secret);
  });
});
