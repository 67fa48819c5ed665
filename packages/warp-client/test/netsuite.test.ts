import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { memoryNetSuiteTokenStore, NetSuiteApiClient, NetSuiteApiError, type NetSuiteTokenStore } from '../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, type FakeNetSuite, startFakeNetSuite } from './support/netsuite-fake.js';

let ns: FakeNetSuite;
beforeEach(async () => {
  ns = await startFakeNetSuite();
});
afterEach(() => ns.close());

function make(store: NetSuiteTokenStore = memoryNetSuiteTokenStore(), extra: Partial<ConstructorParameters<typeof NetSuiteApiClient>[1]> = {}) {
  return new NetSuiteApiClient(
    {
      accountId: '1234567_SB1',
      baseUrl: ns.baseUrl,
      authUrl: 'https://1234567-sb1.app.netsuite.com/app/login/oauth2/authorize.nl',
      tokenUrl: ns.tokenUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: 'https://warp.example/netsuite/callback',
      retryDelay: 1,
    },
    { store, ...extra },
  );
}

/** Runs the authorization-code flow the way a browser would, against the fake. */
async function authorized(store = memoryNetSuiteTokenStore()) {
  const client = make(store);
  const url = new URL(await client.initializeOAuth());
  const code = ns.authorize(url.searchParams.get('code_challenge')!);
  await client.handleCallback(code, url.searchParams.get('state')!);
  return { client, store };
}

async function rejection(promise: Promise<unknown>): Promise<NetSuiteApiError> {
  try {
    await promise;
  } catch (error) {
    return error as NetSuiteApiError;
  }
  throw new Error('expected a rejection');
}

describe('NetSuiteApiClient against a fake that follows NetSuite’s REST contract', () => {
  it('authorization code: the URL carries state and a PKCE S256 challenge; the callback checks the state and exchanges with Basic auth', async () => {
    const client = make();
    const url = new URL(await client.initializeOAuth());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      scope: 'rest_webservices',
      redirect_uri: 'https://warp.example/netsuite/callback',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(22);
    const code = ns.authorize(url.searchParams.get('code_challenge')!);
    await expect(client.handleCallback(code, 'a-state-this-process-never-issued')).rejects.toThrow(/state/);
    const store = memoryNetSuiteTokenStore();
    const { client: ok } = await authorized(store);
    expect(ns.tokenRequests.at(-1)).toMatchObject({ grant: 'authorization_code', basic: `${CLIENT_ID}:${CLIENT_SECRET}` });
    expect(ns.tokenRequests.at(-1)!.form.client_secret).toBeUndefined();
    const saved = await store.get();
    expect(saved?.refresh_token).toEqual(expect.any(String));
    // expires_in came as the string "3600"
    expect(saved!.expires_at).toBeGreaterThan(Date.now() + 3500_000);
    expect(await ok.testConnection()).toBe(true);
  });

  it('create answers 204 + Location with an empty JSON body: the client reads the record back instead of crashing', async () => {
    const { client } = await authorized();
    const created = await client.createCustomer({ companyName: 'Acme Telecom', externalId: 'WARP-1', custentity_warp_customer_id: 'cust-1' });
    expect(created).toMatchObject({ id: expect.any(String), companyName: 'Acme Telecom' });
    const updated = await client.updateCustomer(created.id, { email: 'billing@acme.example' });
    expect(updated).toMatchObject({ id: created.id, companyName: 'Acme Telecom', email: 'billing@acme.example' });
    expect(await client.searchCustomerByWarpId('cust-1')).toMatchObject({ id: created.id });
    expect(ns.recordRequests.some((r) => decodeURIComponent(r.path.replace(/\+/g, ' ')).includes('q=custentity_warp_customer_id IS "cust-1"'))).toBe(true);
    await expect(client.searchCustomerByWarpId('x" OR id ANY_OF [1')).rejects.toThrow(/quotes/);
    await client.deleteCustomer(created.id);
    expect(await client.searchCustomerByWarpId('cust-1')).toBeNull();
  });

  it("NetSuite's error details become NetSuiteApiError with code and message", async () => {
    const { client } = await authorized();
    const error = await rejection(client.createCustomer({ email: 'no-name@example.com' }));
    expect(error).toBeInstanceOf(NetSuiteApiError);
    expect(error).toMatchObject({ statusCode: 400, code: 'USER_ERROR' });
    expect(error.message).toMatch(/Company Name/);
    expect((await rejection(client.getCustomer('999999'))).statusCode).toBe(404);
    // the seed's companyinformation endpoint does not exist in NetSuite
    expect((await rejection(client.getCompanyInfo())).statusCode).toBe(404);
  });

  it('a 401 refreshes once (keeping the refresh token NetSuite did not rotate) and replays once; a second 401 is an error, not a loop', async () => {
    const { client, store } = await authorized();
    const before = await store.get();
    ns.revokeAccessTokens();
    const items = await client.getCustomers({ limit: 5 });
    expect(items.items).toEqual([]);
    const after = await store.get();
    expect(after!.access_token).not.toBe(before!.access_token);
    expect(after!.refresh_token).toBe(before!.refresh_token);
    expect(ns.tokenRequests.filter((t) => t.grant === 'refresh_token')).toHaveLength(1);

    // NetSuite refuses even the fresh token: exactly one refresh and one replay, then the 401 surfaces.
    const requestsBefore = ns.recordRequests.length;
    const refreshesBefore = ns.tokenRequests.length;
    ns.refuseAllTokens(true);
    const error = await rejection(client.getCustomers());
    expect(error).toMatchObject({ statusCode: 401, code: 'INVALID_LOGIN' });
    expect(ns.recordRequests.length - requestsBefore).toBe(2);
    expect(ns.tokenRequests.length - refreshesBefore).toBe(1);
  });

  it('a token about to expire is refreshed before use, once for concurrent calls', async () => {
    const { client, store } = await authorized();
    const tokens = (await store.get())!;
    await store.set({ ...tokens, expires_at: Date.now() + 60_000 }); // inside the 5-minute margin
    await Promise.all([client.getCustomers(), client.getInvoices(), client.getPayments()]);
    expect(ns.tokenRequests.filter((t) => t.grant === 'refresh_token')).toHaveLength(1);
  });

  it('an invalid refresh token clears the store so the app knows to authorize again', async () => {
    const store = memoryNetSuiteTokenStore({ access_token: 'old', refresh_token: 'unknown', token_type: 'bearer', expires_at: Date.now() - 1 });
    const error = await rejection(make(store).getCustomers());
    expect(error.statusCode).toBe(400);
    expect(await store.get()).toBeNull();
    expect((await rejection(make(store).getCustomers())).message).toMatch(/authorize first/);
  });

  it('client credentials (M2M): the assertion is sent without Basic auth, and there is no refresh token', async () => {
    const client = make(memoryNetSuiteTokenStore(), { clientAssertion: async () => 'signed.jwt.assertion' });
    await client.getCustomers();
    expect(ns.tokenRequests).toEqual([
      expect.objectContaining({ grant: 'client_credentials', basic: null, form: expect.objectContaining({ client_assertion: 'signed.jwt.assertion' }) }),
    ]);
    ns.revokeAccessTokens();
    await client.getCustomers();
    expect(ns.tokenRequests.map((t) => t.grant)).toEqual(['client_credentials', 'client_credentials']);
  });

  it('429 and 5xx on reads are retried with backoff; creates are not', async () => {
    const { client } = await authorized();
    ns.failNext(429, 2);
    await client.getSubsidiaries();
    expect(ns.recordRequests.filter((r) => r.path.startsWith('/services/rest/record/v1/subsidiary'))).toHaveLength(3);
    ns.failNext(503, 1);
    expect((await rejection(client.createInvoice({ memo: 'x' }))).statusCode).toBe(503);
    expect(ns.recordRequests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('bulk writes use the async collection batch in chunks of 100 (NetSuite has no /bulk); items use serviceSaleItem', async () => {
    const { client } = await authorized();
    const jobs = await client.bulkUpsertCustomers(Array.from({ length: 150 }, (_, i) => ({ companyName: `C${i}`, externalId: `E${i}` })));
    expect(jobs).toEqual([
      { location: '/services/rest/async/v1/job/1', records: 100 },
      { location: '/services/rest/async/v1/job/2', records: 50 },
    ]);
    const batches = ns.recordRequests.filter((r) => r.headers.prefer === 'respond-async');
    expect(batches.map((b) => b.path)).toEqual(['/services/rest/record/v1/customer', '/services/rest/record/v1/customer']);
    expect(batches[0]!.headers['content-type']).toBe('application/vnd.oracle.resource+json; type=collection');
    await client.createServiceItem({ itemId: 'Termination minutes' });
    expect(ns.records.get('servicesaleitem')?.size).toBe(1);
    await client.upsertCustomer('WARP-7', { companyName: 'Upserted' });
    await client.upsertCustomer('WARP-7', { companyName: 'Upserted again' });
    expect([...ns.records.get('customer')!.values()].filter((r) => r.externalId === 'WARP-7')).toHaveLength(1);
  });
});
