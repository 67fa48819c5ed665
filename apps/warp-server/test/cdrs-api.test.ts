import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Api, expectError } from './support/api.js';
import { answeredCdr, type CdrWorld, cdrWorld, failedCdr } from './support/cdrs.js';
import { createTestServer, type TestServer } from './support/context.js';
import { uploadDeck } from './support/decks.js';
import { createStaff } from './support/fixtures.js';

/* The CDR, usage and margin APIs (issue 15) over ingested, rated CDRs: customer and staff views, isolation, re-rating. */

let server: TestServer;
let admin: Api;
let finance: Api;
let acme: CdrWorld;
let other: CdrWorld;

beforeAll(async () => {
  server = await createTestServer({ WARP_WEBHOOKS_ALLOW_PRIVATE: 'true' });
  admin = (await createStaff(server, 'admin')).api;
  finance = (await createStaff(server, 'finance')).api;
  acme = await cdrWorld(server, admin, 'Acme Voice', '203.0.113.20');
  other = await cdrWorld(server, admin, 'Other Voice', '203.0.113.30');
  const ok = async (w: CdrWorld, cdrs: unknown[]) => {
    const res = await w.edge.post('/internal/cdrs', { cdrs });
    expect(
      res.body.data.results.every((r: { status: string }) => r.status === 'accepted'),
      JSON.stringify(res.body),
    ).toBe(true);
  };
  // Acme: on 10 May two answered calls (7 s and 61 s) and a busy one; on 11 May one answered call of 120 s.
  await ok(acme, [
    answeredCdr(acme, 'a-1', '2026-05-10T12:00:00Z', 7),
    answeredCdr(acme, 'a-2', '2026-05-10T13:00:00Z', 61, { ani: '+12125559999', dni: '+13105550000' }),
    failedCdr(acme, 'a-3', '2026-05-10T14:00:00Z'),
    answeredCdr(acme, 'a-4', '2026-05-11T09:30:00Z', 120),
  ]);
  await ok(other, [answeredCdr(other, 'o-1', '2026-05-10T12:00:00Z', 30)]);
}, 180_000);
afterAll(async () => server?.close());

const customerApi = (w: CdrWorld) => w.customer.users.viewer.api;

describe('customer CDRs', () => {
  it('lists its own CDRs in the range, newest first, sell side only', async () => {
    const res = await customerApi(acme).get('/cdrs?date_from=2026-05-10&date_to=2026-05-10');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.map((c: { call_id: string }) => c.call_id)).toEqual(['a-3', 'a-2', 'a-1']);
    expect(res.body.meta.pagination.total).toBe(3);
    const a1 = res.body.data[2];
    // 7 s on 6/6 → 12 s at 0.012/min = 0.0024
    expect(a1).toEqual({
      id: expect.any(String),
      call_id: 'a-1',
      trunk_id: acme.trunkId,
      ani: '+12125551000',
      dni: '+13105552000',
      direction: 'outbound',
      zone: 'interstate',
      started_at: '2026-05-10T12:00:00.000Z',
      answered_at: '2026-05-10T12:00:02.000Z',
      ended_at: '2026-05-10T12:00:09.000Z',
      duration: 7,
      billable_seconds: 12,
      rate: '0.012000',
      amount: '0.00240',
      disposition: 'answered',
    });
    // nothing about providers, costs or margins
    const text = JSON.stringify(res.body);
    for (const word of ['provider', 'cost', 'margin', 'trace', 'Carrier']) expect(text).not.toContain(word);
  });

  it('a date range is required and at most 93 days; malformed values are 422 with the field', async () => {
    const api = customerApi(acme);
    expectError(await api.get('/cdrs'), 422, 'VALIDATION_ERROR');
    const long = await api.get('/cdrs?date_from=2026-01-01&date_to=2026-04-04');
    expectError(long, 422, 'VALIDATION_ERROR');
    expect(long.body.details[0].field).toBe('date_to');
    expectError(await api.get('/cdrs?date_from=yesterday&date_to=2026-05-10'), 422);
    expectError(await api.get('/cdrs?date_from=2026-05-11&date_to=2026-05-10'), 422);
    expect((await api.get('/cdrs?date_from=2026-02-01&date_to=2026-05-04')).status).toBe(200); // 93 days
    expect((await api.get('/cdrs?date_from=2026-05-10T12:30:00Z&date_to=2026-05-10T13:30:00Z')).body.data.map((c: { call_id: string }) => c.call_id)).toEqual([
      'a-2',
    ]);
  });

  it('never shows another customer its CDRs, by list, filter or X-Customer-ID', async () => {
    const res = await customerApi(other).get(`/cdrs?date_from=2026-05-01&date_to=2026-05-31&trunk_id=${acme.trunkId}`);
    expect(res.body.data).toEqual([]);
    const own = await customerApi(other).get('/cdrs?date_from=2026-05-01&date_to=2026-05-31');
    expect(own.body.data.map((c: { call_id: string }) => c.call_id)).toEqual(['o-1']);
    expectError(await customerApi(other).for(acme.customer.id).get('/cdrs?date_from=2026-05-01&date_to=2026-05-31'), 404);
    expectError(await customerApi(other).for(acme.customer.id).get('/usage/summary?period=month'), 404);
  });

  it('usage summary from the roll-ups: calls, ASR, ACD, billable minutes, charges and a daily series', async () => {
    const res = await customerApi(acme).get('/usage/summary?start=2026-05-10&end=2026-05-11');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // sell: 12 s → 0.0024; 61 s → 66 s → 0.0132; 120 s → 0.024. Minutes (12 + 66 + 120)/60 = 3.30
    expect(res.body.data).toMatchObject({
      start: '2026-05-10T00:00:00.000Z',
      end: '2026-05-12T00:00:00.000Z',
      calls: 4,
      answered: 3,
      asr: 75,
      acd: 62.7, // (7 + 61 + 120) / 3
      billable_minutes: '3.30',
      charges: '0.03960',
      daily: [
        { date: '2026-05-10', calls: 3, answered: 2, billable_minutes: '1.30', charges: '0.01560' },
        { date: '2026-05-11', calls: 1, answered: 1, billable_minutes: '2.00', charges: '0.02400' },
      ],
    });
    expectError(await customerApi(acme).get('/usage/summary?period=year'), 422);
    expect((await customerApi(acme).get('/usage/summary?period=today')).body.data.calls).toBe(0);
    const metrics = await customerApi(acme).get('/v1/metrics/current');
    expect(metrics.body.data, JSON.stringify(metrics.body)).toMatchObject({ window_minutes: 5, spend_today: '0.00000', calls_per_second: 0 });
  });
});

describe('staff views', () => {
  it('admin CDR search by customer and ANI/DNIS prefix; the detail has both ratings, attempts and the trace', async () => {
    const found = await admin.get(`/admin/cdrs?date_from=2026-05-01&date_to=2026-05-31&customer_id=${acme.customer.id}&ani=%2B1212555999`);
    expect(found.body.data.map((c: { call_id: string }) => c.call_id)).toEqual(['a-2']);
    expect((await admin.get('/admin/cdrs?date_from=2026-05-01&date_to=2026-05-31&dnis=%2B1310555')).body.meta.pagination.total).toBe(5);
    const detail = await admin.get(`/admin/cdrs/${found.body.data[0].id}`);
    // 61 s: sell 66 s → 0.0132; cost 60/60 → 120 s × 0.006/60 + 0.001 = 0.013; margin 0.0002 = 1.52 %
    expect(detail.body.data).toMatchObject({
      customer_id: acme.customer.id,
      provider_id: acme.providerId,
      sell_rate: '0.012000',
      sell_amount: '0.01320',
      cost_rate: '0.006000',
      cost_amount: '0.01300',
      margin: '0.00020',
      margin_percent: '1.52',
      rating_error: null,
      rating_history: [],
    });
    expect(detail.body.data.attempts).toHaveLength(1);
    expect(detail.body.data.trace.some((s: { step: string }) => s.step === 'sell_rate')).toBe(true);
    expectError(await admin.get('/admin/cdrs/01900000-0000-7000-8000-000000000000'), 404);
  });

  it('customer usage, provider performance and margins with health bands', async () => {
    const usage = await admin.get(`/admin/customers/${acme.customer.id}/usage?period=month`);
    expect(usage.status).toBe(200);
    expect(usage.body.data.customer_id).toBe(acme.customer.id);
    const perf = await admin.get(`/admin/providers/${acme.providerId}/performance?period=month`);
    expect(perf.status).toBe(200);
    expectError(await admin.get('/admin/providers/01900000-0000-7000-8000-000000000000/performance'), 404);
    const margins = await finance.get(`/admin/margins/analysis?customer_id=${acme.customer.id}&date_from=2026-05-01&date_to=2026-05-31`);
    expect(margins.status, JSON.stringify(margins.body)).toBe(200);
    // sell 0.0396; cost: 7 s → 60 s 0.007, 61 s → 0.013, 120 s → 0.013: 0.033; margin 0.0066 = 16.67 %
    expect(margins.body.data.rows).toEqual([
      {
        customer_id: acme.customer.id,
        provider_id: acme.providerId,
        zone: 'interstate',
        calls: 4,
        revenue: '0.03960',
        cost: '0.03300',
        margin: '0.00660',
        margin_percent: '16.67',
        health: 'warning',
      },
    ]);
  });

  it('re-rating a period after a deck correction keeps the previous figures in history and moves the roll-ups', async () => {
    // The carrier's 0.006 interstate rate was wrong: 0.005 from the same date.
    const fix = await uploadDeck(
      server.app,
      admin,
      `/admin/providers/${acme.providerId}/rates/import`,
      'prefix,interstate,intrastate,indeterminate,rate,connection_fee,initial_increment,subsequent_increment,minimum_duration,effective_date\n1,0.005,0.009,0.01,,0.001,60,60,30,2026-01-01\n',
    );
    expect(fix.status, JSON.stringify(fix.body)).toBe(200);
    expectError(await customerApi(acme).post('/admin/cdrs/rerate', { date_from: '2026-05-10', date_to: '2026-05-10' }), 403);
    const res = await finance.post('/admin/cdrs/rerate', { date_from: '2026-05-10', date_to: '2026-05-10', customer_id: acme.customer.id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // a-1 and a-2 change; the busy call stays 0
    expect(res.body.data).toMatchObject({ cdrs_read: 3, cdrs_changed: 2 });
    const list = (await admin.get(`/admin/cdrs?date_from=2026-05-10&date_to=2026-05-10&customer_id=${acme.customer.id}`)).body.data;
    const a1 = list.find((c: { call_id: string }) => c.call_id === 'a-1');
    const detail = (await admin.get(`/admin/cdrs/${a1.id}`)).body.data;
    // 60 s × 0.005/60 + 0.001 = 0.006 (was 0.007)
    expect(detail.cost_amount, JSON.stringify([detail.rating_error, fix.body])).toBe('0.00600');
    expect(detail.rating_history).toMatchObject([{ cost_rate: '0.006000', cost_amount: '0.00700', rerate_id: res.body.data.rerate_id }]);
    const margins = await finance.get(`/admin/margins/analysis?customer_id=${acme.customer.id}&date_from=2026-05-10&date_to=2026-05-10`);
    // cost on 10 May: 0.006 + (120 s × 0.005/60 + 0.001 = 0.011) = 0.017
    expect(margins.body.data.totals).toMatchObject({ calls: 3, revenue: '0.01560', cost: '0.01700' });
    // a second run changes nothing
    expect(
      (await finance.post('/admin/cdrs/rerate', { date_from: '2026-05-10', date_to: '2026-05-10', customer_id: acme.customer.id })).body.data.cdrs_changed,
    ).toBe(0);
    expectError(await finance.post('/admin/cdrs/rerate', { date_from: '2026-05-10' }), 422);
  });
});

describe('exports', () => {
  async function ready(api: Api, id: string) {
    for (let i = 0; i < 200; i++) {
      const r = await api.get(`/cdrs/exports/${id}`);
      if (r.body.data.status === 'ready' || r.body.data.status === 'failed') return r.body.data;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('export never finished');
  }
  const download = (url: string) => server.app.inject({ method: 'GET', url });

  it('csv, json and pdf files streamed to disk, fetched by a signed link, announced by a cdr_export.ready webhook', async () => {
    const api = acme.customer.users.customer_admin.api;
    const hook = await api.post('/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['cdr_export.ready'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const started = await api.post('/cdrs/export', { date_from: '2026-05-01', date_to: '2026-05-31', format: 'csv' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.data).toMatchObject({ export_id: expect.any(String), status: 'pending', download_url: expect.stringContaining('/v1/cdrs/exports/') });
    const done = await ready(api, started.body.data.export_id);
    expect(done).toMatchObject({ status: 'ready', rows: 4 });
    const csv = await download(started.body.data.download_url);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,call_id,trunk_id,ani,dni,direction,zone,started_at,answered_at,ended_at,duration,billable_seconds,rate,amount,disposition');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['a-1', 'a-2', 'a-3', 'a-4']);
    expect(csv.body).not.toMatch(/cost|provider|Carrier/);
    const delivery = await server.ctx.db.selectFrom('webhook_deliveries').selectAll().where('event_type', '=', 'cdr_export.ready').executeTakeFirstOrThrow();
    expect(delivery.customer_id).toBe(acme.customer.id);
    expect(JSON.parse(delivery.payload).data).toMatchObject({ export_id: started.body.data.export_id, rows: 4 });

    const json = await api.post('/cdrs/export', { date_from: '2026-05-10', date_to: '2026-05-10', format: 'json' });
    await ready(api, json.body.data.export_id);
    const parsed = JSON.parse((await download(json.body.data.download_url)).body);
    expect(parsed.data.map((c: { call_id: string }) => c.call_id)).toEqual(['a-1', 'a-2', 'a-3']);
    const pdf = await api.post('/cdrs/export', { date_from: '2026-05-10', date_to: '2026-05-10', format: 'pdf' });
    await ready(api, pdf.body.data.export_id);
    const file = await download(pdf.body.data.download_url);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.body.startsWith('%PDF-1.4')).toBe(true);
    expect(file.body.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(file.body).toContain('(2026-05-10 12:00:00');
  });

  it('another customer cannot see an export, nor turn a link of its own into one for it; altered or missing tokens are refused', async () => {
    const mine = await acme.customer.users.billing.api.post('/cdrs/export', { date_from: '2026-05-01', date_to: '2026-05-31', format: 'csv' });
    const theirs = await other.customer.users.billing.api.post('/cdrs/export', { date_from: '2026-05-01', date_to: '2026-05-31', format: 'csv' });
    await ready(acme.customer.users.billing.api, mine.body.data.export_id);
    expectError(await other.customer.users.billing.api.get(`/cdrs/exports/${mine.body.data.export_id}`), 404);
    const theirToken = new URL(theirs.body.data.download_url, 'http://x').searchParams.get('token')!;
    const swapped = await download(`/v1/cdrs/exports/${mine.body.data.export_id}/download?token=${encodeURIComponent(theirToken)}`);
    expect(swapped.statusCode).toBe(403);
    const myToken = new URL(mine.body.data.download_url, 'http://x').searchParams.get('token')!;
    const altered = await download(`/v1/cdrs/exports/${mine.body.data.export_id}/download?token=${encodeURIComponent(myToken.slice(0, -3) + 'AAA')}`);
    expect(altered.statusCode).toBe(403);
    expect((await download(`/v1/cdrs/exports/${mine.body.data.export_id}/download`)).statusCode).toBe(422);
    // an expired link: the same export, a token whose expiry has passed
    const expired = server.ctx.secrets.encrypt(JSON.stringify({ export: mine.body.data.export_id, exp: Date.now() - 1 }));
    expect((await download(`/v1/cdrs/exports/${mine.body.data.export_id}/download?token=${encodeURIComponent(expired)}`)).statusCode).toBe(403);
    expectError(await acme.customer.users.viewer.api.post('/cdrs/export', { date_from: '2026-05-01', date_to: '2026-05-31', format: 'xls' }), 422);
    expectError(await acme.customer.users.viewer.api.post('/cdrs/export', { date_from: '2026-01-01', date_to: '2026-05-31', format: 'csv' }), 422);
  });
});
