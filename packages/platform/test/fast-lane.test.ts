import { createServer, request as httpRequest } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createHttpApp, type HttpApp } from '../src/http/app.js';
import type { TrustProxy } from '../src/http/client-ip.js';
import { FastLane, type LaneRefusal, type LaneRequest } from '../src/http/fast-lane.js';

/**
 * The fast lane over real HTTP: what a lane route's handler gets (body, query, headers, ip), what
 * the lane refuses before it, and that the rest of the app (metrics, request ids, 404s, inject)
 * treats lane routes like any other.
 */
type Served = { app: HttpApp; base: string; refusals: LaneRefusal[] };

async function serve(trustProxy: TrustProxy): Promise<Served> {
  const app = (await createHttpApp({ title: 't', version: '1', logger: false, corsOrigins: '*', bodyLimit: 4096, trustProxy })) as HttpApp;
  const refusals: LaneRefusal[] = [];
  const echo = (r: LaneRequest) => JSON.stringify({ method: r.method, path: r.path, query: r.query, body: r.body ?? null, ip: r.ip, id: r.id });
  app.fastLane.route('/lane/echo', {
    handle: async (r) => ({ status: 200, contentType: 'application/json', body: echo(r), headers: { 'x-lane': 'yes' } }),
    refuse: (refusal) => {
      refusals.push(refusal);
      return { status: refusal.status, contentType: 'text/plain', body: `refused: ${refusal.reason}` };
    },
    fail: () => ({ status: 503, contentType: 'text/plain', body: 'failed' }),
  });
  app.fastLane.route('/lane/throws', {
    handle: async () => {
      throw new Error('boom');
    },
    refuse: (refusal) => ({ status: refusal.status, contentType: 'text/plain', body: 'refused' }),
    fail: (err) => ({ status: 200, contentType: 'text/plain', body: `sorry: ${(err as Error).message}` }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('not listening');
  return { app, base: `http://127.0.0.1:${address.port}`, refusals };
}

let plain: Served;
let proxied: Served;
beforeAll(async () => {
  plain = await serve(false);
  proxied = await serve(1);
});
afterAll(async () => {
  await plain?.app.close();
  await proxied?.app.close();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(`${plain.base}${path}`, { method: 'POST', body, headers });

describe('what a lane route gets', () => {
  it('a JSON body, and the query string beside it', async () => {
    const res = await post('/lane/echo?s=abc&n=1', JSON.stringify({ CallSid: 'c1', n: 2 }), { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lane')).toBe('yes');
    const got = await res.json();
    expect(got).toMatchObject({ method: 'POST', path: '/lane/echo', query: { s: 'abc', n: '1' }, body: { CallSid: 'c1', n: 2 }, ip: '127.0.0.1' });
  });

  it('a form-encoded body', async () => {
    const res = await post('/lane/echo', new URLSearchParams({ CallSid: 'c2', From: '+15550100', To: 'sip:100@x' }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect((await res.json()).body).toEqual({ CallSid: 'c2', From: '+15550100', To: 'sip:100@x' });
  });

  it('a GET with parameters in the query string only', async () => {
    const res = await fetch(`${plain.base}/lane/echo?CallSid=c3&From=%2B1555`);
    expect(await res.json()).toMatchObject({ method: 'GET', query: { CallSid: 'c3', From: '+1555' }, body: null });
  });

  it('no body, or an empty JSON body, as no body', async () => {
    expect((await (await post('/lane/echo', '')).json()).body).toBeNull();
    expect((await (await post('/lane/echo', '  ', { 'content-type': 'application/json' })).json()).body).toBeNull();
  });

  it('a multi-byte body split across packets, intact', async () => {
    const text = 'Zoë – ☎ '.repeat(100);
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${plain.base}/lane/echo`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      const bytes = Buffer.from(JSON.stringify({ text }));
      // Cut inside a multi-byte character.
      req.write(bytes.subarray(0, 11));
      setTimeout(() => req.end(bytes.subarray(11)), 20);
    });
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body).body.text).toBe(text);
  });

  it("the caller's request id when it looks sane, a fresh one otherwise, echoed in x-request-id", async () => {
    const given = await post('/lane/echo', '', { 'x-request-id': 'cx-trace-12345678' });
    expect(given.headers.get('x-request-id')).toBe('cx-trace-12345678');
    expect((await given.json()).id).toBe('cx-trace-12345678');
    const odd = await post('/lane/echo', '', { 'x-request-id': 'bad id <script>' });
    expect(odd.headers.get('x-request-id')).toMatch(/^req_[0-9a-f-]{36}$/);
  });

  it('the client address from X-Forwarded-For only when proxies are trusted, and only as many hops as trusted', async () => {
    // The client wrote 203.0.113.7 itself; the one trusted proxy appended 10.0.0.1.
    const headers = { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' };
    expect((await (await fetch(`${plain.base}/lane/echo`, { method: 'POST', headers })).json()).ip).toBe('127.0.0.1');
    expect((await (await fetch(`${proxied.base}/lane/echo`, { method: 'POST', headers })).json()).ip).toBe('10.0.0.1');
  });
});

describe('what the lane refuses before the handler', () => {
  it('malformed JSON: 400', async () => {
    const res = await post('/lane/echo', '{"CallSid": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('refused: The request body is not valid JSON');
  });

  it('an unsupported content type: 415', async () => {
    const res = await post('/lane/echo', '<xml/>', { 'content-type': 'text/xml' });
    expect(res.status).toBe(415);
  });

  it('a body over the limit, declared or streamed: 413, and the connection is closed', async () => {
    const big = 'x'.repeat(5000);
    const declared = await post('/lane/echo', JSON.stringify({ big }), { 'content-type': 'application/json' });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('connection')).toBe('close');
    // Chunked: no content-length, the lane counts as it reads.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${plain.base}/lane/echo`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', () => undefined);
      req.write(`{"big":"${big}`);
      req.write(big);
      setTimeout(() => req.destroy(), 500);
      setTimeout(() => reject(new Error('no answer')), 2000);
    });
    expect(streamed).toBe(413);
    expect(plain.refusals.filter((r) => r.status === 413).length).toBeGreaterThanOrEqual(2);
  });

  it("a handler's failure becomes the route's own answer", async () => {
    const res = await post('/lane/throws', '');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('sorry: boom');
  });
});

describe('the rest of the app', () => {
  it('other methods and paths go to Fastify (its 404 envelope)', async () => {
    const put = await fetch(`${plain.base}/lane/echo`, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(put.status).toBe(404);
    expect((await put.json()).error.code).toBe('NOT_FOUND');
    const other = await fetch(`${plain.base}/lane/echo/more`, { method: 'POST' });
    expect(other.status).toBe(404);
  });

  it('inject (no server) reaches the same handler through its Fastify twin', async () => {
    const res = await plain.app.inject({ method: 'POST', url: '/lane/echo?s=1', payload: { CallSid: 'inj' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-lane']).toBe('yes');
    expect(JSON.parse(res.body)).toMatchObject({ path: '/lane/echo', query: { s: '1' }, body: { CallSid: 'inj' } });
  });

  it('lane requests are counted in the metrics under their route', async () => {
    await post('/lane/echo', '');
    await post('/lane/echo', '{', { 'content-type': 'application/json' });
    const text = await plain.app.metrics.registry.metrics();
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/lane\/echo",status="200"\} [1-9]/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/lane\/echo",status="400"\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/lane\/echo"[^}]*\} [1-9]/);
  });
});

describe('shutting down', () => {
  it('once closed, the lane refuses what still arrives on open connections: 503, connection closed, handler not run', async () => {
    let handled = 0;
    const lane = new FastLane({ bodyLimit: 1024, trustProxy: false, observe: () => undefined, logger: () => undefined });
    lane.route('/x', {
      handle: async () => (handled++, { status: 200, contentType: 'text/plain', body: 'ok' }),
      refuse: (refusal) => ({ status: refusal.status, contentType: 'text/plain', body: refusal.reason }),
      fail: () => ({ status: 500, contentType: 'text/plain', body: 'failed' }),
    });
    const server = createServer((req, res) => void (lane.take(req, res) || res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/x`;
    try {
      expect((await fetch(url, { method: 'POST' })).status).toBe(200);
      lane.close();
      const late = await fetch(url, { method: 'POST' });
      expect(late.status).toBe(503);
      expect(late.headers.get('connection')).toBe('close');
      expect(await late.text()).toBe('shutting down');
      expect(handled).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
