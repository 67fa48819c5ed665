import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';

import {
  decide,
  decimalToMicros,
  type ExclusionSnap,
  fromMicros,
  matchesPattern,
  normalizeNumber,
  type OverrideSnap,
  prefixesOf,
  type RouteRequest,
  toMicros,
} from '../src/modules/routing/engine/index.js';
import { CUSTOMER_ID, provider, type RateInput, seeded, snapshot, type SnapshotInput, TRUNK_ID } from './support/routing.js';

/* The route engine on hand-built decks: no database, no HTTP. */

const AT = Date.parse('2026-07-01T12:00:00Z');
const NY_ANI = '+12125560000';
const NY_DNI = '+12125551234';
const run = (input: SnapshotInput, req: Partial<RouteRequest> = {}) =>
  decide(snapshot(input), { trunkId: TRUNK_ID, ani: NY_ANI, dni: NY_DNI, at: AT, rng: seeded(1), ...req });
const members = (...ids: string[]) => ({ members: ids.map((providerId) => ({ providerId, priority: 1, weight: 100 })) });
const flat = (key: string, rate: string) => ({ key, interstate: rate, intrastate: rate, local: rate, indeterminate: rate });

function override(o: Partial<OverrideSnap> & Pick<OverrideSnap, 'action'>): OverrideSnap {
  return {
    id: `ov-${Math.random().toString(36).slice(2, 8)}`,
    customerId: null,
    trunkId: null,
    prefix: '1',
    npanxx: null,
    ocn: null,
    lata: null,
    providerIds: [],
    rate: null,
    timeWindow: null,
    createdAt: '2026-01-01T00:00:00Z',
    ...o,
  };
}
function exclusion(e: Partial<ExclusionSnap>): ExclusionSnap {
  return {
    id: `ex-${Math.random().toString(36).slice(2, 8)}`,
    customerId: null,
    providerId: null,
    prefix: null,
    npanxxPattern: null,
    country: null,
    premium: false,
    expiresAt: null,
    reason: null,
    ...e,
  };
}

describe('numbers', () => {
  it('normalizes tech prefix, +, 011, punctuation and 10-digit NANP, and classifies the zone', () => {
    expect(normalizeNumber('99#12125551234', '99#')).toMatchObject({ digits: '12125551234', zone: 'us', npanxx: '212555' });
    expect(normalizeNumber('(212) 555-1234')).toMatchObject({ digits: '12125551234', zone: 'us' });
    expect(normalizeNumber('01144207946000')).toMatchObject({ digits: '44207946000', zone: 'international' });
    expect(normalizeNumber('+44 20 7946 0000')?.digits).toBe('442079460000');
    expect(normalizeNumber('8005551234')?.zone).toBe('tollfree');
    expect(normalizeNumber('+18335551234')?.zone).toBe('tollfree');
    expect(normalizeNumber('+19005551234')?.zone).toBe('premium');
    expect(normalizeNumber('+12129761234')?.zone).toBe('premium');
    expect(normalizeNumber('411')?.zone).toBe('n11');
    expect(normalizeNumber('+14165551234')).toMatchObject({ zone: 'canada', country: 'CA' });
    expect(normalizeNumber('+18765551234')).toMatchObject({ zone: 'caribbean', country: 'JM' });
    expect(normalizeNumber('+17875551234')).toMatchObject({ zone: 'us', country: 'US' });
    for (const bad of ['', 'abc', '+1212', '+11125551234', '+12121551234', '+12125111234', '0123', '+1911']) expect(normalizeNumber(bad), bad).toBeUndefined();
  });

  it('matches NPA-NXX patterns with N (2-9) and X (0-9) wildcards', () => {
    expect(matchesPattern('900NXX', '9002125555')).toBe(true);
    expect(matchesPattern('900NXX', '9001125555')).toBe(false);
    expect(matchesPattern('8XX', '8885551234')).toBe(true);
    expect(matchesPattern('212N', '2121555123')).toBe(false);
  });
});

describe('money', () => {
  it('integer micro-units print exactly as decimal.js would; validated strings convert exactly without it', () => {
    const r = seeded(9);
    for (let i = 0; i < 50_000; i++) {
      const m = Math.floor(r() * 2e12) - 1e12;
      expect(fromMicros(m)).toBe(new Decimal(m).div(1_000_000).toFixed(6));
    }
    for (const v of ['0', '0.000001', '0.1', '1.5', '999999.999999', '1000000', '0.004000', '12.34']) {
      expect(decimalToMicros(v), v).toBe(toMicros(v));
      expect(fromMicros(decimalToMicros(v))).toBe(new Decimal(v).toFixed(6));
    }
    expect(() => toMicros('0.0000001')).toThrow(RangeError);
    expect(prefixesOf('1212')).toEqual(['1', '12', '121', '1212']);
  });
});

describe('pricing', () => {
  it('takes the longest matching prefix (NPA-NXX rows beat NPA rows beat the country row)', () => {
    const p = provider('a', [flat('1', '0.03'), flat('1212', '0.02'), flat('1212555', '0.004')]);
    const input = { providers: [p], partition: members('a'), sell: [flat('1', '0.05')] };
    expect(run(input).routes[0]).toMatchObject({ cost_rate: '0.004000', rate_key: 'prefix 1212555' });
    expect(run(input, { dni: '+12125571234' }).routes[0]).toMatchObject({ cost_rate: '0.020000', rate_key: 'prefix 1212' });
    expect(run(input, { dni: '+13105551234' }).routes[0]).toMatchObject({ cost_rate: '0.030000', rate_key: 'prefix 1' });
  });

  it('reads the row valid at the instant: effective date inclusive, end date exclusive (UTC midnight)', () => {
    const p = provider('a', [
      { ...flat('1212', '0.010'), from: '2026-01-01', to: '2026-06-01' },
      { ...flat('1212', '0.012'), from: '2026-06-01' },
    ]);
    const input = { providers: [p], partition: members('a'), sell: [flat('1', '0.05')] };
    expect(run(input, { at: Date.parse('2026-05-31T23:59:59.999Z') }).routes[0]?.cost_rate).toBe('0.010000');
    expect(run(input, { at: Date.parse('2026-06-01T00:00:00.000Z') }).routes[0]?.cost_rate).toBe('0.012000');
    expect(run(input, { at: Date.parse('2026-01-01T00:00:00.000Z') }).routes[0]?.cost_rate).toBe('0.010000');
    const before = run(input, { at: Date.parse('2025-12-31T23:59:59Z') });
    expect(before).toMatchObject({ decision: 'reject', reason_code: 'NO_ROUTE' });
    expect(before.trace).toContainEqual(expect.objectContaining({ provider_id: 'a', dropped: 'no_rate' }));
  });

  it('computes margins exactly (no binary float error) and orders by cost', () => {
    const input = {
      providers: [provider('a', [flat('1', '0.010003')]), provider('b', [flat('1', '0.000001')]), provider('c', [flat('1', '0.01')])],
      partition: members('a', 'b', 'c'),
      sell: [flat('1', '0.010004')],
    };
    const d = run(input);
    expect(d.routes.map((r) => [r.provider_id, r.cost_rate, r.margin])).toEqual([
      ['b', '0.000001', '0.010003'],
      ['c', '0.010000', '0.000004'],
      ['a', '0.010003', '0.000001'],
    ]);
    expect(d.sell_rate).toBe('0.010004');
  });

  it('prices LRN providers on the LRN (ported numbers), prefix providers on the dialled digits', () => {
    const input = {
      providers: [
        provider('lrn', [flat('1212555', '0.009'), flat('1201555', '0.001')]),
        provider('dnis', [flat('1212555', '0.002'), flat('1201555', '0.0005')], { type: 'prefix' }),
      ],
      partition: members('lrn', 'dnis'),
    };
    const d = run(input, { lrn: { status: 'found', lrn: '2015550000' } });
    expect(d.lrn).toBe('2015550000');
    expect(d.dni_state).toBe('NJ');
    expect(d.routes.map((r) => [r.provider_id, r.cost_rate, r.jurisdiction])).toEqual([
      ['lrn', '0.001000', 'interstate'],
      ['dnis', '0.002000', 'interstate'],
    ]);
  });

  it('prices OCN/LATA providers on the terminating OCN and LATA, falling back to the NPA-NXX', () => {
    const p = provider('ol', [{ key: '9104:132', interstate: '0.003', intrastate: '0.0025' }, flat('1310555', '0.006')], { type: 'ocn_lata' });
    expect(run({ providers: [p], partition: members('ol') }).routes[0]).toMatchObject({ cost_rate: '0.002500', rate_key: 'OCN/LATA 9104/132' });
    expect(run({ providers: [p], partition: members('ol') }, { dni: '+13105551234' }).routes[0]).toMatchObject({
      cost_rate: '0.006000',
      rate_key: 'prefix 1310555',
    });
  });

  it("prices an OCN/LATA provider on the LRN's OCN/LATA (a ported number), on the row valid at the instant; an LRN provider ignores OCN/LATA rows", () => {
    const rows = [
      { key: '9104:132', interstate: '0.003', intrastate: '0.0025' },
      { key: '9102:224', interstate: '0.004', intrastate: '0.004', to: '2026-06-01' },
      { key: '9102:224', interstate: '0.0045', intrastate: '0.0045', from: '2026-06-01' },
      flat('1212555', '0.009'),
      flat('1201555', '0.008'),
    ];
    const input = { providers: [provider('ol', rows, { type: 'ocn_lata' }), provider('lrn', rows)], partition: members('ol', 'lrn') };
    // 212-555-1234 (OCN 9104, LATA 132) ported to an NJ LRN (201555: OCN 9102, LATA 224).
    const ported = run(input, { lrn: { status: 'found', lrn: '2015550000' } });
    expect(ported.routes.map((r) => [r.provider_id, r.cost_rate, r.rate_key])).toEqual([
      ['ol', '0.004500', 'OCN/LATA 9102/224'],
      ['lrn', '0.008000', 'prefix 1201555'],
    ]);
    const before = run(input, { lrn: { status: 'found', lrn: '2015550000' }, at: Date.parse('2026-05-31T23:00:00Z') });
    expect(before.routes[0]).toMatchObject({ provider_id: 'ol', cost_rate: '0.004000', rate_key: 'OCN/LATA 9102/224' });
    expect(run(input, { lrn: { status: 'not_found' } }).routes[0]).toMatchObject({ provider_id: 'ol', cost_rate: '0.002500', rate_key: 'OCN/LATA 9104/132' });
    // 512555 has an OCN/LATA in the reference but no row for it; 900555 none at all: the NPA-NXX rows price them.
    const fallback = provider('ol', [...rows, flat('1512555', '0.007'), flat('1900555', '0.011')], { type: 'ocn_lata' });
    expect(run({ providers: [fallback], partition: members('ol') }, { dni: '+15125551234' }).routes[0]).toMatchObject({
      cost_rate: '0.007000',
      rate_key: 'prefix 1512555',
    });
    const premium = run({ providers: [fallback], partition: members('ol'), sell: [flat('1', '0.05')] }, { dni: '+19005551234' });
    expect(premium.routes[0]).toMatchObject({ cost_rate: '0.011000', rate_key: 'prefix 1900555' });
  });
});

describe('jurisdiction', () => {
  const rows: RateInput[] = [{ key: '1', interstate: '0.010', intrastate: '0.008', local: '0.005', indeterminate: '0.009' }];
  const noIndet: RateInput[] = [{ key: '1', interstate: '0.010', intrastate: '0.008' }];
  const one = (extra = {}, r = rows) => ({ providers: [provider('a', r, extra)], partition: members('a'), sell: [flat('1', '0.05')] });

  it('same state is intrastate, same rate centre local, different states interstate', () => {
    expect(run(one(), { ani: '+17185550000' }).routes[0]).toMatchObject({ jurisdiction: 'intrastate', cost_rate: '0.008000' });
    expect(run(one(), { ani: NY_ANI }).routes[0]).toMatchObject({ jurisdiction: 'local', cost_rate: '0.005000' });
    const inter = run(one(), { ani: '+13105550000' });
    expect(inter.routes[0]).toMatchObject({ jurisdiction: 'interstate', cost_rate: '0.010000' });
    expect(inter).toMatchObject({ ani_state: 'CA', dni_state: 'NY' });
    expect(inter.trace).toContainEqual({ step: 'jurisdiction', detail: 'interstate: ANI CA → NY' });
  });

  it('the LRN, not the dialled number, gives the terminating state', () => {
    const d = run(one(), { ani: '+17185550000', lrn: { status: 'found', lrn: '2015550000' } });
    expect(d.routes[0]).toMatchObject({ jurisdiction: 'interstate' });
  });

  it("no ANI, non-NANP ANI or an ANI without a known state is indeterminate, priced at the row's indeterminate rate", () => {
    for (const ani of ['', '+442079460000', 'anonymous', '+16045550000', '+18005550000']) {
      const d = run(one(), { ani });
      expect(d.routes[0], ani).toMatchObject({ jurisdiction: 'indeterminate', cost_rate: '0.009000' });
      expect(d.trace.find((t) => t.step === 'jurisdiction')?.detail, ani).toMatch(/^indeterminate: /);
    }
  });

  it("without an indeterminate rate the provider's IJ policy decides: interstate, intrastate, or POI", () => {
    expect(run(one({ jurisdictionPolicy: 'interstate' }, noIndet), { ani: '' }).routes[0]).toMatchObject({ jurisdiction: 'interstate', cost_rate: '0.010000' });
    expect(run(one({ jurisdictionPolicy: 'intrastate' }, noIndet), { ani: '' }).routes[0]).toMatchObject({ jurisdiction: 'intrastate', cost_rate: '0.008000' });
    // POI in the terminating state: intrastate; elsewhere: interstate.
    const poiNy = run(one({ jurisdictionPolicy: 'poi', poiState: 'NY' }, noIndet), { ani: '+442079460000' });
    expect(poiNy.routes[0]).toMatchObject({ jurisdiction: 'intrastate', cost_rate: '0.008000', rate_key: 'prefix 1, IJ policy poi' });
    expect(run(one({ jurisdictionPolicy: 'poi', poiState: 'TX' }, noIndet), { ani: '' }).routes[0]).toMatchObject({
      jurisdiction: 'interstate',
      cost_rate: '0.010000',
    });
    // A known ANI is not indeterminate: the policy does not apply.
    expect(run(one({ jurisdictionPolicy: 'interstate' }, noIndet), { ani: '+17185550000' }).routes[0]).toMatchObject({ jurisdiction: 'intrastate' });
  });

  it('the sell side prices an indeterminate call at the higher of inter/intra when its row has no indeterminate rate', () => {
    const d = run(
      { providers: [provider('a', [flat('1', '0.001')])], partition: members('a'), sell: [{ key: '1', interstate: '0.011', intrastate: '0.013' }] },
      { ani: '' },
    );
    expect(d.sell_rate).toBe('0.013000');
  });
});

describe('LRN failure policy', () => {
  const input = (policy: 'block' | 'dialled') => ({
    providers: [provider('a', [flat('1212555', '0.004')])],
    partition: members('a'),
    lrnFailurePolicy: policy,
  });
  it('block refuses with LRN_LOOKUP_FAILED; dialled routes on the dialled NPA-NXX and says so', () => {
    expect(run(input('block'), { lrn: { status: 'failed', error: 'timeout' } })).toMatchObject({ decision: 'reject', reason_code: 'LRN_LOOKUP_FAILED' });
    const d = run(input('dialled'), { lrn: { status: 'failed', error: 'timeout' } });
    expect(d).toMatchObject({ decision: 'route', lrn: null });
    expect(d.trace).toContainEqual({ step: 'lrn', detail: 'dip failed (timeout); policy: route on the dialled NPA-NXX 212555' });
    // Toll-free and international numbers are never dipped, so a failure does not matter to them.
    expect(
      run(
        { ...input('block'), providers: [provider('a', [{ key: '44', rate: '0.01' }], { type: 'international' })] },
        { dni: '+442079460000', lrn: { status: 'failed', error: 'x' } },
      ).decision,
    ).toBe('route');
  });
});

describe('pre-checks', () => {
  const base = {
    providers: [
      provider('a', [flat('1', '0.001'), { key: '44', rate: '0.01' }, { key: '1800', rate: '0.001' }, { key: '1876', rate: '0.1' }], { type: 'prefix' }),
    ],
    partition: members('a'),
  };
  it('trunk and customer status, direction, destination classes, blocked prefixes, N11 and bad numbers', () => {
    expect(run({ ...base, trunk: { status: 'suspended' } }).reason_code).toBe('TRUNK_DISABLED');
    expect(run({ ...base, trunk: { status: 'inactive' } }).reason_code).toBe('TRUNK_DISABLED');
    expect(run({ ...base, trunk: { direction: 'inbound' } }).reason_code).toBe('TRUNK_DISABLED');
    expect(run({ ...base, trunk: { status: 'testing' } }).decision).toBe('route');
    expect(run({ ...base, customer: { status: 'suspended' } }).reason_code).toBe('CUSTOMER_SUSPENDED');
    expect(run(base, { trunkId: 'nope' }).reason_code).toBe('TRUNK_DISABLED');
    const domesticOnly = { ...base, trunk: { allowedDestinations: new Set(['domestic']) } };
    expect(run(domesticOnly, { dni: '+442079460000' }).reason_code).toBe('DESTINATION_NOT_ALLOWED');
    expect(run(domesticOnly, { dni: '+18765551234' }).reason_code).toBe('DESTINATION_NOT_ALLOWED');
    expect(run(domesticOnly, { dni: '+18005551234' }).reason_code).toBe('DESTINATION_NOT_ALLOWED');
    expect(run(domesticOnly, { dni: '+19005551234' }).reason_code).toBe('DESTINATION_NOT_ALLOWED');
    expect(run(base, { dni: '911' }).reason_code).toBe('DESTINATION_NOT_ALLOWED');
    expect(run({ ...base, trunk: { blockedPrefixes: ['+1212'] } }).reason_code).toBe('DESTINATION_BLOCKED');
    expect(run(base, { dni: '12345' }).reason_code).toBe('INVALID_NUMBER');
    expect(run({ ...base, trunk: { techPrefix: '77#' } }, { dni: '77#2125551234' }).normalized).toBe('+12125551234');
  });

  it('a destination without a sell rate is refused (the call could not be billed)', () => {
    const d = run({ ...base, sell: [flat('1310', '0.05')] });
    expect(d).toMatchObject({ decision: 'reject', reason_code: 'RATE_NOT_FOUND' });
  });

  it('provider type must fit the zone, and the caller class must be accepted', () => {
    const input = {
      providers: [
        provider('tf', [{ key: '1', rate: '0.001' }], { type: 'tollfree' }),
        provider('intl', [{ key: '1', rate: '0.001' }], { type: 'international' }),
        provider('dom', [{ key: '1', rate: '0.002' }], { aniClasses: new Set(['domestic']) }),
        provider('anyone', [{ key: '1', rate: '0.003' }]),
      ],
      partition: members('tf', 'intl', 'dom', 'anyone'),
    };
    expect(run(input).routes.map((r) => r.provider_id)).toEqual(['dom', 'anyone']);
    const intlCaller = run(input, { ani: '+442079460000' });
    expect(intlCaller.routes.map((r) => r.provider_id)).toEqual(['anyone']);
    expect(intlCaller.trace).toContainEqual(expect.objectContaining({ provider_id: 'dom', dropped: 'ani_class' }));
    expect(intlCaller.trace).toContainEqual(expect.objectContaining({ provider_id: 'tf', dropped: 'unfit' }));
  });
});

describe('overrides', () => {
  const providers = [
    provider('a', [flat('1', '0.001')]),
    provider('b', [flat('1', '0.002')]),
    provider('c', [flat('1', '0.003')]),
    provider('x', [flat('1', '0.004')]),
  ];
  const input = (overrides: OverrideSnap[]) => ({ providers, partition: members('a', 'b', 'c'), overrides });

  it('force_providers: trunk beats customer beats global; forced come first in their order, LCR follows as backup', () => {
    const global = override({ action: 'force_providers', providerIds: ['c'] });
    const cust = override({ action: 'force_providers', customerId: CUSTOMER_ID, providerIds: ['b'] });
    const trunk = override({ action: 'force_providers', trunkId: TRUNK_ID, providerIds: ['x', 'c'] });
    const order = (o: OverrideSnap[]) => run(input(o)).routes.map((r) => r.provider_id);
    expect(order([])).toEqual(['a', 'b', 'c']);
    expect(order([global])).toEqual(['c', 'a', 'b']);
    expect(order([global, cust])).toEqual(['b', 'a', 'c']);
    expect(order([global, cust, trunk])).toEqual(['x', 'c', 'a', 'b']);
    const d = run(input([global, cust, trunk]));
    expect(d.routes[0]).toMatchObject({ forced: true });
    expect(d.trace).toContainEqual({ step: 'override', detail: expect.stringContaining(`${trunk.id} (trunk ${TRUNK_ID}, prefix 1): force x, c`) });
    // Another customer's or another trunk's overrides do not apply.
    expect(
      order([
        override({ action: 'force_providers', customerId: 'other', providerIds: ['c'] }),
        override({ action: 'force_providers', trunkId: 'other', providerIds: ['b'] }),
      ]),
    ).toEqual(['a', 'b', 'c']);
  });

  it('within one scope the most specific match wins (NPA-NXX over a shorter prefix)', () => {
    const wide = override({ action: 'force_providers', prefix: '1', providerIds: ['c'] });
    const narrow = override({ action: 'force_providers', prefix: null, npanxx: '212555', providerIds: ['b'] });
    expect(run(input([wide, narrow])).routes[0]?.provider_id).toBe('b');
    expect(run(input([wide, narrow]), { dni: '+13105551234' }).routes[0]?.provider_id).toBe('c');
  });

  it('sell_rate and rate_ceiling overrides set the price and the margin guard', () => {
    const sell = override({ action: 'sell_rate', customerId: CUSTOMER_ID, rate: 2500 });
    const d = run(input([sell]));
    expect(d.sell_rate).toBe('0.002500');
    expect(d.routes.map((r) => r.provider_id)).toEqual(['a', 'b']);
    expect(d.trace).toContainEqual(expect.objectContaining({ provider_id: 'c', dropped: 'ceiling' }));
    const ceiling = override({ action: 'rate_ceiling', trunkId: TRUNK_ID, rate: 1500 });
    expect(run(input([sell, ceiling])).routes.map((r) => r.provider_id)).toEqual(['a']);
  });

  it('an override with a time window applies only inside it (in its time zone)', () => {
    const win = { days: ['wed' as const], start: '08:00', end: '09:00', timezone: 'America/New_York' };
    const o = override({ action: 'force_providers', providerIds: ['c'], timeWindow: win });
    // 2026-07-01 is a Wednesday; 12:30Z = 08:30 in New York (EDT).
    expect(run(input([o]), { at: Date.parse('2026-07-01T12:30:00Z') }).routes[0]?.provider_id).toBe('c');
    expect(run(input([o]), { at: Date.parse('2026-07-01T13:30:00Z') }).routes[0]?.provider_id).toBe('a');
  });
});

describe('exclusions', () => {
  const providers = [
    provider('a', [flat('1', '0.001'), { key: '44', rate: '0.01' }], { type: 'prefix' }),
    provider('b', [flat('1', '0.002'), { key: '44', rate: '0.02' }], { type: 'prefix' }),
  ];
  const input = (exclusions: ExclusionSnap[]) => ({
    providers,
    partition: members('a', 'b'),
    exclusions,
    sell: [flat('1', '0.05'), { key: '44', rate: '0.05' }],
  });

  it('remove a provider for the customer or everywhere; all removed is ALL_PROVIDERS_EXCLUDED', () => {
    expect(run(input([exclusion({ providerId: 'a', customerId: CUSTOMER_ID, reason: 'QUALITY' })])).routes.map((r) => r.provider_id)).toEqual(['b']);
    expect(run(input([exclusion({ providerId: 'a', customerId: 'someone-else' })])).routes.map((r) => r.provider_id)).toEqual(['a', 'b']);
    const all = run(input([exclusion({ providerId: 'a' }), exclusion({ providerId: 'b', customerId: CUSTOMER_ID })]));
    expect(all).toMatchObject({ decision: 'reject', reason_code: 'ALL_PROVIDERS_EXCLUDED' });
    expect(all.trace.filter((t) => t.dropped === 'excluded')).toHaveLength(2);
  });

  it('block destinations by prefix, N/X pattern, country and premium; expired exclusions no longer apply', () => {
    const blocked = (e: Partial<ExclusionSnap>, dni = NY_DNI) => run(input([exclusion(e)]), { dni }).reason_code;
    expect(blocked({ prefix: '1212' })).toBe('DESTINATION_BLOCKED');
    expect(blocked({ prefix: '1213' })).toBeNull();
    expect(blocked({ npanxxPattern: '212NXX' })).toBe('DESTINATION_BLOCKED');
    expect(blocked({ npanxxPattern: 'N1X5' })).toBe('DESTINATION_BLOCKED');
    expect(blocked({ npanxxPattern: '2125N6' })).toBeNull();
    expect(blocked({ country: 'GB' }, '+442079460000')).toBe('DESTINATION_BLOCKED');
    expect(blocked({ country: 'GB' })).toBeNull();
    expect(blocked({ country: 'US' })).toBe('DESTINATION_BLOCKED');
    expect(blocked({ premium: true }, '+19005551234')).toBe('DESTINATION_BLOCKED');
    expect(blocked({ premium: true, customerId: 'other' }, '+19005551234')).not.toBe('DESTINATION_BLOCKED');
    expect(blocked({ prefix: '1212', expiresAt: AT })).toBeNull();
    expect(blocked({ prefix: '1212', expiresAt: AT + 1 })).toBe('DESTINATION_BLOCKED');
    expect(blocked({ providerId: 'a', expiresAt: AT - 1 })).toBeNull();
  });
});

describe('margin guard and capacity', () => {
  it('drops providers above the sell rate; none left is MARGIN_GUARD; a customer allowed to lose keeps them', () => {
    const input = {
      providers: [provider('a', [flat('1', '0.06')]), provider('b', [flat('1', '0.04')])],
      partition: members('a', 'b'),
      sell: [flat('1', '0.05')],
    };
    const d = run(input);
    expect(d.routes.map((r) => r.provider_id)).toEqual(['b']);
    expect(d.trace).toContainEqual({
      step: 'candidate',
      detail: 'A: cost 0.060000 (prefix 1, local) above the ceiling 0.050000',
      provider_id: 'a',
      dropped: 'ceiling',
    });
    // A cost equal to the sell rate is no loss.
    expect(run({ ...input, sell: [flat('1', '0.04')] }).routes.map((r) => r.provider_id)).toEqual(['b']);
    expect(run({ ...input, sell: [flat('1', '0.01')] })).toMatchObject({ decision: 'reject', reason_code: 'MARGIN_GUARD' });
    const loss = run({ ...input, sell: [flat('1', '0.01')], customer: { allowLoss: true } });
    expect(loss.routes.map((r) => [r.provider_id, r.margin])).toEqual([
      ['b', '-0.030000'],
      ['a', '-0.050000'],
    ]);
  });

  it('skips providers at their channel or CPS limit', () => {
    const input = {
      providers: [provider('a', [flat('1', '0.001')], { maxChannels: 10 }), provider('b', [flat('1', '0.002')], { maxCps: 5 })],
      partition: members('a', 'b'),
    };
    const load = (busy: Record<string, { channels: number; cps: number }>) => (id: string) => busy[id];
    expect(run(input, { load: load({ a: { channels: 9, cps: 100 } }) }).routes.map((r) => r.provider_id)).toEqual(['a', 'b']);
    expect(run(input, { load: load({ a: { channels: 10, cps: 0 } }) }).routes.map((r) => r.provider_id)).toEqual(['b']);
    expect(run(input, { load: load({ a: { channels: 10, cps: 0 }, b: { channels: 0, cps: 5 } }) })).toMatchObject({
      decision: 'reject',
      reason_code: 'CAPACITY_EXCEEDED',
    });
  });
});

describe('ordering', () => {
  it('equal cost: lower partition priority first, then weighted random within tolerance over many draws', () => {
    const providers = ['a', 'b', 'c'].map((id) => provider(id, [flat('1', '0.002')]));
    const partition = {
      members: [
        { providerId: 'a', priority: 1, weight: 100 },
        { providerId: 'b', priority: 1, weight: 300 },
        { providerId: 'c', priority: 2, weight: 1000 },
      ],
    };
    const rng = seeded(42);
    const firsts = { a: 0, b: 0, c: 0 } as Record<string, number>;
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const d = run({ providers, partition }, { rng });
      firsts[d.routes[0]!.provider_id]!++;
      expect(d.routes[2]!.provider_id).toBe('c');
    }
    expect(firsts.c).toBe(0);
    // P(b first) = 300 / 400 = 0.75; 20,000 draws put 4 standard deviations at ±0.012.
    expect(Math.abs(firsts.b! / draws - 0.75)).toBeLessThan(0.012);
  });

  it('a cheaper provider always beats priority and weight; top N are returned with dial strings', () => {
    const providers = [
      provider('a', [flat('1', '0.003')], {
        gateways: [{ host: 'a1.example', port: 5080, transport: 'tcp', priority: 1, weight: 1 }],
        techPrefix: '123#',
        dialStringTemplate: 'sip:{tech_prefix}{dni}@{host}:{port};transport={transport}',
      }),
      provider('b', [flat('1', '0.002')], {
        gateways: [{ host: '198.51.100.7', port: 5060, transport: 'udp', priority: 1, weight: 1 }],
        dialStringTemplate: 'sip:{e164}@{host}',
      }),
      provider('c', [flat('1', '0.001')]),
    ];
    const partition = {
      members: [
        { providerId: 'a', priority: 1, weight: 1000 },
        { providerId: 'b', priority: 5, weight: 1 },
        { providerId: 'c', priority: 9, weight: 1 },
      ],
    };
    const d = decide(snapshot({ providers, partition }), { trunkId: TRUNK_ID, ani: NY_ANI, dni: NY_DNI, at: AT, maxRoutes: 2 });
    expect(d.routes.map((r) => [r.provider_id, r.dial_string])).toEqual([
      ['c', 'sip:12125551234@gw.c.example:5060;transport=udp'],
      ['b', 'sip:+12125551234@198.51.100.7'],
    ]);
    expect(d.trace.at(-1)).toEqual({ step: 'order', detail: '1. C 0.001000, 2. B 0.002000 (1 more not returned)' });
    const all = decide(snapshot({ providers, partition }), { trunkId: TRUNK_ID, ani: NY_ANI, dni: NY_DNI, at: AT });
    expect(all.routes[2]?.dial_string).toBe('sip:123#12125551234@a1.example:5080;transport=tcp');
  });

  it('partition members outside their time window are skipped; disabled providers too', () => {
    const providers = [
      provider('a', [flat('1', '0.001')]),
      provider('b', [flat('1', '0.002')]),
      provider('off', [flat('1', '0.0001')], { status: 'disabled' }),
    ];
    const partition = {
      members: [
        { providerId: 'a', priority: 1, weight: 1, timeWindows: [{ days: ['mon' as const, 'tue' as const], start: '00:00', end: '23:59', timezone: 'UTC' }] },
        { providerId: 'b', priority: 1, weight: 1 },
        { providerId: 'off', priority: 1, weight: 1 },
      ],
    };
    const d = run({ providers, partition });
    expect(d.routes.map((r) => r.provider_id)).toEqual(['b']);
    expect(d.trace.filter((t) => t.dropped).map((t) => [t.provider_id, t.dropped])).toEqual([
      ['a', 'window'],
      ['off', 'disabled'],
    ]);
  });
});

describe('partition time windows', () => {
  type Day = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
  /** Is the windowed member 'w' among the routes at `iso`? ('all' is always there, so the call routes either way.) */
  const open = (days: Day[], start: string, end: string, iso: string, timezone = 'America/New_York') => {
    const providers = [provider('w', [flat('1', '0.001')]), provider('all', [flat('1', '0.002')])];
    const partition = {
      members: [
        { providerId: 'w', priority: 1, weight: 1, timeWindows: [{ days, start, end, timezone }] },
        { providerId: 'all', priority: 1, weight: 1 },
      ],
    };
    const d = run({ providers, partition }, { at: Date.parse(iso) });
    expect(d.decision).toBe('route');
    const inside = d.routes.some((r) => r.provider_id === 'w');
    if (!inside) expect(d.trace).toContainEqual({ step: 'candidate', detail: 'W: outside its partition time window', provider_id: 'w', dropped: 'window' });
    return inside;
  };
  const weekdays: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

  it('a window is read in its time zone: start inclusive, end exclusive, only on its days', () => {
    // Wednesday 2026-07-01, New York on EDT (UTC-4).
    expect(open(weekdays, '09:00', '17:00', '2026-07-01T13:00:00Z')).toBe(true); // 09:00
    expect(open(weekdays, '09:00', '17:00', '2026-07-01T12:59:59Z')).toBe(false); // 08:59:59
    expect(open(weekdays, '09:00', '17:00', '2026-07-01T20:59:00Z')).toBe(true); // 16:59
    expect(open(weekdays, '09:00', '17:00', '2026-07-01T21:00:00Z')).toBe(false); // 17:00
    expect(open(weekdays, '09:00', '17:00', '2026-07-04T15:00:00Z')).toBe(false); // Saturday 11:00
    // 02:00 UTC Thursday is still Wednesday 22:00 in New York: the zone's day, not UTC's.
    expect(open(['wed'], '21:00', '23:00', '2026-07-02T02:00:00Z')).toBe(true);
    expect(open(['thu'], '21:00', '23:00', '2026-07-02T02:00:00Z')).toBe(false);
    expect(open(['thu'], '00:00', '01:00', '2026-07-02T04:30:00Z')).toBe(true); // Thursday 00:30
    expect(open(['wed'], '09:00', '12:00', '2026-07-01T13:00:00Z')).toBe(true); // 09:00 in New York…
    expect(open(['wed'], '09:00', '12:00', '2026-07-01T13:00:00Z', 'UTC')).toBe(false); // …13:00 in UTC
  });

  it('an overnight window (end before start) runs across midnight; its early hours belong to the day it started', () => {
    // Friday 22:00 → Saturday 06:00, New York.
    expect(open(['fri'], '22:00', '06:00', '2026-07-04T02:30:00Z')).toBe(true); // Friday 22:30
    expect(open(['fri'], '22:00', '06:00', '2026-07-04T09:59:00Z')).toBe(true); // Saturday 05:59
    expect(open(['fri'], '22:00', '06:00', '2026-07-04T10:00:00Z')).toBe(false); // Saturday 06:00
    expect(open(['fri'], '22:00', '06:00', '2026-07-05T02:30:00Z')).toBe(false); // Saturday 22:30: not a Friday night
    expect(open(['fri'], '22:00', '06:00', '2026-07-03T09:00:00Z')).toBe(false); // Friday 05:00: Thursday's night
    expect(open(['sun'], '22:00', '06:00', '2026-07-06T04:00:00Z')).toBe(true); // Monday 00:00 after Sunday (the week wraps)
  });

  it('follows daylight saving time in America/New_York (March and November 2026)', () => {
    // 09:00-17:00 on weekdays: 14:00 UTC is 09:00 EST on Friday 6 March, 10:00 EDT on Monday 9 March.
    expect(open(weekdays, '09:00', '17:00', '2026-03-06T13:30:00Z')).toBe(false); // 08:30 EST
    expect(open(weekdays, '09:00', '17:00', '2026-03-06T14:00:00Z')).toBe(true); // 09:00 EST
    expect(open(weekdays, '09:00', '17:00', '2026-03-09T13:00:00Z')).toBe(true); // 09:00 EDT
    expect(open(weekdays, '09:00', '17:00', '2026-03-09T12:59:00Z')).toBe(false); // 08:59 EDT
    expect(open(weekdays, '09:00', '17:00', '2026-03-09T21:00:00Z')).toBe(false); // 17:00 EDT
    // Sunday 8 March: clocks go from 02:00 EST to 03:00 EDT (07:00 UTC).
    expect(open(['sun'], '01:00', '03:00', '2026-03-08T06:59:00Z')).toBe(true); // 01:59 EST
    expect(open(['sun'], '01:00', '03:00', '2026-03-08T07:00:00Z')).toBe(false); // 03:00 EDT
    // Sunday 1 November: 01:00-02:00 happens twice (EDT, then EST); both are inside.
    expect(open(['sun'], '01:00', '02:00', '2026-11-01T05:30:00Z')).toBe(true); // 01:30 EDT
    expect(open(['sun'], '01:00', '02:00', '2026-11-01T06:30:00Z')).toBe(true); // 01:30 EST
    expect(open(['sun'], '01:00', '02:00', '2026-11-01T07:00:00Z')).toBe(false); // 02:00 EST
    // An overnight window across the change: Saturday 22:00 → Sunday 06:00 lasts 9 hours in November.
    expect(open(['sat'], '22:00', '06:00', '2026-11-01T10:59:00Z')).toBe(true); // Sunday 05:59 EST
    expect(open(['sat'], '22:00', '06:00', '2026-11-01T11:00:00Z')).toBe(false); // Sunday 06:00 EST
  });

  it('a member with several windows is open in any of them; start = end is the whole day', () => {
    const providers = [provider('w', [flat('1', '0.001')])];
    const windows = [
      { days: ['mon' as const], start: '09:00', end: '12:00', timezone: 'Europe/London' },
      { days: ['mon' as const], start: '14:00', end: '18:00', timezone: 'America/Los_Angeles' },
    ];
    const at = (iso: string) =>
      run({ providers, partition: { members: [{ providerId: 'w', priority: 1, weight: 1, timeWindows: windows }] } }, { at: Date.parse(iso) });
    expect(at('2026-07-06T08:30:00Z').decision).toBe('route'); // 09:30 BST
    expect(at('2026-07-06T12:00:00Z').decision).toBe('reject'); // 13:00 BST, 05:00 PDT
    expect(at('2026-07-06T21:00:00Z').decision).toBe('route'); // 14:00 PDT
    expect(open(['wed'], '00:00', '00:00', '2026-07-02T03:59:00Z')).toBe(true); // Wednesday 23:59
    expect(open(['wed'], '00:00', '00:00', '2026-07-01T04:00:00Z')).toBe(true); // Wednesday 00:00
    expect(open(['wed'], '00:00', '00:00', '2026-07-02T04:00:00Z')).toBe(false); // Thursday 00:00
  });
});

describe('the trace', () => {
  it('names every rule that fired and every dropped candidate with its reason, in order', () => {
    const providers = [
      provider('cheap', [flat('1', '0.001')], { aniClasses: new Set(['international']) }),
      provider('ok', [flat('1', '0.004')]),
      provider('dear', [flat('1', '0.09')]),
      provider('ex', [flat('1', '0.002')]),
      provider('norate', [flat('44', '0.01')]),
    ];
    const d = run(
      { providers, partition: members('cheap', 'ok', 'dear', 'ex', 'norate'), exclusions: [exclusion({ id: 'ex-1', providerId: 'ex', reason: 'DISPUTE' })] },
      { ani: '+13105550000', lrn: { status: 'not_found' } },
    );
    expect(d.trace.map((t) => t.step)).toEqual([
      'precheck',
      'normalize',
      'lrn',
      'jurisdiction',
      'sell_rate',
      'ceiling',
      'partition',
      'candidate',
      'candidate',
      'candidate',
      'candidate',
      'candidate',
      'order',
    ]);
    expect(d.trace.filter((t) => t.dropped)).toEqual([
      { step: 'candidate', detail: 'CHEAP: does not accept domestic callers', provider_id: 'cheap', dropped: 'ani_class' },
      { step: 'candidate', detail: 'DEAR: cost 0.090000 (prefix 1, interstate) above the ceiling 0.020000', provider_id: 'dear', dropped: 'ceiling' },
      { step: 'candidate', detail: 'EX: global exclusion ex-1 (DISPUTE)', provider_id: 'ex', dropped: 'excluded' },
      { step: 'candidate', detail: 'NORATE: no rate for +12125551234', provider_id: 'norate', dropped: 'no_rate' },
    ]);
    expect(d.trace.find((t) => t.step === 'normalize')?.detail).toBe('+12125551234 → +12125551234: zone us, class domestic, NPA-NXX 212555');
    expect(d).toMatchObject({ decision: 'route', reason_code: null, zone: 'us', ani_state: 'CA', dni_state: 'NY' });
  });

  it('is built when first read (the call path never pays for its strings), then stays the same array; JSON and spreads carry it', () => {
    const providers = [provider('a', [flat('1', '0.001')]), provider('b', [flat('1', '0.09')])];
    const d = run({ providers, partition: members('a', 'b') });
    expect(Object.getOwnPropertyDescriptor(d, 'trace')?.get).toBeTypeOf('function');
    expect(Object.keys(d).at(-1)).toBe('trace');
    const json = JSON.parse(JSON.stringify(d)) as typeof d;
    expect(Object.getOwnPropertyDescriptor(d, 'trace')?.value).toBe(d.trace);
    expect(json.trace).toEqual(d.trace);
    expect({ ...d }.trace).toBe(d.trace);
    expect(d.trace.filter((t) => t.step === 'candidate')).toEqual([
      { step: 'candidate', detail: 'A: cost 0.001000 (prefix 1, local)', provider_id: 'a' },
      { step: 'candidate', detail: 'B: cost 0.090000 (prefix 1, local) above the ceiling 0.020000', provider_id: 'b', dropped: 'ceiling' },
    ]);
    // Assignable like any field (a caller may replace or trim it).
    d.trace = [];
    expect(d.trace).toEqual([]);
  });
});
