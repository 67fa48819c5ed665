import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminApiClient, CustomerApiClient, memoryStorage } from '../../../packages/warp-client/src/index.js';
import { answeredCdr, type CdrWorld, cdrWorld, failedCdr } from './support/cdrs.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff, PASSWORD } from './support/fixtures.js';

/* The seed's client methods for CDRs, usage, metrics and margins against the live server over real HTTP. */

let server: TestServer;
let baseUrl: string;
let world: CdrWorld;
let staffEmail: string;

beforeAll(async () => {
  server = await createTestServer();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/v1`;
  const admin = await createStaff(server, 'admin');
  staffEmail = admin.email;
  world = await cdrWorld(server, admin.api, 'Client Carrier', '203.0.113.40');
  const res = await world.edge.post('/internal/cdrs', {
    cdrs: [answeredCdr(world, 'c-1', '2026-05-10T12:00:00Z', 7), failedCdr(world, 'c-2', '2026-05-10T12:05:00Z')],
  });
  expect(res.body.data.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
}, 120_000);
afterAll(() => server?.close());

describe('CustomerApiClient', () => {
  it('getCDRs, exportCDRs, getUsageSummary (period and custom), getCurrentMetrics', async () => {
    const api = new CustomerApiClient({ baseUrl, storage: memoryStorage(), retryDelay: 1 });
    await api.login(world.customer.users.billing.email, PASSWORD);
    const cdrs = await api.getCDRs({ date_from: '2026-05-10', date_to: '2026-05-10' });
    expect(cdrs.data.map((c) => [c.call_id, c.amount])).toEqual([
      ['c-2', '0.00000'],
      ['c-1', '0.00240'],
    ]);
    const exp = await api.exportCDRs({ date_from: '2026-05-01', date_to: '2026-05-31', format: 'json' });
    expect(exp).toMatchObject({ export_id: expect.any(String), download_url: expect.stringContaining(exp.export_id) });
    const custom = await api.getUsageSummary('custom', { start: '2026-05-10', end: '2026-05-10' });
    expect(custom.data).toMatchObject({ calls: 2, answered: 1, asr: 50, charges: '0.00240', billable_minutes: '0.20' });
    expect((await api.getUsageSummary('month')).data.calls).toBe(0);
    expect((await api.getCurrentMetrics()).data).toMatchObject({ window_minutes: 5, spend_today: '0.00000' });
  });
});

describe('AdminApiClient', () => {
  it('searchCDRs, getCDRDetails, getCustomerUsage, getProviderPerformance, calculateMargins', async () => {
    const api = new AdminApiClient({ baseUrl, storage: memoryStorage(), retryDelay: 1 });
    await api.login(staffEmail, PASSWORD);
    const found = await api.searchCDRs({ date_from: '2026-05-10', date_to: '2026-05-10', customer_id: world.customer.id, dnis: '+1310' });
    expect(found.data).toHaveLength(2);
    const c1 = found.data.find((c) => c.call_id === 'c-1')!;
    const detail = await api.getCDRDetails(c1.id);
    expect(detail.data).toMatchObject({ sell_amount: '0.00240', cost_amount: '0.00700', margin: '-0.00460', provider_id: world.providerId });
    const usage = await api.getCustomerUsage(world.customer.id, 'month');
    expect(usage.data.customer_id).toBe(world.customer.id);
    const perf = await api.getProviderPerformance(world.providerId, 'month');
    expect(perf.data.provider_id).toBe(world.providerId);
    const margins = await api.calculateMargins({ customer_id: world.customer.id, date_from: '2026-05-01', date_to: '2026-05-31' });
    // revenue 0.0024, cost 0.007: a loss, critical
    expect(margins.data.totals).toMatchObject({ revenue: '0.00240', cost: '0.00700', margin: '-0.00460', health: 'critical' });
  });
});
