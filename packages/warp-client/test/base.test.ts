import { setTimeout as delay } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AdminApiClient, ApiError, CustomerApiClient, memoryStorage, parseRetryAfter, type RetryInfo } from '../src/index.js';
import { fail, json, ok, startServer, type TestServer } from './support/http-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const tokens = (access: string, refresh: string) => ({ access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: 900 });

function client(extra: ConstructorParameters<typeof CustomerApiClient>[0] = {}) {
  return new CustomerApiClient({ baseUrl: server.url, retryDelay: 1, storage: memoryStorage(), ...extra });
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('retries (the seed declared retryAttempts/retryDelay and never used them)', () => {
  it('a GET answered 503, 502, then 200 is retried with growing jittered delays and succeeds', async () => {
    server.on('GET /billing/balance', (_req, res, n) => {
      if (n === 1) return fail(res, 503, 'SERVICE_UNAVAILABLE');
      if (n === 2) return fail(res, 502, 'BAD_GATEWAY');
      ok(res, { balance: '12.50' });
    });
    const retries: RetryInfo[] = [];
    const api = client({ retryDelay: 20, onRetry: (r) => retries.push(r) });
    const result = await api.getBalance();
    expect(result.data).toEqual({ balance: '12.50' });
    expect(server.requests).toHaveLength(3);
    expect(retries.map((r) => [r.attempt, r.status])).toEqual([
      [1, 503],
      [2, 502],
    ]);
    // exponential with equal jitter: attempt n waits between retryDelay·2^(n-1)/2 and retryDelay·2^(n-1)
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(10);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(20);
    expect(retries[1]!.delayMs).toBeGreaterThanOrEqual(20);
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(40);
  });

  it('gives up after retryAttempts and rejects with the last error', async () => {
    server.on('GET /billing/balance', (_req, res) => fail(res, 504, 'GATEWAY_TIMEOUT'));
    const error = await failure(client({ retryAttempts: 2 }).getBalance());
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 504, code: 'GATEWAY_TIMEOUT', requestId: 'req-err' });
    expect(server.requests).toHaveLength(3);
  });

  it('429 waits at least Retry-After; a Retry-After beyond maxRetryDelay is not waited for', async () => {
    server.on('GET /metrics/current', (_req, res, n) =>
      n === 1 ? fail(res, 429, 'RATE_LIMIT_EXCEEDED', { 'retry-after': '1' }) : ok(res, { active_calls: 3 }),
    );
    const retries: RetryInfo[] = [];
    expect((await client({ onRetry: (r) => retries.push(r) }).getCurrentMetrics()).data).toEqual({ active_calls: 3 });
    expect(retries).toEqual([expect.objectContaining({ status: 429, delayMs: 1000 })]);

    server.on('GET /billing/invoices', (_req, res) => fail(res, 429, 'RATE_LIMIT_EXCEEDED', { 'retry-after': '120' }));
    const error = await failure(client().getInvoices());
    expect(error.statusCode).toBe(429);
    expect(server.requests.filter((r) => r.path.startsWith('/v1/billing/invoices'))).toHaveLength(1);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
  });

  it('a network error (connection reset) on a GET is retried', async () => {
    server.on('GET /account', (req, res, n) => {
      if (n === 1) return void res.socket?.destroy();
      ok(res, { id: 'cust-1' });
    });
    expect((await client().getAccount()).data).toEqual({ id: 'cust-1' });
    expect(server.requests).toHaveLength(2);
  });

  it('POST and PATCH are never retried, not on 503 and not on a network error', async () => {
    server.on('POST /messages/sms', (_req, res) => fail(res, 503, 'SERVICE_UNAVAILABLE'));
    server.on('PATCH /account', (_req, res) => void res.socket?.destroy());
    const api = client();
    expect((await failure(api.sendSMS({ from: '+15550001111', to: '+15550002222', body: 'hi' }))).statusCode).toBe(503);
    const network = await failure(api.updateAccount({ contact: { name: 'X' } }));
    expect(network).toMatchObject({ statusCode: 0, code: 'NETWORK_ERROR' });
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });
});

describe('401 and token refresh (the seed recursed forever and assigned window.location)', () => {
  it('concurrent requests that get 401 share one refresh, and each is replayed once with the new token', async () => {
    let refreshes = 0;
    server.on('POST /auth/refresh', async (req, res) => {
      refreshes += 1;
      expect(JSON.parse(req.body)).toEqual({ refresh_token: 'r1' });
      await delay(30);
      json(res, 200, { ...tokens('a2', 'r2'), data: tokens('a2', 'r2') });
    });
    const seen: string[] = [];
    const guarded = (req: { headers: { authorization?: string } }, res: Parameters<typeof ok>[0], data: unknown) => {
      seen.push(req.headers.authorization ?? '');
      return req.headers.authorization === 'Bearer a2' ? ok(res, data) : fail(res, 401, 'UNAUTHORIZED');
    };
    server.on('GET /billing/balance', (req, res) => guarded(req, res, { balance: '1' }));
    server.on('GET /metrics/current', (req, res) => guarded(req, res, { active_calls: 0 }));
    server.on('GET /billing/payment-methods', (req, res) => guarded(req, res, []));
    const storage = memoryStorage();
    const api = client({ storage });
    api.setTokens('a1', 'r1');
    const [a, b, c] = await Promise.all([api.getBalance(), api.getCurrentMetrics(), api.getPaymentMethods()]);
    expect([a.data, b.data, c.data]).toEqual([{ balance: '1' }, { active_calls: 0 }, []]);
    expect(refreshes).toBe(1);
    expect(seen.filter((s) => s === 'Bearer a1')).toHaveLength(3);
    expect(seen.filter((s) => s === 'Bearer a2')).toHaveLength(3);
    expect(storage.getItem('warp_access_token')).toBe('a2');
    expect(storage.getItem('warp_refresh_token')).toBe('r2');
  });

  it('a request still 401 after a successful refresh is replayed at most once, then rejects', async () => {
    let refreshes = 0;
    server.on('POST /auth/refresh', (_req, res) => {
      refreshes += 1;
      json(res, 200, { ...tokens(`a${refreshes + 1}`, `r${refreshes + 1}`) });
    });
    server.on('GET /account', (_req, res) => fail(res, 401, 'UNAUTHORIZED'));
    const api = client();
    api.setTokens('a1', 'r1');
    const error = await failure(api.getAccount());
    expect(error).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect(refreshes).toBe(1);
    expect(server.requests.filter((r) => r.path === '/v1/account')).toHaveLength(2);
  });

  it('a refused refresh clears the tokens and calls onSessionExpired once, for all waiting requests', async () => {
    server.on('POST /auth/refresh', (_req, res) => fail(res, 401, 'UNAUTHORIZED'));
    server.on('GET /billing/balance', (_req, res) => fail(res, 401, 'UNAUTHORIZED'));
    server.on('GET /billing/invoices', (_req, res) => fail(res, 401, 'UNAUTHORIZED'));
    const expired: ApiError[] = [];
    const storage = memoryStorage();
    const api = client({ storage, onSessionExpired: (e) => expired.push(e) });
    api.setTokens('a1', 'r1');
    storage.setItem('warp_customer_id', 'cust-1');
    const errors = await Promise.all([failure(api.getBalance()), failure(api.getInvoices())]);
    expect(errors.map((e) => [e.statusCode, e.code])).toEqual([
      [401, 'SESSION_EXPIRED'],
      [401, 'SESSION_EXPIRED'],
    ]);
    expect(expired).toHaveLength(1);
    expect(api.isAuthenticated()).toBe(false);
    expect([storage.getItem('warp_access_token'), storage.getItem('warp_refresh_token'), storage.getItem('warp_customer_id')]).toEqual([null, null, null]);
    expect(server.requests.filter((r) => r.path === '/v1/auth/refresh')).toHaveLength(1);
  });

  it('a wrong password at login is a plain 401: no refresh, no session-expired hook, even with stale tokens stored', async () => {
    server.on('POST /auth/login', (_req, res) => fail(res, 401, 'UNAUTHORIZED'));
    const expired: ApiError[] = [];
    const api = client({ onSessionExpired: (e) => expired.push(e) });
    api.setTokens('old', 'old-refresh');
    expect((await failure(api.login('a@b.c', 'nope'))).statusCode).toBe(401);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/auth/login']);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(expired).toEqual([]);
  });

  it('login stores the tokens it gets under data; logout clears them even when the server call fails', async () => {
    server.on('POST /auth/login', (req, res) => {
      expect(JSON.parse(req.body)).toEqual({ email: 'a@b.c', password: 'pw', mfa_code: '123456' });
      json(res, 200, { ...tokens('a1', 'r1'), user: { id: 'u1' }, data: { ...tokens('a1', 'r1'), user: { id: 'u1' } }, meta: {} });
    });
    server.on('POST /auth/logout', (_req, res) => fail(res, 500, 'INTERNAL_ERROR'));
    const storage = memoryStorage();
    const api = client({ storage });
    const session = await api.login('a@b.c', 'pw', '123456');
    expect(session.data.user).toEqual({ id: 'u1' });
    expect(storage.getItem('warp_access_token')).toBe('a1');
    expect((await failure(api.logout())).statusCode).toBe(500);
    expect(storage.getItem('warp_access_token')).toBeNull();
    expect(server.requests[1]!.headers.authorization).toBe('Bearer a1');
  });
});

describe('bodies, timeouts, aborts, uploads', () => {
  it('204 and empty 200 bodies resolve instead of crashing in response.json()', async () => {
    server.on('DELETE /trunks/t1', (_req, res) => void res.writeHead(204).end());
    server.on('DELETE /api-keys/k1', (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end());
    const api = client();
    await expect(api.deleteTrunk('t1')).resolves.toEqual({ data: undefined });
    await expect(api.deleteApiKey('k1')).resolves.toEqual({ data: undefined });
  });

  it('a non-JSON error page (a proxy 502 on a POST) becomes an ApiError, not a SyntaxError', async () => {
    server.on('POST /numbers/order', (_req, res) => void res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>'));
    const error = await failure(client().orderNumbers(['+15550001111'], 't1'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 502, code: 'UNKNOWN_ERROR' });
  });

  it('a server slower than the timeout gives ApiError 408', async () => {
    server.on('POST /trunks/t1/test', async (_req, res) => {
      await delay(500);
      ok(res, {});
    });
    const error = await failure(client({ timeout: 50 }).testTrunk('t1', '+15550001111'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 408, code: 'REQUEST_TIMEOUT' });
  });

  it("a caller's AbortSignal cancels the request (and a pending retry wait) with the caller's reason", async () => {
    server.on('GET /billing/balance', async (_req, res) => {
      await delay(1000);
      ok(res, {});
    });
    const controller = new AbortController();
    const pending = failure(client().getBalance({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('user left the page')), 20);
    expect(((await pending) as unknown as Error).message).toBe('user left the page');

    server.on('GET /metrics/current', (_req, res) => fail(res, 503, 'SERVICE_UNAVAILABLE', { 'retry-after': '10' }));
    const second = new AbortController();
    const waiting = failure(client({ onRetry: () => second.abort(new Error('stop')) }).getCurrentMetrics({ signal: second.signal }));
    expect(((await waiting) as unknown as Error).message).toBe('stop');
    expect(server.requests.filter((r) => r.path === '/v1/metrics/current')).toHaveLength(1);
  });

  it('importRates and importProviderRates send multipart FormData, never Content-Type: application/json', async () => {
    server.on('POST /admin/rates/import', (_req, res) => ok(res, { accepted: 1 }));
    server.on('POST /admin/providers/p1/rates/import', (_req, res) => ok(res, { accepted: 2 }));
    const admin = new AdminApiClient({ baseUrl: server.url, storage: memoryStorage() });
    const csv = 'prefix,rate,effective_date\n44,0.0123,2026-01-01\n';
    await admin.importRates(new File([csv], 'sell.csv', { type: 'text/csv' }), { rate_plan: 'retail', dry_run: true });
    await admin.importProviderRates('p1', new Blob([csv], { type: 'text/csv' }));
    const [sell, cost] = server.requests;
    expect(sell!.path).toBe('/v1/admin/rates/import?dry_run=true');
    for (const request of [sell!, cost!]) {
      expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(request.body).toContain(csv);
    }
    expect(sell!.body).toMatch(/name="rate_plan"\r\n\r\nretail\r\n/);
    expect(sell!.body).toContain('filename="sell.csv"');
  });
});

describe('paths, queries, storage and binding', () => {
  it("getTrunks/createTrunk use the account's id from GET /account, cached in the client's storage", async () => {
    server.on('GET /account', (_req, res) => ok(res, { id: 'cust 1' }));
    server.on('/customers/cust%201/trunks', (req, res) => ok(res, req.method === 'GET' ? [] : { id: 't1' }, req.method === 'GET' ? 200 : 201));
    const storage = memoryStorage();
    const api = client({ storage });
    await api.getTrunks({ page: 2, limit: 10, status: undefined });
    await api.createTrunk({ name: 'edge' });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/account',
      'GET /v1/customers/cust%201/trunks?page=2&limit=10',
      'POST /v1/customers/cust%201/trunks',
    ]);
    expect(storage.getItem('warp_customer_id')).toBe('cust 1');
    // switching accounts (X-Customer-ID) forgets the cached id, so trunks are not read from the old account
    api.setCustomerContext('BAN-2');
    expect(storage.getItem('warp_customer_id')).toBeNull();
  });

  it('ids are one path segment each: "../" cannot reach another route', async () => {
    server.on('GET /trunks/..%2Fadmin%2Fcustomers', (_req, res) => ok(res, { id: 'x' }));
    await client().getTrunk('../admin/customers');
    expect(server.requests[0]!.path).toBe('/v1/trunks/..%2Fadmin%2Fcustomers');
  });

  it('methods keep their this when detached (the seed passed apiClient.getBalance as queryFn)', async () => {
    server.on('GET /billing/balance', (_req, res) => ok(res, { balance: '3' }));
    const { getBalance } = client();
    expect((await getBalance()).data).toEqual({ balance: '3' });
  });

  it('tokens survive a new client on the same storage; the browser default is localStorage, Node falls back to memory', async () => {
    const storage = memoryStorage();
    client({ storage }).setTokens('a1', 'r1');
    server.on('GET /account', (req, res) => ok(res, { auth: req.headers.authorization }));
    expect((await client({ storage }).getAccount()).data).toEqual({ auth: 'Bearer a1' });

    const items = new Map<string, string>();
    const fakeLocalStorage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    };
    (globalThis as { localStorage?: unknown }).localStorage = fakeLocalStorage;
    try {
      new CustomerApiClient({ baseUrl: server.url }).setTokens('b1', 'r2');
      expect(items.get('warp_access_token')).toBe('b1');
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage;
    }
    // Node without localStorage: works, in memory
    const node = new CustomerApiClient({ baseUrl: server.url });
    node.setTokens('c1', 'r3');
    expect(node.getAccessToken()).toBe('c1');
  });

  it('X-Customer-ID is sent once set, and the default base URL is WARP on 8080', async () => {
    server.on('GET /admin/customers/c1', (req, res) => ok(res, { header: req.headers['x-customer-id'] }));
    const admin = new AdminApiClient({ baseUrl: server.url, storage: memoryStorage() });
    admin.setCustomerContext('BAN-1001');
    expect((await admin.getCustomer('c1')).data).toEqual({ header: 'BAN-1001' });
    expect((new AdminApiClient({ storage: memoryStorage() }) as unknown as { config: { baseUrl: string } }).config.baseUrl).toBe('http://localhost:8080/v1');
  });
});
