import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestServer, type TestServer } from './support/context.js';

/**
 * /metrics shows traffic and internals: before, WARP served it to anyone. Now it takes the
 * Bearer WARP_METRICS_TOKEN, or, without one, answers only scrapers on this host.
 */
let open: TestServer;
let tokened: TestServer;
const TOKEN = 'metrics-token-0123456789abcdef';

beforeAll(async () => {
  open = await createTestServer();
  tokened = await createTestServer({ WARP_METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  await open?.close();
  await tokened?.close();
});

const scrape = (server: TestServer, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  server.app.inject({ method: 'GET', url: '/metrics', headers, remoteAddress });

describe('GET /metrics', () => {
  it('without a token: this host only, in WARP’s error envelope otherwise', async () => {
    expect((await scrape(open)).statusCode).toBe(200);
    const remote = await scrape(open, {}, '203.0.113.9');
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('WARP_METRICS_TOKEN') });
    expect((await scrape(open, { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(403);
  });

  it('with WARP_METRICS_TOKEN: the Bearer token from anywhere, nothing without it', async () => {
    expect((await scrape(tokened)).statusCode).toBe(401);
    expect((await scrape(tokened, { authorization: 'Bearer wrong-token-0123456789' }, '203.0.113.9')).statusCode).toBe(401);
    const ok = await scrape(tokened, { authorization: `Bearer ${TOKEN}` }, '203.0.113.9');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('http_requests_total');
  });
});
