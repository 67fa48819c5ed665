import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Api, expectError } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff, createTestCustomer, type TestCustomer } from './support/fixtures.js';
import { followToRedirect, startIdentityProvider } from './support/oidc.js';

const REDIRECT = 'http://localhost:8080/oidc/callback';
let idp: Awaited<ReturnType<typeof startIdentityProvider>>;
let server: TestServer;
let anon: Api;
let acme: TestCustomer;

beforeAll(async () => {
  idp = await startIdentityProvider(REDIRECT);
  server = await createTestServer({
    WARP_OIDC_ISSUER: idp.issuer,
    WARP_OIDC_CLIENT_ID: 'warp',
    WARP_OIDC_CLIENT_SECRET: 'warp-test-secret',
    WARP_OIDC_REDIRECT_URI: REDIRECT,
    WARP_OIDC_ALLOW_HTTP: 'true',
  });
  anon = new Api(server.app);
  acme = await createTestCustomer(server, 'OIDC Carrier');
});
afterAll(async () => {
  await server?.close();
  await idp?.close();
});

/** The browser's round trip: WARP's authorization URL → provider sign-in → back with code and state. */
async function signIn(accountId: string) {
  idp.signInAs(accountId);
  const start = await anon.get('/auth/oidc/authorize');
  expect(start.status).toBe(200);
  const url = new URL(start.body.data.authorization_url);
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('state')).toBeTruthy();
  expect(url.searchParams.get('nonce')).toBeTruthy();
  const back = await followToRedirect(url.toString(), REDIRECT);
  return { back, query: back.search };
}

describe('OpenID Connect sign-in against a real provider', () => {
  it('a verified email matching a WARP user signs in (tokens as from login)', async () => {
    idp.accounts.set('acct-dev', { email: acme.users.developer.email.toUpperCase(), email_verified: true });
    const { query } = await signIn('acct-dev');
    const res = await anon.get(`/auth/oidc/callback${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.access_token).toMatch(/^warp_at_/);
    expect(res.body.data.user).toMatchObject({ id: acme.users.developer.id, email: acme.users.developer.email });
    expect((await anon.as(res.body.access_token).get('/trunks')).status).toBe(200);
    // The state is single use: replaying the same redirect fails.
    expectError(await anon.get(`/auth/oidc/callback${query}`), 401, 'UNAUTHORIZED');
  });

  it('staff sign in the same way', async () => {
    const staff = await createStaff(server, 'support');
    idp.accounts.set('acct-staff', { email: staff.email, email_verified: true });
    const res = await anon.get(`/auth/oidc/callback${(await signIn('acct-staff')).query}`);
    expect(res.body.data.user).toMatchObject({ type: 'staff', role: 'support' });
  });

  it('an unverified email, an unknown email, a forged state or a forged code are refused', async () => {
    idp.accounts.set('acct-unverified', { email: acme.users.viewer.email, email_verified: false });
    expectError(await anon.get(`/auth/oidc/callback${(await signIn('acct-unverified')).query}`), 401);
    idp.accounts.set('acct-stranger', { email: 'stranger@elsewhere.example', email_verified: true });
    expectError(await anon.get(`/auth/oidc/callback${(await signIn('acct-stranger')).query}`), 401);

    idp.accounts.set('acct-viewer', { email: acme.users.viewer.email, email_verified: true });
    const { back } = await signIn('acct-viewer');
    const forgedState = new URL(back);
    forgedState.searchParams.set('state', 'attacker-chosen');
    expectError(await anon.get(`/auth/oidc/callback${forgedState.search}`), 401);
    const forgedCode = new URL(back);
    forgedCode.searchParams.set('code', 'not-a-real-code');
    expectError(await anon.get(`/auth/oidc/callback${forgedCode.search}`), 401);
    expect(await server.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', acme.users.viewer.id).where('method', '=', 'oidc').execute()).toEqual(
      [],
    );
  });

  it('without configuration the routes say so (404), never a 500', async () => {
    const plain = await createTestServer();
    try {
      expectError(await new Api(plain.app).get('/auth/oidc/authorize'), 404, 'NOT_FOUND');
      expectError(await new Api(plain.app).get('/auth/oidc/callback?code=x&state=y'), 404, 'NOT_FOUND');
    } finally {
      await plain.close();
    }
  });
});
