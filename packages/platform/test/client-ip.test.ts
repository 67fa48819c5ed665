import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { createHttpApp, type HttpApp } from '../src/http/app.js';
import { envTrustProxy, type TrustProxy } from '../src/http/client-ip.js';

/**
 * One client-address rule for Fastify's routes and the voice fast lane, over real HTTP. The test
 * process is the load balancer (the socket peer, 127.0.0.1): what it appends last is the address
 * it saw; everything to its left was written by whoever sent the request.
 */
const apps: HttpApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

async function serve(trustProxy: TrustProxy): Promise<string> {
  const app = (await createHttpApp({ title: 't', version: '1', logger: false, corsOrigins: '*', trustProxy })) as HttpApp;
  apps.push(app);
  app.get('/fastify/ip', async (request) => ({ ip: request.ip }));
  app.fastLane.route('/lane/ip', {
    handle: async (r) => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ ip: r.ip }) }),
    refuse: (refusal) => ({ status: refusal.status, contentType: 'text/plain', body: refusal.reason }),
    fail: () => ({ status: 500, contentType: 'text/plain', body: 'failed' }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('not listening');
  return `http://127.0.0.1:${address.port}`;
}

/** The address each path sees for one request with this X-Forwarded-For. */
async function seen(base: string, xff?: string): Promise<{ fastify: string; lane: string }> {
  const headers: Record<string, string> = xff === undefined ? {} : { 'x-forwarded-for': xff };
  const fastify = ((await (await fetch(`${base}/fastify/ip`, { headers })).json()) as { ip: string }).ip;
  const lane = ((await (await fetch(`${base}/lane/ip`, { method: 'POST', headers })).json()) as { ip: string }).ip;
  return { fastify, lane };
}

const both = (ip: string) => ({ fastify: ip, lane: ip });

describe('client address behind proxies', () => {
  it('trusting nothing: the socket peer, whatever X-Forwarded-For says', async () => {
    const base = await serve(false);
    expect(await seen(base, '198.51.100.9, 203.0.113.7')).toEqual(both('127.0.0.1'));
  });

  it('one trusted hop: a spoofed X-Forwarded-For gives the address the load balancer appended', async () => {
    const base = await serve(1);
    // The client sent "X-Forwarded-For: 6.6.6.6"; the balancer appended the address it saw.
    expect(await seen(base, '6.6.6.6, 203.0.113.7')).toEqual(both('203.0.113.7'));
    expect(await seen(base, '203.0.113.7')).toEqual(both('203.0.113.7'));
    // No header: the balancer itself.
    expect(await seen(base)).toEqual(both('127.0.0.1'));
  });

  it('two trusted hops skip exactly two', async () => {
    const base = await serve(2);
    expect(await seen(base, '6.6.6.6, 203.0.113.7, 10.0.0.2')).toEqual(both('203.0.113.7'));
  });

  it('trusted CIDRs: only proxies inside them are skipped', async () => {
    const base = await serve(['127.0.0.1/32', '10.0.0.0/8']);
    // 10.1.2.3 is an internal proxy (skipped); 203.0.113.7 is not trusted, so it is the client
    // and whatever it claims to the left is ignored.
    expect(await seen(base, '6.6.6.6, 203.0.113.7, 10.1.2.3')).toEqual(both('203.0.113.7'));
    // Trusted all the way: the leftmost address is all that is left.
    expect(await seen(base, '198.51.100.9, 10.1.2.3')).toEqual(both('198.51.100.9'));
  });

  it('a socket peer outside the trusted CIDRs is the client: its header counts for nothing', async () => {
    const base = await serve(['10.0.0.0/8']);
    expect(await seen(base, '6.6.6.6')).toEqual(both('127.0.0.1'));
  });
});

describe('OPBX_TRUST_PROXY-style values', () => {
  const parse = (v: string | undefined) => z.object({ v: envTrustProxy() }).safeParse({ v });

  it('accepts false, a hop count and address lists', () => {
    expect(parse(undefined)).toMatchObject({ success: true, data: { v: false } });
    expect(parse('false')).toMatchObject({ success: true, data: { v: false } });
    expect(parse('0')).toMatchObject({ success: true, data: { v: false } });
    expect(parse('2')).toMatchObject({ success: true, data: { v: 2 } });
    expect(parse('10.0.0.0/8, 192.168.1.5,loopback')).toMatchObject({ success: true, data: { v: ['10.0.0.0/8', '192.168.1.5', 'loopback'] } });
    expect(parse('fd00::/8')).toMatchObject({ success: true, data: { v: ['fd00::/8'] } });
  });

  it('refuses true (trust everyone) and what is neither a count nor addresses', () => {
    const t = parse('true');
    expect(t.success).toBe(false);
    expect(t.error?.issues[0]?.message).toMatch(/number of proxies/);
    expect(parse('not-an-address').success).toBe(false);
    expect(parse('10.0.0.0/99').success).toBe(false);
    expect(parse('50').success).toBe(false);
  });
});
