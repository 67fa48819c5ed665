import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { recordRouteDecisions } from '../src/modules/rating/decisions.js';
import { decide } from '../src/modules/routing/engine/index.js';
import { routingOf } from '../src/modules/routing/routing.state.js';
import { type Api, expectError } from './support/api.js';
import { answeredCdr, type CdrWorld, cdrWorld, failedCdr } from './support/cdrs.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff } from './support/fixtures.js';

/* CDR ingestion (issue 15): edge keys, per-record validation, idempotency, rating in the same transaction, roll-ups. */

let server: TestServer;
let admin: Api;
let w: CdrWorld;

beforeAll(async () => {
  server = await createTestServer();
  admin = (await createStaff(server, 'admin')).api;
  w = await cdrWorld(server, admin, 'Ingest Carrier', '203.0.113.10');
}, 120_000);
afterAll(async () => server?.close());

const count = async (table: 'cdrs' | 'cdr_calls') =>
  Number(
    (
      await server.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const rollups = async () =>
  (await server.ctx.db.selectFrom('usage_hourly').selectAll().where('customer_id', '=', w.customer.id).execute()).map((r) => ({
    hour: r.hour,
    calls: Number(r.calls),
    answered: Number(r.answered),
    sell: Number(r.sell_amount),
    cost: Number(r.cost_amount),
  }));

describe('edge keys', () => {
  it('only an edge key reaches /internal/cdrs: no key, a user token, an API-key-shaped or a wrong edge key are 401', async () => {
    const body = { cdrs: [answeredCdr(w, 'auth-1', '2026-05-10T12:00:00Z', 7)] };
    expectError(await admin.as(undefined).post('/internal/cdrs', body), 401);
    expectError(await admin.post('/internal/cdrs', body), 401);
    expectError(await admin.as('warp_live_abcdefgh12345').post('/internal/cdrs', body), 401);
    expectError(await admin.as(`${w.edgeKey.slice(0, -2)}xx`).post('/internal/cdrs', body), 401);
    expect(await count('cdrs')).toBe(0);
    const row = await server.ctx.db.selectFrom('edge_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.key_hash).not.toContain(w.edgeKey.slice(10));
  });
});

describe('ingestion', () => {
  it('stores and rates both sides in the same request; the answer comes after the commit', async () => {
    const res = await w.edge.post('/internal/cdrs', {
      cdrs: [answeredCdr(w, 'rated-1', '2026-05-10T12:00:00Z', 7), failedCdr(w, 'busy-1', '2026-05-10T12:01:00Z')],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.results).toEqual([
      { index: 0, call_id: 'rated-1', status: 'accepted' },
      { index: 1, call_id: 'busy-1', status: 'accepted' },
    ]);
    const rated = await server.ctx.db.selectFrom('cdrs').selectAll().where('call_id', '=', 'rated-1').executeTakeFirstOrThrow();
    // sell 6/6 on 7 s → 12 s × 0.012/60 = 0.0024; cost: min 30 → 60 s × 0.006/60 + 0.001 = 0.007
    expect({
      zone: rated.zone,
      disp: rated.disposition,
      d: Number(rated.duration),
      sb: Number(rated.sell_billable),
      sa: Number(rated.sell_amount),
      cb: Number(rated.cost_billable),
      ca: Number(rated.cost_amount),
      err: rated.rating_error,
    }).toEqual({
      zone: 'interstate',
      disp: 'answered',
      d: 7,
      sb: 12,
      sa: 240,
      cb: 60,
      ca: 700,
      err: null,
    });
    const busy = await server.ctx.db.selectFrom('cdrs').selectAll().where('call_id', '=', 'busy-1').executeTakeFirstOrThrow();
    expect([busy.disposition, Number(busy.sell_amount), Number(busy.cost_amount), busy.rating_error]).toEqual(['busy', 0, 0, null]);
    expect(await rollups()).toEqual([{ hour: '2026-05-10T12', calls: 2, answered: 1, sell: 240, cost: 700 }]);
  });

  it('one batch replayed 10 times concurrently stores each CDR once and the roll-ups count it once', async () => {
    const batch = { cdrs: Array.from({ length: 50 }, (_, i) => answeredCdr(w, `replay-${i}`, `2026-05-11T0${i % 3}:00:00Z`, 61)) };
    const before = await count('cdrs');
    const replies = await Promise.all(Array.from({ length: 10 }, () => w.edge.post('/internal/cdrs', batch)));
    for (const r of replies) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const accepted = replies.flatMap((r) => r.body.data.results).filter((x: { status: string }) => x.status === 'accepted');
    expect(accepted).toHaveLength(50);
    expect(await count('cdrs')).toBe(before + 50);
    const day = (await rollups()).filter((r) => r.hour.startsWith('2026-05-11'));
    // 61 s: sell 66 s × 0.012/60 = 0.0132; cost 120 s × 0.006/60 + 0.001 = 0.013
    expect(day.reduce((s, r) => s + r.calls, 0)).toBe(50);
    expect(day.reduce((s, r) => s + r.sell, 0)).toBe(50 * 1320);
    expect(day.reduce((s, r) => s + r.cost, 0)).toBe(50 * 1300);
  });

  it('out of order: a CDR of an earlier month arriving later is stored in its own month', async () => {
    const res = await w.edge.post('/internal/cdrs', { cdrs: [answeredCdr(w, 'late-1', '2026-02-03T04:05:06Z', 1)] });
    expect(res.body.data.results[0].status).toBe('accepted');
    expect((await rollups()).some((r) => r.hour === '2026-02-03T04' && r.calls === 1)).toBe(true);
  });

  it('malformed records are rejected one by one with reasons while the rest are stored', async () => {
    const before = await count('cdrs');
    const good = answeredCdr(w, 'mixed-ok', '2026-05-12T10:00:00Z', 30);
    const res = await w.edge.post('/internal/cdrs', {
      cdrs: [
        good,
        { ...good, call_id: 'mixed-bad-time', started_at: 'yesterday' },
        { ...good, call_id: 'mixed-no-trunk', trunk_id: undefined },
        { ...good, call_id: 'mixed-ghost-trunk', trunk_id: '01900000-0000-7000-8000-000000000000' },
        answeredCdr(w, 'mixed-bad-answer', '2026-05-12T10:00:00Z', 30, {
          attempts: [
            {
              provider_id: w.providerId,
              started_at: '2026-05-12T10:00:00Z',
              answered_at: '2026-05-12T09:00:00Z',
              ended_at: '2026-05-12T10:01:00Z',
              sip_code: 200,
            },
          ],
        }),
        'not an object',
        { ...good, extra: true, call_id: 'mixed-extra' },
      ],
    });
    expect(res.status).toBe(200);
    const results = res.body.data.results as { index: number; status: string; errors?: { field: string }[] }[];
    expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(results[1]!.errors!.map((e) => e.field)).toContain('started_at');
    expect(results[2]!.errors!.map((e) => e.field)).toContain('trunk_id');
    expect(results[3]!.errors).toEqual([{ field: 'trunk_id', message: 'no such trunk' }]);
    expect(results[4]!.errors!.map((e) => e.field)).toContain('attempts.0.answered_at');
    expect(await count('cdrs')).toBe(before + 1);
  });

  it('a malformed batch is 422 and stores nothing; more than 1,000 CDRs is refused', async () => {
    const before = await count('cdrs');
    expectError(await w.edge.post('/internal/cdrs', { cdrs: [] }), 422, 'VALIDATION_ERROR');
    expectError(await w.edge.post('/internal/cdrs', { records: [] }), 422, 'VALIDATION_ERROR');
    const many = Array.from({ length: 1001 }, (_, i) => answeredCdr(w, `many-${i}`, '2026-05-12T11:00:00Z', 5));
    expectError(await w.edge.post('/internal/cdrs', { cdrs: many }), 422, 'VALIDATION_ERROR');
    const r = await w.edge.request('POST', '/internal/cdrs', '{"cdrs": [', { 'content-type': 'application/json' });
    expect([400, 422]).toContain(r.status);
    expect(await count('cdrs')).toBe(before);
  });

  it('the trunk by its source IP; an address no trunk allows is rejected', async () => {
    const { trunk_id: _omit, ...byIp } = answeredCdr(w, 'by-ip', '2026-05-12T12:00:00Z', 10);
    const res = await w.edge.post('/internal/cdrs', {
      cdrs: [
        { ...byIp, source_ip: '203.0.113.10' },
        { ...byIp, call_id: 'by-ip-unknown', source_ip: '198.51.100.77' },
      ],
    });
    expect(res.body.data.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected']);
    const row = await server.ctx.db.selectFrom('cdrs').select(['trunk_id', 'customer_id']).where('call_id', '=', 'by-ip').executeTakeFirstOrThrow();
    expect(row).toEqual({ trunk_id: w.trunkId, customer_id: w.customer.id });
  });

  it('a call that cannot be rated is stored with a rating error, never priced 0 silently', async () => {
    const res = await w.edge.post('/internal/cdrs', { cdrs: [answeredCdr(w, 'unratable', '2026-05-12T13:00:00Z', 10, { dni: '+33612345678' })] });
    expect(res.body.data.results[0].status).toBe('accepted');
    const row = await server.ctx.db.selectFrom('cdrs').selectAll().where('call_id', '=', 'unratable').executeTakeFirstOrThrow();
    expect(row.rating_error).toMatch(/no sell rate/);
    const roll = await server.ctx.db
      .selectFrom('usage_hourly')
      .select('unrated')
      .where('customer_id', '=', w.customer.id)
      .where('hour', '=', '2026-05-12T13')
      .executeTakeFirstOrThrow();
    expect(Number(roll.unrated)).toBe(1);
  });

  it('a trunk the routing snapshot does not know yet (created on another instance) is rated, not refused as unknown', async () => {
    const trunk = await server.ctx.db.selectFrom('trunks').selectAll().where('id', '=', w.trunkId).executeTakeFirstOrThrow();
    const id = randomUUID();
    // written straight to the database, as another instance without a shared bus would
    await server.ctx.db
      .insertInto('trunks')
      .values({ ...trunk, id, name: 'Other instance', allowed_ips: '["198.51.100.99/32"]' })
      .execute();
    const res = await w.edge.post('/internal/cdrs', { cdrs: [answeredCdr({ ...w, trunkId: id }, 'new-trunk-1', '2026-05-12T14:00:00Z', 7)] });
    expect(res.body.data.results[0].status).toBe('accepted');
    const row = await server.ctx.db.selectFrom('cdrs').selectAll().where('call_id', '=', 'new-trunk-1').executeTakeFirstOrThrow();
    expect([row.rating_error, Number(row.sell_amount), Number(row.cost_amount)]).toEqual([null, 240, 700]);
  });

  it("a CDR naming its route decision is priced on the jurisdiction that decision recorded; another customer's decision is ignored", async () => {
    const at = Date.parse('2026-05-12T15:00:00Z');
    const decision = decide(await routingOf(server.ctx).current(), { trunkId: w.trunkId, ani: '+12125551000', dni: '+13105552000', at });
    expect(decision.jurisdiction).toBe('interstate'); // NY → CA, as the CDR's own numbers say
    // The edge routed on an intrastate decision (say, reference data that placed the NPA-NXX in NY then):
    // the bill follows what routing used, not what rating would work out today.
    await recordRouteDecisions(server.ctx.db, [
      { id: 'dec-own', decidedAt: new Date(at), customerId: w.customer.id, trunkId: w.trunkId, decision: { ...decision, jurisdiction: 'intrastate' } },
      { id: 'dec-other', decidedAt: new Date(at), customerId: randomUUID(), trunkId: null, decision: { ...decision, jurisdiction: 'intrastate' } },
    ]);
    const res = await w.edge.post('/internal/cdrs', {
      cdrs: [
        answeredCdr(w, 'with-decision', '2026-05-12T15:00:00Z', 7, { decision_id: 'dec-own' }),
        answeredCdr(w, 'foreign-decision', '2026-05-12T15:00:01Z', 7, { decision_id: 'dec-other' }),
        answeredCdr(w, 'unknown-decision', '2026-05-12T15:00:02Z', 7, { decision_id: 'dec-never-recorded' }),
      ],
    });
    expect(res.body.data.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const figures = async (callId: string) => {
      const row = await server.ctx.db.selectFrom('cdrs').selectAll().where('call_id', '=', callId).executeTakeFirstOrThrow();
      return { id: row.id, zone: row.zone, sell: Number(row.sell_amount), cost: Number(row.cost_amount), err: row.rating_error };
    };
    // intrastate: sell 12 s × 0.015/60 = 0.003; cost max(7, 30) → 60 s × 0.009/60 + 0.001 = 0.010
    const own = await figures('with-decision');
    expect(own).toMatchObject({ zone: 'intrastate', sell: 300, cost: 1000, err: null });
    // interstate, computed from the numbers: 0.0024 and 0.007
    expect(await figures('foreign-decision')).toMatchObject({ zone: 'interstate', sell: 240, cost: 700, err: null });
    expect(await figures('unknown-decision')).toMatchObject({ zone: 'interstate', sell: 240, cost: 700, err: null });

    // Staff see the decision's own trace, then how rating priced the call.
    const detail = await admin.get(`/admin/cdrs/${own.id}`);
    const steps = detail.body.data.trace as { step: string; detail: string }[];
    expect(steps.slice(0, decision.trace.length)).toEqual(decision.trace);
    expect(steps.find((s) => s.step === 'jurisdiction' && s.detail.includes('recorded on route decision dec-own'))).toBeDefined();
    const foreign = await figures('foreign-decision');
    const other = (await admin.get(`/admin/cdrs/${foreign.id}`)).body.data.trace as { step: string; detail: string }[];
    expect(other[0]).toEqual({ step: 'jurisdiction', detail: 'interstate: computed at rating (no recorded route decision)' });
  });
});
