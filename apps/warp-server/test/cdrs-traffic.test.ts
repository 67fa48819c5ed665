import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { REPO_ROOT, run } from '../../opbx-server/test/support/cli.js';
import { runTraffic, seedDemoTraffic } from '../src/modules/cdrs/traffic.js';
import { routingOf } from '../src/modules/routing/routing.state.js';
import { type CdrWorld, cdrWorld } from './support/cdrs.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff } from './support/fixtures.js';

/* The traffic generator: the route engine's decisions become CDRs posted like an edge; and the CLI around it. */

let server: TestServer;
let world: CdrWorld;

beforeAll(async () => {
  server = await createTestServer();
  const admin = await createStaff(server, 'admin');
  world = await cdrWorld(server, admin.api, 'Traffic Carrier', '203.0.113.50');
}, 120_000);
afterAll(() => server?.close());

const count = async () =>
  Number(
    (
      await server.ctx.db
        .selectFrom('cdrs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('traffic generator', () => {
  it('routes generated calls with the engine and stores each as a rated CDR; the roll-ups agree with the summary', async () => {
    const before = await count();
    const summary = await runTraffic({
      rate: 50,
      duration: 4,
      answerRatio: 0.5,
      backfill: true,
      seed: 42,
      snapshot: () => routingOf(server.ctx).current(),
      post: async (cdrs) => (await world.edge.post('/internal/cdrs', { cdrs })).body.data,
    });
    expect(summary).toMatchObject({ calls: 200, accepted: 200, rejected: 0, duplicate: 0, batches: 1 });
    expect(summary.routed).toBe(200); // every generated US number has a rate in the test decks
    expect(summary.answered).toBeGreaterThan(50);
    expect(summary.answered).toBeLessThan(150);
    expect(await count()).toBe(before + 200);
    const roll = await server.ctx.db
      .selectFrom('usage_hourly')
      .select((eb) => [eb.fn.sum<number>('calls').as('calls'), eb.fn.sum<number>('answered').as('answered'), eb.fn.sum<number>('unrated').as('unrated')])
      .where('customer_id', '=', world.customer.id)
      .executeTakeFirstOrThrow();
    expect([Number(roll.calls), Number(roll.answered), Number(roll.unrated)]).toEqual([200, summary.answered, 0]);
  });

  it('demo traffic: a month of calls spread over the last 30 days, seeded once', async () => {
    const fresh = await createTestServer();
    try {
      const admin = await createStaff(fresh, 'admin');
      await cdrWorld(fresh, admin.api, 'Demo Carrier', '203.0.113.60');
      const summary = await seedDemoTraffic(fresh.ctx, 300);
      expect(summary).toMatchObject({ calls: 300, accepted: 300 });
      const span = await fresh.ctx.db
        .selectFrom('cdrs')
        .select((eb) => [eb.fn.min<string>('started_at').as('first'), eb.fn.max<string>('started_at').as('last')])
        .executeTakeFirstOrThrow();
      expect(Date.parse(span.last) - Date.parse(span.first)).toBeGreaterThan(29 * 86_400_000);
      expect(Date.parse(span.last)).toBeLessThanOrEqual(Date.now());
      expect(await seedDemoTraffic(fresh.ctx, 300)).toBeUndefined();
    } finally {
      await fresh.close();
    }
  }, 120_000);

  it('CLI: edge-key create prints {"id","key"}; simulate traffic posts to a live server, shows progress and prints a summary', async () => {
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/v1`;
    const env = { DATABASE_URL: server.url, WARP_APP_KEY: 'k'.repeat(32), LOG_LEVEL: 'silent', NODE_ENV: 'test' };
    const warp = (args: string[]) => run(`${REPO_ROOT}node_modules/.bin/tsx`, ['apps/warp-server/src/cli.ts', ...args], env);
    const created = await warp(['edge-key', 'create', '--name', 'edge-1']);
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout.trim());
    expect(Object.keys(key)).toEqual(['id', 'key']);
    expect(key.key).toMatch(/^warp_edge_/);
    const before = await count();
    const res = await warp([
      'simulate',
      'traffic',
      '--rate',
      '20',
      '--duration',
      '2',
      '--answer-ratio',
      '0.5',
      '--url',
      base,
      '--edge-key',
      key.key,
      '--seed',
      '7',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('40/40 calls');
    expect(JSON.parse(res.stdout.trim())).toMatchObject({ calls: 40, accepted: 40 });
    expect(await count()).toBe(before + 40);
    expect((await warp(['simulate', 'traffic', '--rate', '0', '--duration', '2'])).code).toBe(2);
  }, 180_000);
});
