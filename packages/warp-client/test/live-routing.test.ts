import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The WARP server's own test helpers (fresh SQLite file or PostgreSQL schema, same migrations as production).
import { createTestServer, type TestServer } from '../../../apps/warp-server/test/support/context.js';
import { createStaff, createTestCustomer, PASSWORD, type TestCustomer } from '../../../apps/warp-server/test/support/fixtures.js';
import { AdminApiClient, ApiError, CustomerApiClient, memoryStorage } from '../src/index.js';

/* The seed's AdminApiClient routing methods and the customer's testTrunk against the real WARP server on a random port. */

let server: TestServer;
let baseUrl: string;
let customer: TestCustomer;

beforeAll(async () => {
  server = await createTestServer();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/v1`;
  customer = await createTestCustomer(server, 'Routing Client Carrier');
});
afterAll(() => server?.close());

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

const csv = (text: string) => new Blob([text], { type: 'text/csv' });

describe('AdminApiClient routing methods against the live WARP server', () => {
  it("providers, decks, rates, partitions, routes, overrides, exclusions, simulate; the customer's testTrunk", async () => {
    const staff = await createStaff(server, 'admin');
    const api = new AdminApiClient({ baseUrl, storage: memoryStorage() });
    await api.login(staff.email, PASSWORD);

    const p = (
      await api.createProvider({
        name: 'Client LRN',
        type: 'lrn',
        gateways: [{ host: 'sbc.client.example', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
      })
    ).data;
    expect(p).toMatchObject({ name: 'Client LRN', status: 'active', jurisdiction_policy: 'interstate', ani_classes: ['any'] });
    expect((await api.updateProvider(p.id, { max_channels: 50 })).data).toMatchObject({ max_channels: 50, status: 'active' });
    expect((await api.getProviders()).data.map((x) => x.id)).toContain(p.id);
    const bad = await failure(api.createProvider({ name: 'x', type: 'lrn', gateways: [] }));
    expect(bad).toMatchObject({ statusCode: 422, details: [expect.objectContaining({ field: 'gateways' })] });

    const dry = await api.importProviderRates(p.id, csv('npanxx,interstate,intrastate,indeterminate,effective_date\n212555,0.004,0.003,0.004,2026-01-01\n'), {
      dry_run: true,
    });
    expect(dry.data).toMatchObject({ dry_run: true, accepted: 1, activated: false, diff: { new: 1 } });
    const deck = await api.importProviderRates(p.id, csv('npanxx,interstate,intrastate,indeterminate,effective_date\n212555,0.004,0.003,0.004,2026-01-01\n'));
    expect(deck.data).toMatchObject({ activated: true, accepted: 1 });
    const sell = await api.importRates(csv('prefix,interstate,intrastate,indeterminate,effective_date\n1,0.01,0.01,0.01,2026-01-01\n'), {
      rate_plan: 'client-retail',
    });
    expect(sell.data).toMatchObject({ activated: true });
    const rates = await api.getRates({ provider_id: p.id, destination: '12125551234', effective_date: '2026-06-01' });
    expect(rates.data).toMatchObject([{ npanxx: '212555', interstate: '0.004' }]);
    await api.updateCustomer(customer.id, { rate_plan: 'client-retail' });

    const partition = (await api.createPartition({ name: 'Client partition', providers: [{ provider_id: p.id, priority: 1, weight: 100 }] })).data;
    expect((await api.updatePartition(partition.id, { description: 'Tier 1' })).data).toMatchObject({
      description: 'Tier 1',
      providers: [{ provider_id: p.id }],
    });
    expect((await api.getPartitions()).data.map((x) => x.id)).toContain(partition.id);

    const customerApi = new CustomerApiClient({ baseUrl, storage: memoryStorage() });
    await customerApi.login(customer.users.customer_admin.email, PASSWORD);
    const trunk = (await customerApi.createTrunk({ name: 'client-edge', allowed_ips: ['198.51.100.7'] })).data;
    expect((await api.assignTrunkToPartition(trunk.id, partition.id)).data).toMatchObject({ partition_id: partition.id });
    expect((await api.getRoutes({ partition_id: partition.id })).data).toMatchObject([{ provider_id: p.id, provider_name: 'Client LRN', active_now: true }]);

    const simulated = await api.simulateRoute({ trunk_id: trunk.id, ani: '+12125550000', dni: '+12125551234' });
    expect(simulated.data).toMatchObject({
      decision: 'route',
      zone: 'us',
      routes: [{ provider_id: p.id, cost_rate: '0.003000', sell_rate: '0.010000', margin: '0.007000' }],
    });

    const tested = await customerApi.testTrunk(trunk.id, '(212) 555-1234');
    expect(tested.data).toMatchObject({ destination_class: 'domestic', allowed: true, route_engine: 'configured', routable: true, sell_rate: '0.010000' });
    expect(JSON.stringify(tested.data)).not.toContain('Client LRN');

    const override = (await api.createOverride({ customer_id: customer.id, prefix: '1212', action: 'rate_ceiling', rate: '0.001' })).data;
    expect((await api.simulateRoute({ trunk_id: trunk.id, ani: '+12125550000', dni: '+12125551234' })).data).toMatchObject({
      decision: 'reject',
      reason_code: 'MARGIN_GUARD',
    });
    expect((await api.deleteOverride(override.id)).data).toBeUndefined();
    const exclusion = (await api.createExclusion({ prefix: '1212', reason: 'test' })).data;
    expect((await customerApi.testTrunk(trunk.id, '2125551234')).data).toMatchObject({ routable: false, reason_code: 'DESTINATION_BLOCKED' });
    await api.deleteExclusion(exclusion.id);
    expect((await customerApi.testTrunk(trunk.id, '2125551234')).data.routable).toBe(true);

    const conflict = await failure(api.deleteProvider(p.id));
    expect(conflict).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    await api.updateProvider(p.id, { status: 'disabled' });
    expect((await api.deleteProvider(p.id)).data).toBeUndefined();
  });
});
