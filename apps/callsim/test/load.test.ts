import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { type CallTranscript, formatLoadReport, latencyStats, type LoadOptions, runLoad } from '../src/index.js';
import { cxml, type CxmlApp, ROUTE_PATH, SESSION_UPDATE_PATH, startCxmlApp } from './support/cxml-app.js';

const KEY = 'load-key';
const DOMAIN = 'load.cloudonix.net';

let app: CxmlApp;
beforeEach(async () => {
  app = await startCxmlApp({
    [ROUTE_PATH]: cxml('<Dial action="/dial-done" timeout="20"><Number>101</Number></Dial>'),
    '/dial-done': cxml('<Hangup/>'),
  });
});
afterEach(async () => {
  await app.close();
});

function load(options: Partial<LoadOptions> = {}) {
  return runLoad({
    baseUrl: app.baseUrl,
    requestsKey: KEY,
    domain: DOMAIN,
    rate: 40,
    concurrency: 5,
    durationSeconds: 0.5,
    makeCall: (i) => ({ from: `+1555000${String(i).padStart(4, '0')}`, to: '+15557770000' }),
    ...options,
  });
}

describe('runLoad', () => {
  test('starts calls at the rate for the window and reports throughput and latency per kind', async () => {
    const seen: Array<[number, CallTranscript]> = [];
    const report = await load({ concurrency: 50, onCall: (t, i) => seen.push([i, t]) });
    expect(report.startedCalls).toBe(20);
    expect(report.completedCalls).toBe(20);
    expect(report.failedCalls).toBe(0);
    expect(report.errors).toEqual([]);
    expect(report.dispositions).toEqual({ ANSWERED: 20 });
    expect(report.elapsedSeconds).toBeGreaterThanOrEqual(0.45);
    expect(report.callsPerSecond).toBeGreaterThan(0);
    expect(report.callsPerSecond).toBeCloseTo(20 / report.elapsedSeconds, 1);
    expect(report.latency.route.count).toBe(20);
    expect(report.latency.action.count).toBe(20);
    expect(report.latency['session-update'].count).toBe(80);
    expect(report.latency.cdr.count).toBe(20);
    for (const s of Object.values(report.latency)) {
      expect(s.min).toBeLessThanOrEqual(s.p50);
      expect(s.p50).toBeLessThanOrEqual(s.p95);
      expect(s.p95).toBeLessThanOrEqual(s.p99);
      expect(s.p99).toBeLessThanOrEqual(s.max);
    }
    expect(report.limits).toEqual({ rate: 40, concurrency: 50, durationSeconds: 0.5, maxCalls: 20, drainSeconds: 30 });
    expect(seen.map(([i]) => i).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(new Set(seen.map(([, t]) => t.sessionId)).size).toBe(20);
    expect(app.to(ROUTE_PATH).every((r) => r.headers.authorization === `Bearer ${KEY}` && r.body.Domain === DOMAIN)).toBe(true);
  });

  test('never has more calls in flight than the concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    app.on(ROUTE_PATH, async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 40));
      inFlight -= 1;
      return cxml('<Hangup/>');
    });
    const report = await load({ rate: 200, concurrency: 3, durationSeconds: 0.3 });
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
    expect(report.completedCalls).toBe(report.startedCalls);
    expect(report.startedCalls).toBeLessThan(60);
  });

  test('is bounded by maxCalls', async () => {
    const report = await load({ rate: 100, concurrency: 50, durationSeconds: 5, maxCalls: 7 });
    expect(report.startedCalls).toBe(7);
    expect(app.to(ROUTE_PATH)).toHaveLength(7);
  });

  test('groups errors and counts failed calls', async () => {
    app.on(ROUTE_PATH, { status: 500, body: 'boom', contentType: 'text/plain' });
    const report = await load({ rate: 20, durationSeconds: 0.25 });
    expect(report.startedCalls).toBe(5);
    expect(report.failedCalls).toBe(5);
    expect(report.completedCalls).toBe(0);
    expect(report.callsPerSecond).toBe(0);
    expect(report.dispositions).toEqual({ FAILED: 5 });
    expect(report.errors).toEqual([{ message: `voice application POST ${app.baseUrl}${ROUTE_PATH} failed: HTTP 500`, count: 5 }]);
    expect(report.latency.route.count).toBe(5);
  });

  test('uses the per-call options from makeCall (scenario, direction, webhooks)', async () => {
    app.on(ROUTE_PATH, cxml('<Dial timeout="20"><Number>102</Number></Dial>'));
    const report = await load({
      maxCalls: 4,
      makeCall: (i) => ({
        direction: 'subscriber',
        from: '101',
        to: '102',
        scenario: { defaultTarget: i % 2 ? { outcome: 'busy' } : { outcome: 'answer', after: 1, talk: 5 } },
        webhooks: { duplicates: 2 },
      }),
    });
    expect(report.dispositions).toEqual({ ANSWERED: 2, BUSY: 2 });
    expect(app.to(ROUTE_PATH).every((r) => r.body.Direction === 'subscriber')).toBe(true);
    expect(report.latency.cdr.count).toBe(8);
  });

  test('aborts calls still running after the drain period', async () => {
    app.on(ROUTE_PATH, cxml('<Pause length="30"/>'));
    const started = performance.now();
    const report = await load({ rate: 10, durationSeconds: 0.2, drainSeconds: 0.3, makeCall: () => ({ from: '+1', to: '+2', realtime: true }) });
    // Not the 30 s pauses (the margin is for a loaded CI machine).
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(report.startedCalls).toBe(2);
    expect(report.failedCalls).toBe(2);
    expect(report.errors.map((e) => e.message)).toContain('aborted');
  });

  test('only targets loopback servers', async () => {
    await expect(load({ baseUrl: 'http://example.com:8000' })).rejects.toThrow(/loopback/);
    await expect(load({ baseUrl: 'http://10.0.0.1' })).rejects.toThrow(/loopback/);
    const report = await load({ maxCalls: 2, makeCall: () => ({ from: '+1', to: '+2', cdrUrl: 'http://example.com/cdr' }) });
    expect(report.failedCalls).toBe(2);
    expect(report.errors[0]?.message).toMatch(/loopback/);
    app.on(ROUTE_PATH, cxml('<Redirect>http://example.com/next</Redirect>'));
    const redirected = await load({ maxCalls: 1 });
    expect(redirected.errors[0]?.message).toMatch(/refused: not a loopback URL/);
    for (const url of ['http://localhost:1', 'http://127.0.0.1:1', 'http://127.1.2.3:1', 'http://[::1]:1']) {
      await expect(load({ baseUrl: url, maxCalls: 1, requestsKey: KEY, makeCall: () => ({ from: '+1', to: '+2', webhooks: false }) })).resolves.toBeTruthy();
    }
  });

  test.each([
    [{ rate: 0 }, /rate/],
    [{ rate: 5000 }, /rate/],
    [{ concurrency: 0 }, /concurrency/],
    [{ durationSeconds: 0 }, /durationSeconds/],
    [{ durationSeconds: 7200 }, /durationSeconds/],
    [{ maxCalls: 2_000_000 }, /maxCalls/],
    [{ drainSeconds: -1 }, /drainSeconds/],
  ])('rejects out-of-bounds limits %j', async (limits, message) => {
    await expect(load(limits)).rejects.toThrow(message);
    expect(app.requests).toHaveLength(0);
  });

  test('latency is measured per kind: a slow session-update endpoint shows in its own row', async () => {
    app.on(SESSION_UPDATE_PATH, { status: 200, body: '{}', contentType: 'application/json', delayMs: 25 });
    const report = await load({ maxCalls: 3 });
    expect(report.latency['session-update'].min).toBeGreaterThanOrEqual(20);
    expect(report.latency['session-update'].count).toBe(12);
  });
});

describe('latencyStats and the report', () => {
  test('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latencyStats(values)).toEqual({ count: 100, min: 1, mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(latencyStats([7])).toEqual({ count: 1, min: 7, mean: 7, p50: 7, p95: 7, p99: 7, max: 7 });
    expect(latencyStats([])).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });

  test('formatLoadReport lists every kind and the errors', async () => {
    app.on('/dial-done', { status: 404, body: '' });
    const text = formatLoadReport(await load({ maxCalls: 3 }));
    expect(text).toMatch(/Calls: 3 started, 0 completed, 3 with errors/);
    for (const kind of ['route', 'action', 'session-update', 'cdr']) expect(text).toMatch(new RegExp(`^${kind}\\s+\\d+`, 'm'));
    expect(text).toMatch(/3 x Dial action POST .*\/dial-done failed: HTTP 404/);
  });
});
