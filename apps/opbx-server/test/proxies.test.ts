import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readConfig } from '../src/config.js';
import { createTestServer, freshDatabaseUrl, testConfig, type TestServer } from './support/context.js';
import { type LiveTestServer, startLiveTestServer } from './support/live.js';

/**
 * Behind a load balancer the client's address is the one the balancer appended to
 * X-Forwarded-For, never what the client wrote there itself: otherwise the per-IP limits
 * (sign-in, bad requests keys) are one header away from useless.
 */
const login = (server: TestServer, xff: string) =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
    payload: JSON.stringify({ email: `nobody.${Math.random()}@test.example`, password: 'wrong-pass1' }),
  });

describe('per-IP sign-in limit behind a proxy', () => {
  let hops: TestServer;
  let cidrs: TestServer;
  beforeAll(async () => {
    hops = await createTestServer({ OPBX_TRUST_PROXY: '1', OPBX_LOGIN_LIMIT_IP: '3' });
    cidrs = await createTestServer({ OPBX_TRUST_PROXY: '127.0.0.1/32, 10.0.0.0/8', OPBX_LOGIN_LIMIT_IP: '3' });
  });
  afterAll(async () => {
    await hops?.close();
    await cidrs?.close();
  });

  it('cannot be evaded by rotating a spoofed X-Forwarded-For (1 trusted hop)', async () => {
    const statuses: number[] = [];
    // The balancer (the socket peer) appends 203.0.113.7; the client varies what comes before it.
    for (let i = 0; i < 5; i++) statuses.push((await login(hops, `198.51.100.${i}, 203.0.113.7`)).statusCode);
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(3)).toEqual([429, 429]);
    // Another client behind the same balancer is not blocked.
    expect((await login(hops, '203.0.113.8')).statusCode).not.toBe(429);
  });

  it('with trusted CIDRs, only those proxies are skipped', async () => {
    const statuses: number[] = [];
    // 10.9.9.9 is an internal proxy; 203.0.113.50 is the first untrusted address: the client.
    for (let i = 0; i < 5; i++) statuses.push((await login(cidrs, `198.51.100.${i}, 203.0.113.50, 10.9.9.9`)).statusCode);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect((await login(cidrs, '6.6.6.6, 203.0.113.51, 10.9.9.9')).statusCode).not.toBe(429);
  });
});

describe('the voice fast lane uses the same rule', () => {
  let live: LiveTestServer;
  beforeAll(async () => {
    live = await startLiveTestServer({ OPBX_TRUST_PROXY: '1' });
  });
  afterAll(() => live?.close());

  const voice = (xff: string) =>
    fetch(`${live.base}/api/voice/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': xff, authorization: 'Bearer not-a-requests-key' },
      body: JSON.stringify({ CallSid: 'c1', From: '+12125550123', To: '+15550100001' }),
    });

  it('rotating X-Forwarded-For does not escape the bad-key limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 62; i++) statuses.push((await voice(`198.51.${i}.1, 203.0.113.70`)).status);
    expect(statuses.slice(0, 60).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429]);
    expect((await voice('198.51.0.1, 203.0.113.71')).status).not.toBe(429);
  });
});

describe('OPBX_TRUST_PROXY', () => {
  it('refuses true with a message saying what to set instead', async () => {
    const db = await freshDatabaseUrl();
    try {
      expect(() => testConfig(db.url, { OPBX_TRUST_PROXY: 'true' })).toThrow(/OPBX_TRUST_PROXY: .*number of proxies/);
    } finally {
      await db.drop();
    }
    expect(readConfig({ OPBX_TRUST_PROXY: '10.0.0.0/8,192.168.0.1' }).OPBX_TRUST_PROXY).toEqual(['10.0.0.0/8', '192.168.0.1']);
    expect(readConfig({}).OPBX_TRUST_PROXY).toBe(false);
  });
});
