import { randomBytes } from 'node:crypto';

import { MemoryEventBus } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../src/app.js';
import { type AppContext, createContext } from '../src/context.js';
import { routingOf } from '../src/modules/routing/routing.state.js';
import { Api } from './support/api.js';
import { freshDatabaseUrl, testConfig } from './support/context.js';
import { uploadDeck } from './support/decks.js';
import { createStaff } from './support/fixtures.js';

/*
 * A 100,000-row deck through the HTTP import (on PostgreSQL in the PostgreSQL pass, SQLite
 * otherwise), and two server instances on one database: a change on one reaches the other's
 * routing snapshot over the bus (Redis when REDIS_URL is set; else an in-process bus joins them).
 */
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
const instances: { ctx: AppContext; app: FastifyInstance }[] = [];
let admin: Api;

beforeAll(async () => {
  db = await freshDatabaseUrl();
  const shared = process.env.REDIS_URL ? undefined : new MemoryEventBus();
  const env = { WARP_APP_KEY: randomBytes(24).toString('hex'), WARP_REDIS_PREFIX: `wtest:${randomBytes(4).toString('hex')}:` };
  for (let i = 0; i < 2; i++) {
    const ctx = await createContext(testConfig(db.url, env));
    routingOf(ctx, shared);
    const app = await buildApp(ctx, { logger: false });
    await app.ready();
    instances.push({ ctx, app });
  }
  const server = { app: instances[0]!.app, ctx: instances[0]!.ctx, url: db.url, close: async () => undefined };
  admin = (await createStaff(server, 'admin')).api;
}, 60_000);
afterAll(async () => {
  for (const { app, ctx } of instances) {
    await app.close();
    await ctx.close();
  }
  await db?.drop();
});

function* codes(): Generator<string> {
  for (let npa = 201; npa <= 999; npa++) {
    if (npa % 100 === 11) continue;
    for (let nxx = 200; nxx <= 999; nxx++) if (nxx % 100 !== 11) yield `${npa}${nxx}`;
  }
}

async function until(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('scale and instances', () => {
  it('imports a 100,000-row deck, re-imports it with changes (exact diff), and both instances route by it', async () => {
    const a = instances[0]!;
    const b = instances[1]!;
    const provider = (await admin.post('/admin/providers', { name: 'Bulk', type: 'lrn', gateways: [{ host: 'bulk.example' }] })).body.data;
    // Instance B hears of the provider over the bus.
    await until(async () => (await routingOf(b.ctx).current()).providers.has(provider.id));

    const list = [...codes()].slice(0, 100_000);
    const deck = (price: (i: number) => string) =>
      ['npanxx,interstate,intrastate,indeterminate,effective_date', ...list.map((c, i) => `${c},${price(i)},${price(i)},${price(i)},2026-01-01`)].join('\n');
    const first = await uploadDeck(
      a.app,
      admin,
      `/admin/providers/${provider.id}/rates/import`,
      deck(() => '0.004000'),
    );
    expect(first.status, JSON.stringify(first.body).slice(0, 300)).toBe(200);
    expect(first.body.data).toMatchObject({
      rows: 100_000,
      accepted: 100_000,
      rejected: [],
      activated: true,
      diff: { new: 100_000, increased: 0, decreased: 0, unchanged: 0, removed: 0 },
    });
    const count = async () =>
      Number(
        (
          await a.ctx.db
            .selectFrom('rates')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count()).toBe(100_000);

    // 1,000 up, 2,000 down, the last 500 gone, the rest the same.
    const changed = [
      'npanxx,interstate,intrastate,indeterminate,effective_date',
      ...list.slice(0, 99_500).map((c, i) => {
        const v = i < 1000 ? '0.005000' : i < 3000 ? '0.003000' : '0.004000';
        return `${c},${v},${v},${v},2026-06-01`;
      }),
    ].join('\n');
    const dry = await uploadDeck(a.app, admin, `/admin/providers/${provider.id}/rates/import?dry_run=true`, changed);
    expect(dry.body.data).toMatchObject({
      accepted: 99_500,
      activated: false,
      diff: { new: 0, increased: 1000, decreased: 2000, unchanged: 96_500, removed: 500 },
    });
    expect(await count()).toBe(100_000);
    const second = await uploadDeck(a.app, admin, `/admin/providers/${provider.id}/rates/import`, changed);
    expect(second.body.data).toMatchObject({ activated: true, diff: { increased: 1000, decreased: 2000, unchanged: 96_500, removed: 500 } });
    expect(await count()).toBe(103_000);

    // Instance B's snapshot has the new rows too: the first code costs 0.005 from June, 0.004 before.
    const first6 = list[0]!;
    await until(async () => {
      const deckB = (await routingOf(b.ctx).current()).providers.get(provider.id)?.deck;
      return deckB?.exact(`1${first6}`, Date.parse('2026-07-01T00:00:00Z'))?.interstate === 5000;
    });
    const deckB = (await routingOf(b.ctx).current()).providers.get(provider.id)!.deck;
    expect(deckB.exact(`1${first6}`, Date.parse('2026-05-31T23:59:59Z'))?.interstate).toBe(4000);
    expect(deckB.size).toBe(103_000);
  }, 240_000);
});
