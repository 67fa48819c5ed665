import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { MemoryEventBus } from '../src/bus/event-bus.js';
import { createHttpApp, type HttpApp } from '../src/http/app.js';
import { MAX_JSON_DEPTH, parseJsonBody } from '../src/http/json-body.js';

/**
 * Bodies and route failures that must end with the one request: a body nested deep enough to
 * overflow the stack of whatever walks it, and lane routes whose handler or failure answer throws.
 */
let app: HttpApp;
let base: string;
const errors: string[] = [];

beforeAll(async () => {
  app = (await createHttpApp({ title: 't', version: '1', logger: false, corsOrigins: '*', bodyLimit: 4 * 1024 * 1024 })) as HttpApp;
  const log = { info: () => undefined, error: (_o: object, msg: string) => errors.push(msg) };
  Object.defineProperty(app, 'log', { value: { ...app.log, ...log, child: () => app.log } });
  app.post('/echo', { schema: { body: z.object({ a: z.unknown() }) } }, async (req) => req.body);
  app.fastLane.route('/lane/echo', {
    handle: async (r) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(r.body ?? null) }),
    refuse: (refusal) => ({ status: refusal.status, contentType: 'text/plain', body: refusal.reason }),
    fail: () => ({ status: 503, contentType: 'text/plain', body: 'failed' }),
  });
  app.fastLane.route('/lane/sync-throw', {
    // Not async: it throws before any promise exists.
    handle: (() => {
      throw new Error('sync boom');
    }) as never,
    refuse: (refusal) => ({ status: refusal.status, contentType: 'text/plain', body: 'refused' }),
    fail: () => ({ status: 200, contentType: 'text/plain', body: 'handled' }),
  });
  app.fastLane.route('/lane/fail-throws', {
    handle: async () => {
      throw new Error('boom');
    },
    refuse: (refusal) => ({ status: refusal.status, contentType: 'text/plain', body: 'refused' }),
    fail: () => {
      throw new Error('the failure answer failed too');
    },
  });
  app.fastLane.route('/lane/bad-header', {
    handle: async () => ({ status: 200, contentType: 'text/plain', body: 'x', headers: { 'x-bad': 'a\r\nb' } }),
    refuse: (refusal) => ({ status: refusal.status, contentType: 'text/plain', body: 'refused' }),
    fail: () => ({ status: 503, contentType: 'text/plain', body: 'failed' }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('not listening');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => app?.close());

const deepArray = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const deepObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const post = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('deeply nested JSON', () => {
  it('is refused before parsing, counting only brackets outside strings', () => {
    expect(parseJsonBody(deepArray(MAX_JSON_DEPTH))).toEqual({ ok: true, value: expect.any(Array) });
    expect(parseJsonBody(deepArray(MAX_JSON_DEPTH + 1))).toMatchObject({ ok: false, message: expect.stringContaining('nested deeper') });
    // Brackets inside strings, escaped quotes included, are text.
    const text = JSON.stringify({ s: `\\"${'['.repeat(500)}`, t: '{'.repeat(500) });
    expect(parseJsonBody(text)).toMatchObject({ ok: true });
    expect(parseJsonBody('{"a": [1, 2')).toEqual({ ok: false, message: 'The request body is not valid JSON' });
  });

  it('300,000 levels answer 4xx on a Fastify route and 400 on the fast lane, not a 500', async () => {
    for (const body of [deepArray(300_000), deepObject(300_000)]) {
      const route = await post('/echo', body);
      expect(route.status).toBeGreaterThanOrEqual(400);
      expect(route.status).toBeLessThan(500);
      expect(JSON.stringify(await route.json())).toContain('nested deeper');
      const lane = await post('/lane/echo', body);
      expect(lane.status).toBe(400);
      expect(await lane.text()).toContain('nested deeper');
    }
    expect((await post('/echo', JSON.stringify({ a: [[[1]]] }))).status).toBe(200);
  });
});

describe('lane routes that throw', () => {
  it('a handler that throws synchronously gets its failure answer', async () => {
    const res = await post('/lane/sync-throw', '{}');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('handled');
  });

  it('a failure answer that throws, or an answer Node refuses to write, ends as a logged 500', async () => {
    errors.length = 0;
    for (const path of ['/lane/fail-throws', '/lane/bad-header']) {
      const res = await post(path, '{}');
      expect(res.status, path).toBe(500);
    }
    expect(errors).toEqual(['fast lane request failed', 'fast lane request failed']);
    // And the server goes on.
    expect((await post('/lane/echo', '{"ok":1}')).status).toBe(200);
  });
});

describe('bus subscribers that throw', () => {
  // Delivery runs in a microtask: before, a throwing subscriber was an uncaught exception.
  it('end only that delivery, with a process warning; the other subscribers still get the message', async () => {
    const bus = new MemoryEventBus();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const got: unknown[] = [];
    bus.subscribe('t', () => {
      throw new Error('bad subscriber');
    });
    bus.subscribe('t', async () => {
      throw new Error('bad async subscriber');
    });
    bus.subscribe('t', (m) => got.push(m));
    await bus.publish('t', { n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('warning', onWarning);
    expect(got).toEqual([{ n: 1 }]);
    expect(warnings).toEqual(['a subscriber of t failed: bad subscriber', 'a subscriber of t failed: bad async subscriber']);
  });
});

describe('process guards', () => {
  it('survive an unhandled rejection; an uncaught exception is logged and shuts down cleanly with exit 1', () => {
    const script = fileURLToPath(new URL('./support/guarded-process.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual([
      'error: unhandled promise rejection; the process goes on',
      'alive after the rejection',
      'fatal: uncaught exception; shutting down cleanly',
      'shutdown ran',
    ]);
  });
});
