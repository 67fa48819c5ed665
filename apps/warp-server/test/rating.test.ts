import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';

import { amountOf, billableSeconds, chargeOf, formatUnits, marginHealth, marginPercent, rawSeconds, type Tariff } from '../src/modules/rating/charge.js';
import { type CallFacts, rateCall, ratingTrace } from '../src/modules/rating/rate-call.js';
import { dayStart, decide, Deck, fromMicros, type OverrideSnap, type RateRow, toMicros } from '../src/modules/routing/engine/index.js';
import { jurisdictionOf, priceNumberOf, priceProvider, priceSell } from '../src/modules/routing/engine/price-provider.js';
import { CUSTOMER_ID, provider, snapshot, TRUNK_ID } from './support/routing.js';

/* Rating (issue 15): every expectation below is worked out by hand in its comment. */

const tariff = (rate: string, extra: Partial<Tariff> = {}): Tariff => ({
  rate: toMicros(rate),
  connectionFee: 0,
  initialIncrement: 6,
  subsequentIncrement: 6,
  minimumDuration: 0,
  ...extra,
});

describe('billable seconds', () => {
  it.each([
    // [raw, initial, subsequent, minimum, billable]
    [7, 6, 6, 0, 12], // 6 + ceil(1/6)×6
    [6, 6, 6, 0, 6], // b ≤ initial
    [61, 60, 60, 0, 120], // 60 + ceil(1/60)×60
    [60, 60, 60, 0, 60],
    [61, 1, 1, 0, 61],
    [1, 1, 1, 0, 1],
    [0, 6, 6, 0, 6], // answered for no time at all: the initial increment
    [7, 6, 6, 30, 30], // max(7, 30) = 30 = 6 + 4×6
    [31, 6, 6, 30, 36], // 6 + ceil(25/6)×6 = 36
    [29, 30, 6, 0, 30], // 30/6: inside the first 30 s
    [31, 30, 6, 0, 36], // 30 + ceil(1/6)×6
    [5, 60, 6, 0, 60],
    [3601, 60, 60, 0, 3660],
  ])('%i s on %i/%i minimum %i → %i s', (raw, initial, subsequent, minimum, expected) => {
    expect(billableSeconds(raw, { initialIncrement: initial, subsequentIncrement: subsequent, minimumDuration: minimum })).toBe(expected);
  });

  it('raw seconds round a partial second up and are 0 without an answer', () => {
    expect(rawSeconds(1000, 8000)).toBe(7);
    expect(rawSeconds(1000, 8001)).toBe(8);
    expect(rawSeconds(null, 8000)).toBe(0);
    expect(rawSeconds(9000, 8000)).toBe(0);
  });
});

describe('amounts', () => {
  it.each([
    // [billable, rate, fee, amount]
    ['12 s at 0.01/min', 12, '0.01', '0', '0.00200'], // 12/60 × 0.01 = 0.002
    ['120 s at 0.0075/min', 120, '0.0075', '0', '0.01500'],
    ['7 s at 0.013/min', 7, '0.013', '0', '0.00152'], // 0.0015166… → 0.00152
    ['61 s at 0.009/min', 61, '0.009', '0', '0.00915'], // 0.00915 exactly
    ['60 s at 0.01 + fee 0.001', 60, '0.01', '0.001', '0.01100'],
    ['fee only rounds nothing', 6, '0', '0.00025', '0.00025'],
    ['exactly half a unit rounds up', 60, '0.000005', '0', '0.00001'], // 0.000005 → 0.00001
    ['just under half rounds down', 59, '0.000005', '0', '0.00000'], // 0.0000049166…
    ['6 decimal rate', 30, '0.123456', '0', '0.06173'], // 0.061728 → 0.06173
    ['large: 4 h at the maximum rate (BigInt path)', 14_400, '1000000', '0', '240000000.00000'],
  ])('%s', (_name, billable, rate, fee, expected) => {
    expect(formatUnits(amountOf(billable, { rate: toMicros(rate), connectionFee: toMicros(fee) }))).toBe(expected);
  });

  it('an unanswered call costs nothing, even with a connection fee and a minimum', () => {
    expect(chargeOf(45, tariff('0.5', { connectionFee: toMicros('0.1'), minimumDuration: 60 }), false)).toEqual({ billableSeconds: 0, amount: 0 });
  });

  it('a connection fee and a minimum apply to an answered call', () => {
    // max(7, 30) = 30 s; 30/60 × 0.02 = 0.01; + 0.005 = 0.015
    expect(chargeOf(7, tariff('0.02', { connectionFee: toMicros('0.005'), minimumDuration: 30 }))).toEqual({ billableSeconds: 30, amount: 1500 });
  });

  it('margin, margin % and health bands', () => {
    expect(marginPercent(1000, 850)).toBe('15.00');
    expect(marginHealth(marginPercent(1000, 851))).toBe('critical'); // 14.90
    expect(marginHealth('15.00')).toBe('warning');
    expect(marginHealth('39.99')).toBe('warning');
    expect(marginHealth('40.00')).toBe('healthy');
    expect(marginPercent(0, 0)).toBeNull();
    expect(marginHealth(null, 10)).toBe('critical');
    expect(marginPercent(300, 400)).toBe('-33.33');
    expect(formatUnits(-5)).toBe('-0.00005');
  });

  it('a million summed CDRs are exact (no float drift)', () => {
    const rates = ['0.004321', '0.0105', '0.000917', '0.25', '0.013333'].map((r) => ({ text: r, micros: toMicros(r) }));
    const increments = [
      [6, 6],
      [60, 60],
      [1, 1],
      [30, 6],
    ] as const;
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    let units = 0;
    let float = 0;
    const counts = new Map<string, number>();
    for (let i = 0; i < 1_000_000; i++) {
      const raw = next() % 3600;
      const rate = rates[next() % rates.length]!;
      const [initial, subsequent] = increments[next() % increments.length]!;
      const charge = chargeOf(raw, { rate: rate.micros, connectionFee: 0, initialIncrement: initial, subsequentIncrement: subsequent, minimumDuration: 0 });
      units += charge.amount;
      float += (charge.billableSeconds / 60) * Number(rate.text);
      const key = `${charge.billableSeconds}|${rate.text}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // The same total by decimal.js alone: each distinct (seconds, rate) priced and rounded once, times its count.
    let expected = new Decimal(0);
    for (const [key, n] of counts) {
      const [b, rate] = key.split('|');
      expected = expected.plus(new Decimal(b!).div(60).mul(rate!).toDecimalPlaces(5, Decimal.ROUND_HALF_UP).mul(n));
    }
    expect(Number.isSafeInteger(units)).toBe(true);
    expect(formatUnits(units)).toBe(expected.toFixed(5));
    // what a binary float sum would have reported instead (it differs in the last places)
    expect(float.toFixed(5)).not.toBe(expected.toFixed(5));
  });
});

/* Both sides of a call on a hand-built snapshot. */

const JUNE = Date.parse('2026-06-01T00:00:00Z');
let rowId = 0;
function row(
  key: string,
  rates: Partial<Record<'interstate' | 'intrastate' | 'local' | 'indeterminate' | 'rate', string>>,
  extra: Partial<RateRow> = {},
): RateRow {
  const m = (v: string | undefined) => (v === undefined ? null : toMicros(v));
  return {
    id: `r${++rowId}`,
    key,
    interstate: m(rates.interstate),
    intrastate: m(rates.intrastate),
    local: m(rates.local),
    indeterminate: m(rates.indeterminate),
    rate: m(rates.rate),
    connectionFee: 0,
    initialIncrement: 6,
    subsequentIncrement: 6,
    minimumDuration: 0,
    from: 0,
    to: Infinity,
    ...extra,
  };
}
const deckOf = (rows: RateRow[]) => {
  const d = new Deck();
  for (const r of rows) d.add(r);
  return d.seal();
};

function world(overrides: OverrideSnap[] = []) {
  const carrier = provider('carrier', []);
  carrier.deck = deckOf([
    // until June: 60/60 with a fee and a minimum; from June: cheaper, 1/1
    row(
      '1310',
      { interstate: '0.006', intrastate: '0.009', local: '0.003' },
      { initialIncrement: 60, subsequentIncrement: 60, connectionFee: toMicros('0.001'), minimumDuration: 30, to: JUNE },
    ),
    row('1310', { interstate: '0.005', intrastate: '0.008', local: '0.002' }, { initialIncrement: 1, subsequentIncrement: 1, from: JUNE }),
    row('1212', { interstate: '0.004', intrastate: '0.007', local: '0.001' }),
    row('1718', { interstate: '0.004', intrastate: '0.007', local: '0.001' }),
  ]);
  const snap = snapshot({
    providers: [carrier, provider('spare', [{ key: '1', interstate: '0.5', intrastate: '0.5', local: '0.5' }])],
    partition: {
      members: [
        { providerId: 'carrier', priority: 1, weight: 1 },
        { providerId: 'spare', priority: 1, weight: 1 },
      ],
    },
    overrides,
  });
  // the customer's plan, with its own increments
  (snap.sellPlans as Map<string, Deck>).set(
    'retail',
    deckOf([row('1', { interstate: '0.012', intrastate: '0.015', local: '0.01', indeterminate: '0.02' }, { initialIncrement: 6, subsequentIncrement: 6 })]),
  );
  return snap;
}

const call = (extra: Partial<CallFacts>): CallFacts => ({
  trunkId: TRUNK_ID,
  customerId: CUSTOMER_ID,
  ani: '+12125551000',
  dni: '+13105552000',
  startedAt: Date.parse('2026-05-10T12:00:00Z'),
  providerId: 'carrier',
  answered: true,
  rawSeconds: 7,
  ...extra,
});

describe('rating a call on both sides', () => {
  it('interstate before June: sell 6/6 at 0.012, cost 60/60 at 0.006 with minimum and fee', () => {
    const r = rateCall(world(), call({}));
    expect(r.error).toBeNull();
    expect(r.jurisdiction).toBe('interstate');
    // sell: 7 s → 12 s; 12/60 × 0.012 = 0.0024
    expect(r.sell.charge).toEqual({ billableSeconds: 12, amount: 240 });
    // cost: max(7, 30) = 30 → 60 s; 60/60 × 0.006 + 0.001 = 0.007
    expect(r.cost.charge).toEqual({ billableSeconds: 60, amount: 700 });
  });

  it('effective dates: the last millisecond of May and the first of June read different rows', () => {
    const may = rateCall(world(), call({ startedAt: JUNE - 1, rawSeconds: 61 }));
    // 60 + 60 = 120 s × 0.006/60 + 0.001 = 0.013
    expect(may.cost.charge).toEqual({ billableSeconds: 120, amount: 1300 });
    const june = rateCall(world(), call({ startedAt: JUNE, rawSeconds: 61 }));
    // 1/1: 61 s × 0.005/60 = 0.0050833… → 0.00508
    expect(june.cost.charge).toEqual({ billableSeconds: 61, amount: 508 });
    expect(formatUnits(june.cost.charge.amount)).toBe('0.00508');
  });

  it('jurisdiction columns: intrastate and local calls read their own rates on both sides', () => {
    // NY → NY, other rate centre: intrastate. sell 12 s × 0.015/60 = 0.003; cost 12 s × 0.007/60 = 0.0014
    const intra = rateCall(world(), call({ dni: '+17185552000' }));
    expect(intra.jurisdiction).toBe('intrastate');
    expect([intra.sell.charge.amount, intra.cost.charge.amount]).toEqual([300, 140]);
    // same rate centre: local. sell 12 s × 0.01/60 = 0.002; cost 12 s × 0.001/60 = 0.0002
    const local = rateCall(world(), call({ dni: '+12125562000' }));
    expect(local.jurisdiction).toBe('local');
    expect([local.sell.charge.amount, local.cost.charge.amount]).toEqual([200, 20]);
  });

  it('overrides: a trunk sell override beats a customer one, which beats the plan (keeping the plan row increments)', () => {
    const o = (id: string, scope: Partial<OverrideSnap>, rate: string): OverrideSnap => ({
      id,
      customerId: null,
      trunkId: null,
      prefix: '1310',
      npanxx: null,
      ocn: null,
      lata: null,
      action: 'sell_rate',
      providerIds: [],
      rate: toMicros(rate),
      timeWindow: null,
      createdAt: '2026-01-01T00:00:00Z',
      ...scope,
    });
    const customerOnly = rateCall(world([o('c', { customerId: CUSTOMER_ID }, '0.03')]), call({}));
    // 12 s × 0.03/60 = 0.006
    expect(customerOnly.sell.charge.amount).toBe(600);
    const both = rateCall(world([o('c', { customerId: CUSTOMER_ID }, '0.03'), o('t', { trunkId: TRUNK_ID, customerId: CUSTOMER_ID }, '0.045')]), call({}));
    // 12 s × 0.045/60 = 0.009
    expect(both.sell.charge.amount).toBe(900);
    expect(both.sell.tariff?.rate).toBe(toMicros('0.045'));
  });

  it('the answering provider prices the cost side, not the cheapest', () => {
    const r = rateCall(world(), call({ providerId: 'spare', rawSeconds: 60 }));
    // 60 s × 0.5/60 = 0.5
    expect(r.cost.charge.amount).toBe(50_000);
    expect(r.sell.charge.amount).toBe(1200); // 60 s × 0.012/60
  });

  it('an unanswered call is 0 on both sides without an error', () => {
    const r = rateCall(world(), call({ answered: false, providerId: null, rawSeconds: 0 }));
    expect(r.error).toBeNull();
    expect([r.sell.charge.amount, r.cost.charge.amount]).toEqual([0, 0]);
  });

  it('no rate is an error, never a silent 0', () => {
    const noCost = rateCall(world(), call({ dni: '+15125552000' })); // the carrier has no 1512 row
    expect(noCost.error).toMatch(/CARRIER had no usable rate/);
    const noPlan = world();
    (noPlan.sellPlans as Map<string, Deck>).set('retail', new Deck());
    expect(rateCall(noPlan, call({})).error).toMatch(/no sell rate.*RATE_NOT_FOUND/);
    expect(rateCall(world(), call({ providerId: 'ghost' })).error).toMatch(/unknown/);
  });
});

describe('the jurisdiction rating prices on', () => {
  it('the one the route decision recorded, not one worked out again (the CDR names its decision)', () => {
    // NY → CA would be interstate; the decision said intrastate.
    const r = rateCall(world(), call({ decision: { id: 'd1', jurisdiction: 'intrastate', lrn: null } }));
    expect([r.jurisdiction, r.jurisdictionFrom, r.error]).toEqual(['intrastate', 'd1', null]);
    // sell 12 s × 0.015/60 = 0.003; cost max(7, 30) → 60 s × 0.009/60 + 0.001 = 0.010
    expect([r.sell.charge.amount, r.cost.charge.amount]).toEqual([300, 1000]);
    expect(ratingTrace(r)[0]).toEqual({ step: 'jurisdiction', detail: 'intrastate: recorded on route decision d1' });
  });

  it("without a decision, the engine's rule: no ANI is indeterminate; the sell side bills its indeterminate rate, the cost side the provider's IJ policy", () => {
    const snap = world();
    const r = rateCall(snap, call({ ani: '' }));
    expect([r.jurisdiction, r.jurisdictionFrom, r.costJurisdiction]).toEqual(['indeterminate', null, 'interstate']);
    // sell 12 s × 0.02/60 = 0.004; the carrier's row has no indeterminate rate, its policy is interstate: 60 s × 0.006/60 + 0.001 = 0.007
    expect([r.sell.charge.amount, r.cost.charge.amount]).toEqual([400, 700]);
    expect(r.zone).toBe('interstate');
    snap.providers.get('carrier')!.jurisdictionPolicy = 'intrastate';
    const intra = rateCall(snap, call({ ani: '' }));
    // 60 s × 0.009/60 + 0.001 = 0.010
    expect([intra.costJurisdiction, intra.cost.charge.amount]).toEqual(['intrastate', 1000]);
    expect(ratingTrace(intra)[0]?.detail).toBe('indeterminate: computed at rating (no recorded route decision)');
  });

  it("a recorded LRN: the ported number is priced on its LRN's NPA-NXX by an LRN provider, the sell side on the dialled digits", () => {
    // dialled 310 (CA), ported to NY 718: NY → NY in another rate centre is intrastate
    const r = rateCall(world(), call({ decision: { id: 'd2', jurisdiction: null, lrn: '7185550000' } }));
    expect([r.jurisdiction, r.jurisdictionFrom, r.error]).toEqual(['intrastate', null, null]);
    // sell on 1310 → plan row 1, intrastate 0.015: 12 s → 0.003; cost on 1718, intrastate 0.007, 6/6: 12 s × 0.007/60 = 0.0014
    expect([r.sell.charge.amount, r.cost.charge.amount]).toEqual([300, 140]);
  });

  it('the pricing entry point agrees with the route engine on every provider it routes, the sell rate and the jurisdiction', () => {
    const snap = world();
    snap.providers.get('spare')!.jurisdictionPolicy = 'intrastate';
    snap.customers.get(CUSTOMER_ID)!.allowLoss = true; // no ceiling: the dear spare is routed (and compared) too
    const calls: [string, string][] = [
      ['+12125551000', '+13105552000'],
      ['+12125551000', '+17185552000'],
      ['+12125551000', '+12125562000'],
      ['', '+13105552000'],
      ['+442071234567', '+12125562000'],
    ];
    let compared = 0;
    for (const [ani, dni] of calls)
      for (const at of [JUNE - 1, JUNE]) {
        const d = decide(snap, { trunkId: TRUNK_ID, ani, dni, at, maxRoutes: 10, rng: () => 0 });
        const number = priceNumberOf(snap, dni, undefined, null)!;
        const j = jurisdictionOf(snap, ani, number);
        expect(j ?? null).toBe(d.jurisdiction);
        expect(fromMicros(priceSell(snap, snap.trunks.get(TRUNK_ID), snap.customers.get(CUSTOMER_ID)!, number, j, at)!.rate)).toBe(d.sell_rate);
        for (const route of d.routes) {
          const priced = priceProvider(snap.providers.get(route.provider_id)!, number, j, at)!;
          expect([fromMicros(priced.rate), priced.jurisdiction, priced.matched]).toEqual([route.cost_rate, route.jurisdiction, route.rate_key]);
          compared++;
        }
      }
    expect(compared).toBe(20); // 10 decisions × both providers
  });
});

it('dayStart sanity for the boundary test', () => expect(dayStart('2026-06-01')).toBe(JUNE));
