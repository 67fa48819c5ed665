import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Api } from './support/api.js';
import { answeredCdr, type CdrWorld, cdrWorld, failedCdr } from './support/cdrs.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff } from './support/fixtures.js';

/*
 * Deep CDR pages (issue 15): page numbers past the first 2,000 rows are located on the hourly
 * roll-ups instead of an OFFSET scan (modules/cdrs/pages.ts). Every page must hold exactly the rows
 * an OFFSET would give: compared here with the stored rows in (started_at desc, id desc) order,
 * with pairs of CDRs starting in the same second so ties straddle page boundaries.
 */

let server: TestServer;
let admin: Api;
let acme: CdrWorld;
let other: CdrWorld;
const ACME_CDRS = 2_600;
const OTHER_CDRS = 400;

beforeAll(async () => {
  server = await createTestServer();
  admin = (await createStaff(server, 'admin')).api;
  acme = await cdrWorld(server, admin, 'Pages Voice', '203.0.113.40');
  other = await cdrWorld(server, admin, 'Noise Voice', '203.0.113.50');
  const base = Date.parse('2026-06-01T00:00:00Z');
  // Acme: two calls every 66 s (same second), over ~48 hours; every seventh one busy.
  const acmeCdrs = Array.from({ length: ACME_CDRS }, (_, i) => {
    const at = new Date(base + Math.floor(i / 2) * 66_000).toISOString();
    return i % 7 === 0 ? failedCdr(acme, `pg-${i}`, at) : answeredCdr(acme, `pg-${i}`, at, 5 + (i % 50));
  });
  // Another customer in the same hours, so staff's unfiltered list interleaves them.
  const otherCdrs = Array.from({ length: OTHER_CDRS }, (_, i) => answeredCdr(other, `no-${i}`, new Date(base + i * 433_000).toISOString(), 9));
  for (const [w, cdrs] of [
    [acme, acmeCdrs],
    [other, otherCdrs],
  ] as const)
    for (let i = 0; i < cdrs.length; i += 1000) {
      const res = await w.edge.post('/internal/cdrs', { cdrs: cdrs.slice(i, i + 1000) });
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
      expect(res.body.data.results.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
    }
}, 180_000);
afterAll(async () => server?.close());

/** The stored ids in list order (newest first, id breaking ties), straight from the table. */
async function expected(from: string, to: string, customerId?: string): Promise<string[]> {
  let q = server.ctx.db.selectFrom('cdrs').select('id').where('started_at', '>=', from).where('started_at', '<', to);
  if (customerId) q = q.where('customer_id', '=', customerId);
  return (await q.orderBy('started_at', 'desc').orderBy('id', 'desc').execute()).map((r) => r.id);
}

const idsOf = (body: { data: { id: string }[] }) => body.data.map((c) => c.id);

describe('deep pages', () => {
  it("a customer's pages, shallow and deep, hold exactly the rows an OFFSET would; past the end is empty", async () => {
    const all = await expected('2026-06-01T00:00:00.000Z', '2026-06-04T00:00:00.000Z', acme.customer.id);
    expect(all.length).toBe(ACME_CDRS);
    const api = acme.customer.users.viewer.api;
    for (const [page, limit] of [
      [1, 100],
      [20, 100],
      [21, 100], // offset 2,000: the first located page
      [22, 100],
      [26, 100], // the last, partial page
      [27, 100], // past the end
      [61, 43], // a limit that does not divide an hour's count
      [130, 20],
    ] as const) {
      const res = await api.get(`/cdrs?date_from=2026-06-01&date_to=2026-06-03&page=${page}&limit=${limit}`);
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
      expect(idsOf(res.body), `page ${page} of ${limit}`).toEqual(all.slice((page - 1) * limit, page * limit));
      expect(res.body.meta.pagination).toEqual({ page, perPage: limit, total: ACME_CDRS, totalPages: Math.ceil(ACME_CDRS / limit) });
    }
    // The trunk filter is counted by the roll-ups too.
    const byTrunk = await api.get(`/cdrs?date_from=2026-06-01&date_to=2026-06-03&page=23&limit=100&trunk_id=${acme.trunkId}`);
    expect(idsOf(byTrunk.body)).toEqual(all.slice(2200, 2300));
  });

  it('a range that is not on whole hours pages by OFFSET, with the same rows', async () => {
    const all = await expected('2026-06-01T00:30:00.000Z', '2026-06-02T23:30:00.000Z', acme.customer.id);
    const res = await acme.customer.users.viewer.api.get('/cdrs?date_from=2026-06-01T00:30:00Z&date_to=2026-06-02T23:30:00Z&page=24&limit=100');
    expect(idsOf(res.body)).toEqual(all.slice(2300, 2400));
    expect(res.body.meta.pagination.total).toBe(all.length);
  });

  it('staff: deep pages over every customer, or one, and the ANI-filtered list (OFFSET) agree with the table', async () => {
    const everyone = await expected('2026-06-01T00:00:00.000Z', '2026-06-04T00:00:00.000Z');
    expect(everyone.length).toBe(ACME_CDRS + OTHER_CDRS);
    for (const page of [1, 25, 29, 30, 31]) {
      const res = await admin.get(`/admin/cdrs?date_from=2026-06-01&date_to=2026-06-03&page=${page}&limit=100`);
      expect(res.status).toBe(200);
      expect(idsOf(res.body), `page ${page}`).toEqual(everyone.slice((page - 1) * 100, page * 100));
      expect(res.body.meta.pagination.total).toBe(ACME_CDRS + OTHER_CDRS);
    }
    const acmeOnly = await expected('2026-06-01T00:00:00.000Z', '2026-06-04T00:00:00.000Z', acme.customer.id);
    const one = await admin.get(`/admin/cdrs?date_from=2026-06-01&date_to=2026-06-03&page=25&limit=100&customer_id=${acme.customer.id}`);
    expect(idsOf(one.body)).toEqual(acmeOnly.slice(2400, 2500));
    // A filter the roll-ups cannot count (ANI prefix) still pages correctly, by OFFSET.
    const byAni = await admin.get(`/admin/cdrs?date_from=2026-06-01&date_to=2026-06-03&page=25&limit=100&ani=%2B1212555`);
    expect(idsOf(byAni.body)).toEqual(everyone.slice(2400, 2500));
    expect(byAni.body.meta.pagination.total).toBe(ACME_CDRS + OTHER_CDRS);
  });
});
