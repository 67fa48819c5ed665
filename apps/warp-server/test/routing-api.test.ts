import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTeliqueSandbox, type TeliqueSandbox } from '../../warp-sandbox/telique/server.js';
import { type Api, expectError } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { uploadDeck } from './support/decks.js';
import { createStaff, createTestCustomer, type TestCustomer } from './support/fixtures.js';

/* The routing admin API end to end: real HTTP (inject), real database, the Telique sandbox for LRN dips. */

let server: TestServer;
let telique: TeliqueSandbox;
let admin: Api;
let support: Api;
let acme: TestCustomer;

const gw = (host: string) => [{ host, port: 5060, transport: 'udp', priority: 1, weight: 100 }];

beforeAll(async () => {
  telique = await startTeliqueSandbox({ token: 'tlq_api', table: { '2125551234': { lrn: '2015550000', spid: '1234' } } });
  server = await createTestServer({ WARP_TELIQUE_URL: telique.apiBase, WARP_TELIQUE_TOKEN: 'tlq_api', WARP_LRN_CACHE_TTL: '0' });
  admin = (await createStaff(server, 'admin')).api;
  support = (await createStaff(server, 'support')).api;
  acme = await createTestCustomer(server, 'Routing Carrier');
}, 60_000);
afterAll(async () => {
  await server?.close();
  await telique?.close();
});

async function provider(name: string, extra: Record<string, unknown> = {}) {
  const res = await admin.post('/admin/providers', { name, type: 'lrn', gateways: gw(`${name.toLowerCase()}.example`), ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; name: string };
}
const tableCount = async (t: 'rates' | 'providers' | 'partitions' | 'routing_overrides' | 'routing_exclusions') =>
  Number(
    (
      await server.ctx.db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('providers', () => {
  it('create with defaults, validation with field details, duplicate names 409, PATCH keeps what it omits', async () => {
    const p = await provider('Alpha', { jurisdiction_policy: 'poi', poi_state: 'TX', ani_classes: ['domestic', 'domestic'], max_channels: 100 });
    const view = (await admin.get('/admin/providers')).body.data.find((x: { id: string }) => x.id === p.id);
    expect(view).toMatchObject({
      name: 'Alpha',
      type: 'lrn',
      status: 'active',
      jurisdiction_policy: 'poi',
      poi_state: 'TX',
      ani_classes: ['domestic'],
      max_channels: 100,
      initial_increment: 6,
      connection_fee: '0',
    });
    const before = await tableCount('providers');
    expectError(
      await admin.post('/admin/providers', { name: 'Beta', type: 'lrn', gateways: gw('b.example'), jurisdiction_policy: 'poi' }),
      422,
      'VALIDATION_ERROR',
    );
    const bad = await admin.post('/admin/providers', { name: '', type: 'voip', gateways: [{ host: 'x', port: 70000 }], connection_fee: '0.1234567', extra: 1 });
    expectError(bad, 422, 'VALIDATION_ERROR');
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['name', 'type', 'gateways.0.port', 'connection_fee']));
    expectError(await admin.post('/admin/providers', { name: 'Alpha', type: 'prefix', gateways: gw('a2.example') }), 409, 'CONFLICT');
    expect(await tableCount('providers')).toBe(before);
    const patched = await admin.patch(`/admin/providers/${p.id}`, { max_cps: 20 });
    expect(patched.body.data).toMatchObject({ max_cps: 20, max_channels: 100, status: 'active', jurisdiction_policy: 'poi' });
    expectError(await admin.patch(`/admin/providers/${p.id}`, { poi_state: null }), 422);
    expectError(await admin.patch('/admin/providers/01900000-0000-7000-8000-000000000000', { max_cps: 1 }), 404);
    expectError(await support.post('/admin/providers', { name: 'S', type: 'lrn', gateways: gw('s.example') }), 403);
    expect((await support.get('/admin/providers')).status).toBe(200);
  });

  it('deleting a provider that routes is 409 until it is disabled', async () => {
    const p = await provider('Routed');
    const part = await admin.post('/admin/partitions', { name: 'Del', providers: [{ provider_id: p.id }] });
    expect(part.status).toBe(201);
    expectError(await admin.delete(`/admin/providers/${p.id}`), 409, 'CONFLICT');
    expect((await admin.patch(`/admin/providers/${p.id}`, { status: 'disabled' })).body.data.status).toBe('disabled');
    expect((await admin.delete(`/admin/providers/${p.id}`)).status).toBe(204);
    expect((await admin.get(`/admin/routes?partition_id=${part.body.data.id}`)).body.data).toEqual([]);
    const idle = await provider('Idle');
    expect((await admin.delete(`/admin/providers/${idle.id}`)).status).toBe(204);
  });
});

describe('deck imports', () => {
  it('a deck with every kind of bad row: a precise report, nothing stored; dry run of a good deck stores nothing', async () => {
    const p = await provider('Decked');
    const csv = [
      'prefix,npanxx,interstate,intrastate,rate,effective_date,end_date,initial_increment,description',
      '1212,,0.01,0.009,,2026-01-01,,6,New York',
      ',212555,0.004,0.003,,2026-01-01,,6,',
      '12x4,,0.01,0.01,,2026-01-01,,6,',
      ',21255,0.01,0.01,,2026-01-01,,6,',
      '1310,,0.01,,,2026-01-01,,6,',
      '44,,,,0.0123456,2026-01-01,,6,',
      '44,,0.01,,0.01,2026-01-01,,6,',
      '1415,,0.01,0.01,,2026-02-30,,6,',
      '1416,,0.01,0.01,,2026-03-01,2026-02-01,6,',
      '1417,,0.01,0.01,,2026-01-01,,0,',
      '1212,,0.02,0.02,,2026-01-01,,6,again',
      '1212,212555,0.01,0.01,,2026-01-01,,6,',
      '1418,,-1,0.01,,2026-01-01,,6,',
      '1419,,0.01,0.01',
    ].join('\n');
    const dry = await uploadDeck(server.app, admin, `/admin/providers/${p.id}/rates/import`, csv);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.data).toMatchObject({
      dry_run: false,
      rows: 14,
      accepted: 2,
      activated: false,
      diff: { new: 2, increased: 0, decreased: 0, unchanged: 0, removed: 0 },
    });
    expect(dry.body.data.rejected).toEqual([
      { line: 4, reason: 'prefix must be 1 to 20 digits (E.164 without +, NANP with its leading 1)', column: 'prefix' },
      { line: 5, reason: 'npanxx must be 6 digits (NPA and NXX start with 2-9)', column: 'npanxx' },
      { line: 6, reason: 'a NANP row needs interstate and intrastate rates (or one rate)', column: 'interstate' },
      { line: 7, reason: 'rate must be a non-negative decimal with up to 6 places', column: 'rate' },
      { line: 8, reason: 'a non-NANP row takes one rate, not interstate', column: 'interstate' },
      { line: 9, reason: 'effective_date must be a date (YYYY-MM-DD)', column: 'effective_date' },
      { line: 10, reason: 'end_date must be after effective_date', column: 'end_date' },
      { line: 11, reason: 'initial_increment must be between 1 and 3600 seconds', column: 'initial_increment' },
      { line: 12, reason: 'duplicate of line 2 (same prefix and effective_date)', column: 'prefix' },
      { line: 13, reason: 'give prefix or npanxx, not both', column: 'prefix' },
      { line: 14, reason: 'interstate must be a non-negative decimal with up to 6 places', column: 'interstate' },
      { line: 15, reason: 'expected 9 fields, found 4' },
    ]);
    expect(await tableCount('rates')).toBe(0);
    const good =
      '\ufeffprefix,npanxx,interstate,intrastate,rate,effective_date\n1212,,0.01,0.009,,2026-01-01\n,212555,0.004,0.003,,2026-01-01\n44,,,,0.02,2026-01-01\n';
    const dryGood = await uploadDeck(server.app, admin, `/admin/providers/${p.id}/rates/import?dry_run=true`, good);
    expect(dryGood.body.data).toMatchObject({ dry_run: true, accepted: 3, rejected: [], activated: false, diff: { new: 3 } });
    expect(await tableCount('rates')).toBe(0);
    // Header problems are the request's, not a row's.
    const unknown = await uploadDeck(server.app, admin, `/admin/providers/${p.id}/rates/import`, 'prefix,rate,colour\n44,0.1,red\n');
    expectError(unknown, 422, 'VALIDATION_ERROR');
    expect(unknown.body.details).toEqual([{ field: 'file', message: expect.stringContaining('unknown column(s): colour') }]);
    expectError(await uploadDeck(server.app, admin, `/admin/providers/${p.id}/rates/import`, ''), 422);
    expectError(await uploadDeck(server.app, admin, `/admin/providers/${p.id}/rates/import`, good, {}, 'deck'), 422);
    expectError(await admin.post(`/admin/providers/${p.id}/rates/import`, { file: 'x' }), 422);
    expectError(await uploadDeck(server.app, admin, '/admin/providers/01900000-0000-7000-8000-000000000000/rates/import', good), 404);
    expectError(await uploadDeck(server.app, support, `/admin/providers/${p.id}/rates/import`, good), 403);
    expect(await tableCount('rates')).toBe(0);
  });

  it('one file may list a key at several effective dates; the same key and date twice is refused on the later line', async () => {
    const p = await provider('Dated');
    const csv = [
      'prefix,interstate,intrastate,effective_date',
      '1212,0.01,0.01,2026-01-01',
      '1212,0.02,0.02,2026-06-01',
      '1213,0.01,0.01,2026-01-01',
      '1212,0.03,0.03,2026-06-01',
      '1212,0.04,0.04,2026-01-01',
      '1212,0.05,0.05,2026-09-01',
    ].join('\n');
    const res = await uploadDeck(server.app, admin, `/admin/providers/${p.id}/rates/import?dry_run=true`, csv);
    expect(res.body.data).toMatchObject({ rows: 6, accepted: 4, activated: false, diff: { new: 4 } });
    expect(res.body.data.rejected).toEqual([
      { line: 5, reason: 'duplicate of line 3 (same prefix and effective_date)', column: 'prefix' },
      { line: 6, reason: 'duplicate of line 2 (same prefix and effective_date)', column: 'prefix' },
    ]);
  });

  it('re-import gives the diff, end-dates superseded rows, never deletes: the past stays findable', async () => {
    const p = await provider('Diffed');
    const url = `/admin/providers/${p.id}/rates/import`;
    const v1 =
      'prefix,interstate,intrastate,rate,effective_date\n1212,0.010,0.009,,2026-01-01\n1213,0.010,0.009,,2026-01-01\n1214,0.010,0.009,,2026-01-01\n1215,0.010,0.009,,2026-01-01\n44,,,0.02,2026-01-01\n';
    const first = await uploadDeck(server.app, admin, url, v1);
    expect(first.body.data).toMatchObject({ activated: true, accepted: 5, diff: { new: 5, increased: 0, decreased: 0, unchanged: 0, removed: 0 } });
    const v2 =
      'prefix,interstate,intrastate,rate,effective_date\n1212,0.012,0.009,,2026-06-01\n1213,0.008,0.009,,2026-06-01\n1214,0.010,0.009,,2026-06-01\n33,,,0.03,2026-06-01\n44,,,0.02,2026-06-01\n';
    const second = await uploadDeck(server.app, admin, url, v2);
    expect(second.body.data).toMatchObject({ activated: true, accepted: 5, diff: { new: 1, increased: 1, decreased: 1, unchanged: 2, removed: 1 } });
    const rows = async (date: string, destination?: string) =>
      (await admin.get(`/admin/rates?provider_id=${p.id}&effective_date=${date}${destination ? `&destination=${destination}` : ''}&limit=100`)).body.data as {
        prefix: string;
        interstate: string | null;
        end_date: string | null;
      }[];
    // A key the new deck no longer lists ends when the new deck starts, but never in the past.
    const today = new Date().toISOString().slice(0, 10);
    const removedAt = today > '2026-06-01' ? today : '2026-06-01';
    const may = await rows('2026-05-31');
    expect(may.map((r) => [r.prefix, r.interstate, r.end_date])).toEqual([
      ['1212', '0.010', '2026-06-01'],
      ['1213', '0.010', '2026-06-01'],
      ['1214', '0.010', null],
      ['1215', '0.010', removedAt],
      ['44', null, null],
    ]);
    const june = await rows(removedAt);
    expect(june.map((r) => [r.prefix, r.interstate])).toEqual([
      ['1212', '0.012'],
      ['1213', '0.008'],
      ['1214', '0.010'],
      ['33', null],
      ['44', null],
    ]);
    expect((await rows(removedAt, '12125551234')).map((r) => r.prefix)).toEqual(['1212']);
    // 5 rows, then 3 new ones (1212, 1213, 33); unchanged rows are not copied, nothing is deleted.
    expect(await tableCount('rates')).toBe(8);
    const sell = await uploadDeck(server.app, admin, '/admin/rates/import', 'prefix,interstate,intrastate,effective_date\n1,0.02,0.02,2026-01-01\n', {
      rate_plan: 'wholesale-a',
    });
    expect(sell.body.data).toMatchObject({ activated: true, accepted: 1 });
    expect((await admin.get('/admin/rates?rate_plan=wholesale-a&effective_date=2026-07-01')).body.data).toMatchObject([
      { rate_plan: 'wholesale-a', provider_id: null, prefix: '1', interstate: '0.02' },
    ]);
    expectError(await uploadDeck(server.app, admin, '/admin/rates/import', 'prefix,rate\n44,0.1\n'), 422);
  });

  it('quoted fields (commas, quotes, line breaks) are read as CSV; a broken file is a 422 naming the line, nothing stored', async () => {
    const p = await provider('Quoted');
    const url = `/admin/providers/${p.id}/rates/import`;
    const csv =
      'prefix,description,interstate,intrastate\r\n1212,"New York, NY ""Manhattan""",0.01,0.01\r\n1213,"two\nlines",0.01,0.01\r\n  1214 , spaced ,0.01,0.01\r\n';
    const ok = await uploadDeck(server.app, admin, url, csv);
    expect(ok.body.data).toMatchObject({ rows: 3, accepted: 3, rejected: [], activated: true });
    const listed = (await admin.get(`/admin/rates?provider_id=${p.id}&limit=10`)).body.data as { prefix: string; description: string }[];
    expect(listed.map((r) => [r.prefix, r.description])).toEqual([
      ['1212', 'New York, NY "Manhattan"'],
      ['1213', 'two\nlines'],
      ['1214', 'spaced'],
    ]);
    const before = await tableCount('rates');
    const broken = await uploadDeck(server.app, admin, url, 'prefix,interstate,intrastate\n1215,0.01,0.01\n1216,"0.01,0.01\n1217,0.01,0.01\n');
    expectError(broken, 422, 'VALIDATION_ERROR');
    expect(broken.body.details).toEqual([{ field: 'file', message: expect.stringMatching(/^not a readable CSV at line 4: Quote Not Closed/) }]);
    expect(await tableCount('rates')).toBe(before);
  });
});

describe('partitions, routes, overrides, exclusions, simulate, trunk test', () => {
  it('routes a call by cost across a partition, with LRN from Telique, overrides and exclusions, and the customer sees only its part', async () => {
    const cheap = await provider('Cheap');
    const dear = await provider('Dear', { ani_classes: ['any'] });
    for (const [p, rate] of [
      [cheap, '0.003'],
      [dear, '0.006'],
    ] as const) {
      const r = await uploadDeck(
        server.app,
        admin,
        `/admin/providers/${p.id}/rates/import`,
        `npanxx,interstate,intrastate,indeterminate,effective_date\n201555,${rate},${rate},${rate},2026-01-01\n212555,0.05,0.05,0.05,2026-01-01\n`,
      );
      expect(r.body.data.activated).toBe(true);
    }
    await uploadDeck(server.app, admin, '/admin/rates/import', 'prefix,interstate,intrastate,indeterminate,effective_date\n1,0.01,0.01,0.01,2026-01-01\n', {
      rate_plan: 'acme-retail',
    });
    expect((await admin.patch(`/admin/customers/${acme.id}`, { rate_plan: 'acme-retail' })).body.data.rate_plan).toBe('acme-retail');

    const partition = await admin.post('/admin/partitions', {
      name: 'Standard',
      providers: [
        { provider_id: dear.id, priority: 1, weight: 100 },
        { provider_id: cheap.id, priority: 2, weight: 100 },
      ],
    });
    expect(partition.status).toBe(201);
    expect(partition.body.data).toMatchObject({ name: 'Standard', trunk_count: 0, providers: [{ provider_id: dear.id }, { provider_id: cheap.id }] });
    const badPartition = await admin.post('/admin/partitions', {
      name: 'Bad',
      providers: [
        { provider_id: '01900000-0000-7000-8000-000000000000' },
        { provider_id: cheap.id, time_windows: [{ days: ['mon'], start: '08:00', end: '09:00', timezone: 'Mars/Olympus' }] },
      ],
    });
    expectError(badPartition, 422);
    expect(badPartition.body.details.map((d: { field: string }) => d.field)).toEqual(['providers.1.time_windows.0.timezone']);
    const trunk = (await acme.users.customer_admin.api.post('/trunks', { name: 'LCR', allowed_ips: ['192.0.2.10'], allowed_destinations: ['domestic'] })).body
      .data;
    const assigned = await admin.post(`/admin/trunks/${trunk.id}/partition`, { partition_id: partition.body.data.id });
    expect(assigned.body.data).toMatchObject({ id: trunk.id, partition_id: partition.body.data.id });
    expectError(await admin.post(`/admin/trunks/${trunk.id}/partition`, { partition_id: '01900000-0000-7000-8000-000000000000' }), 422);
    expectError(await admin.post('/admin/trunks/01900000-0000-7000-8000-000000000000/partition', { partition_id: null }), 404);
    expect((await admin.get('/admin/partitions')).body.data.find((x: { id: string }) => x.id === partition.body.data.id).trunk_count).toBe(1);
    const routes = (await admin.get(`/admin/routes?partition_id=${partition.body.data.id}`)).body.data;
    expect(routes.map((r: { provider_name: string; priority: number; active_now: boolean }) => [r.provider_name, r.priority, r.active_now])).toEqual([
      ['Dear', 1, true],
      ['Cheap', 2, true],
    ]);

    // 212-555-1234 is ported to an NJ LRN: both providers price it on 201555.
    const sim = await admin.post('/admin/routing/simulate', { trunk_id: trunk.id, ani: '+13105550000', dni: '2125551234' });
    expect(sim.status, JSON.stringify(sim.body)).toBe(200);
    expect(sim.body.data).toMatchObject({
      decision: 'route',
      reason_code: null,
      zone: 'us',
      lrn: '2015550000',
      ani_state: 'CA',
      dni_state: 'NJ',
      sell_rate: '0.010000',
    });
    expect(
      sim.body.data.routes.map((r: { provider_name: string; cost_rate: string; margin: string; jurisdiction: string }) => [
        r.provider_name,
        r.cost_rate,
        r.margin,
        r.jurisdiction,
      ]),
    ).toEqual([
      ['Cheap', '0.003000', '0.007000', 'interstate'],
      ['Dear', '0.006000', '0.004000', 'interstate'],
    ]);
    expect(sim.body.data.routes[0].dial_string).toBe('sip:12125551234@cheap.example:5060;transport=udp');
    expect(sim.body.data.trace.map((t: { step: string }) => t.step)).toContain('lrn');
    expect(telique.requests.at(-1)).toMatchObject({ path: '/api/v1/lrn/2125551234', token: 'tlq_api' });

    // Support may simulate; a customer may not.
    expect((await support.post('/admin/routing/simulate', { customer_id: acme.id, ani: '', dni: '+12015550000' })).body.data.decision).toBe('route');
    expectError(await acme.users.customer_admin.api.post('/admin/routing/simulate', { trunk_id: trunk.id, ani: '', dni: '+12015550000' }), 403);
    expectError(await admin.post('/admin/routing/simulate', { ani: '', dni: '1' }), 422);
    expectError(await admin.post('/admin/routing/simulate', { trunk_id: '01900000-0000-7000-8000-000000000000', ani: '', dni: '+12015550000' }), 404);

    // A trunk-scoped forced route beats cost; a customer exclusion removes a provider.
    const force = await admin.post('/admin/overrides', { trunk_id: trunk.id, npanxx: '212555', action: 'force_providers', provider_ids: [dear.id] });
    expect(force.status, JSON.stringify(force.body)).toBe(201);
    expect(force.body.data).toMatchObject({ trunk_id: trunk.id, customer_id: acme.id, action: 'force_providers', provider_ids: [dear.id] });
    const forced = (await admin.post('/admin/routing/simulate', { trunk_id: trunk.id, ani: '+13105550000', dni: '2125551234' })).body.data;
    expect(forced.routes.map((r: { provider_name: string }) => r.provider_name)).toEqual(['Dear', 'Cheap']);
    expectError(await admin.post('/admin/overrides', { action: 'force_providers', prefix: '1', provider_ids: ['01900000-0000-7000-8000-000000000000'] }), 422);
    expectError(await admin.post('/admin/overrides', { action: 'sell_rate', prefix: '1' }), 422);
    const ex = await admin.post('/admin/exclusions', { customer_id: acme.id, provider_id: cheap.id, reason: 'QUALITY' });
    expect(ex.status).toBe(201);
    const excluded = (await admin.post('/admin/routing/simulate', { trunk_id: trunk.id, ani: '', dni: '2015550000' })).body.data;
    expect(excluded.routes.map((r: { provider_name: string }) => r.provider_name)).toEqual(['Dear']);
    const block = await admin.post('/admin/exclusions', { npanxx_pattern: '201NXX', reason: 'fraud' });
    expect((await admin.post('/admin/routing/simulate', { trunk_id: trunk.id, ani: '', dni: '2015550000' })).body.data.reason_code).toBe('DESTINATION_BLOCKED');

    // The customer's trunk test: whether it routes and at what sell rate; never providers or costs.
    const test = await acme.users.developer.api.post(`/trunks/${trunk.id}/test`, { test_number: '2125551234' });
    expect(test.body.data).toMatchObject({ route_engine: 'configured', allowed: true, routable: true, reason_code: null, zone: 'us', sell_rate: '0.010000' });
    const text = JSON.stringify(test.body);
    for (const secret of ['Dear', 'Cheap', dear.id, cheap.id, '0.006', '0.003', 'cost', 'margin', 'provider', 'dial_string', 'trace'])
      expect(text).not.toContain(secret);
    const blocked = await acme.users.developer.api.post(`/trunks/${trunk.id}/test`, { test_number: '2015550000' });
    expect(blocked.body.data).toMatchObject({ routable: false, reason_code: 'DESTINATION_BLOCKED', sell_rate: null });

    expect((await admin.delete(`/admin/exclusions/${block.body.data.id}`)).status).toBe(204);
    expect((await admin.delete(`/admin/overrides/${force.body.data.id}`)).status).toBe(204);
    expectError(await admin.delete(`/admin/overrides/${force.body.data.id}`), 404);
    expect((await admin.get('/admin/overrides')).body.data).toEqual([]);
    expect((await admin.get('/admin/exclusions')).body.data.map((e: { id: string }) => e.id)).toEqual([ex.body.data.id]);

    // Telique down: the failure policy (default: route on the dialled NPA-NXX; 212555 costs 0.05, above the 0.01 sell rate; Cheap is excluded).
    telique.fail('unavailable');
    const down = (await admin.post('/admin/routing/simulate', { trunk_id: trunk.id, ani: '', dni: '2125551234' })).body.data;
    telique.fail('none');
    expect(down).toMatchObject({ decision: 'reject', reason_code: 'NO_ROUTE', lrn: null });
    expect(down.trace.filter((t: { dropped?: string }) => t.dropped).map((t: { dropped: string }) => t.dropped)).toEqual(['ceiling', 'excluded']);
    expect(down.trace).toContainEqual({ step: 'lrn', detail: 'dip failed (HTTP 503 DATA_STORE_UNAVAILABLE); policy: route on the dialled NPA-NXX 212555' });
  });
});

describe('OCN/LATA decks', () => {
  it("rows keyed by ocn and lata are validated, stored and listed, and price an ocn_lata provider on the LRN's OCN/LATA", async () => {
    const olata = await provider('Olata', { type: 'ocn_lata' });
    const url = `/admin/providers/${olata.id}/rates/import`;
    const bad = [
      'ocn,lata,npanxx,interstate,intrastate,effective_date',
      '9104,132,,0.003,0.0025,2026-01-01',
      '91045,132,,0.003,0.003,2026-01-01',
      '9104,13,,0.003,0.003,2026-01-01',
      '9-04,132,,0.003,0.003,2026-01-01',
      '9104,,,0.003,0.003,2026-01-01',
      ',132,,0.003,0.003,2026-01-01',
      '9104,132,212555,0.003,0.003,2026-01-01',
      '9104,132,,0.004,0.004,2026-01-01',
      '9102,224,,0.003,,2026-01-01',
    ].join('\n');
    const refused = await uploadDeck(server.app, admin, url, bad);
    expect(refused.body.data).toMatchObject({ rows: 9, accepted: 1, activated: false });
    expect(refused.body.data.rejected).toEqual([
      { line: 3, reason: 'ocn must be 4 letters or digits', column: 'ocn' },
      { line: 4, reason: 'lata must be 3 digits', column: 'lata' },
      { line: 5, reason: 'ocn must be 4 letters or digits', column: 'ocn' },
      { line: 6, reason: 'an OCN/LATA row needs both ocn and lata', column: 'lata' },
      { line: 7, reason: 'an OCN/LATA row needs both ocn and lata', column: 'ocn' },
      { line: 8, reason: 'give ocn and lata, or a prefix or npanxx, not both', column: 'ocn' },
      { line: 9, reason: 'duplicate of line 2 (same ocn/lata and effective_date)', column: 'ocn' },
      { line: 10, reason: 'a NANP row needs interstate and intrastate rates (or one rate)', column: 'interstate' },
    ]);
    const sellOcn = await uploadDeck(server.app, admin, '/admin/rates/import', 'ocn,lata,rate,effective_date\n9104,132,0.01,2026-01-01\n', {
      rate_plan: 'ocn-sell',
    });
    expect(sellOcn.body.data.rejected).toEqual([
      { line: 2, reason: 'OCN/LATA rows belong in provider decks (ocn_lata providers), not sell decks', column: 'ocn' },
    ]);
    expectError(await uploadDeck(server.app, admin, url, 'ocn,interstate,intrastate\n9104,0.1,0.1\n'), 422);

    // The reference table names the OCN/LATA of each NPA-NXX (a LERG-derived import).
    const now = new Date().toISOString();
    await server.ctx.db
      .insertInto('npanxx_reference')
      .values([
        { npanxx: '212557', state: 'NY', rate_center: 'NWYRCYZN01', ocn: '9104', lata: '132', updated_at: now },
        { npanxx: '201557', state: 'NJ', rate_center: 'HACKENSACK', ocn: '0A6B', lata: '224', updated_at: now },
      ])
      .execute();
    const good =
      'ocn,lata,npanxx,interstate,intrastate,indeterminate,effective_date\n9104,132,,0.003,0.0025,0.003,2026-01-01\n0a6b,224,,0.004,0.004,0.004,2026-01-01\n,,212557,0.009,0.009,0.009,2026-01-01\n';
    const first = await uploadDeck(server.app, admin, url, good);
    expect(first.body.data).toMatchObject({ activated: true, accepted: 3, diff: { new: 3 } });
    const listed = (await admin.get(`/admin/rates?provider_id=${olata.id}&effective_date=2026-07-01`)).body.data as Record<string, unknown>[];
    expect(listed.map((r) => [r.ocn, r.lata, r.npanxx, r.prefix, r.interstate]).sort()).toEqual([
      [null, null, '212557', null, '0.009'],
      ['0A6B', '224', null, null, '0.004'],
      ['9104', '132', null, null, '0.003'],
    ]);
    const again = await uploadDeck(server.app, admin, url, good.replace('0a6b,224,,0.004', '0A6B,224,,0.005'));
    expect(again.body.data).toMatchObject({ activated: true, diff: { new: 0, increased: 1, unchanged: 2, removed: 0 } });

    const carrier = await createTestCustomer(server, 'OCN Carrier');
    await uploadDeck(server.app, admin, '/admin/rates/import', 'prefix,interstate,intrastate,indeterminate,effective_date\n1,0.01,0.01,0.01,2026-01-01\n', {
      rate_plan: 'ocn-retail',
    });
    await admin.patch(`/admin/customers/${carrier.id}`, { rate_plan: 'ocn-retail' });
    const part = await admin.post('/admin/partitions', { name: 'OCN', providers: [{ provider_id: olata.id }] });
    const trunk = (await carrier.users.customer_admin.api.post('/trunks', { name: 'OCN', allowed_ips: ['192.0.2.11'], allowed_destinations: ['domestic'] }))
      .body.data;
    await admin.post(`/admin/trunks/${trunk.id}/partition`, { partition_id: part.body.data.id });
    const simulate = async (dni: string) => (await admin.post('/admin/routing/simulate', { trunk_id: trunk.id, ani: '+12125570000', dni })).body.data;
    // Not ported (the Telique sandbox answers the number itself): 212557's OCN/LATA; the caller's rate centre, so local (no local column: intrastate's rate).
    expect((await simulate('2125570000')).routes).toMatchObject([
      { provider_name: 'Olata', cost_rate: '0.002500', rate_key: 'OCN/LATA 9104/132', jurisdiction: 'local' },
    ]);
    // Ported to an NJ LRN: the LRN's OCN/LATA (0A6B/224), interstate from a NY caller.
    telique.table.set('2125570001', { lrn: '2015570000', spid: '0A6B' });
    expect((await simulate('2125570001')).routes).toMatchObject([
      { provider_name: 'Olata', cost_rate: '0.005000', rate_key: 'OCN/LATA 0A6B/224', jurisdiction: 'interstate' },
    ]);
    // An NPA-NXX whose reference has no OCN/LATA (the default table's 212555): its NPA-NXX row; none at all: no route.
    await uploadDeck(server.app, admin, url, `${good},,212555,0.008,0.008,0.008,2026-01-01\n`);
    expect((await simulate('2125550000')).routes[0]).toMatchObject({ cost_rate: '0.008000', rate_key: 'prefix 1212555' });
    expect(await simulate('2125560000')).toMatchObject({ decision: 'reject', reason_code: 'NO_ROUTE' });
  });
});
