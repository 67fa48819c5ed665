import { Decimal } from 'decimal.js';

import type { Micros } from '../routing/engine/index.js';

/*
 * The pure arithmetic of rating one leg of a call (sell or cost side). Rates are the routing
 * engine's integer micro-units (6 places, exact); an amount is an integer count of 1e-5 (the
 * issue's 5 places). Integers add without drift, so roll-ups and invoices sum them exactly in SQL
 * and in JavaScript; decimal strings appear only at the edges (presenters).
 */

/** An amount in units of 0.00001. */
export type Units = number;

export interface Tariff {
  /** per minute, micro-units */
  rate: Micros;
  /** per answered call, micro-units */
  connectionFee: Micros;
  initialIncrement: number;
  subsequentIncrement: number;
  minimumDuration: number;
}

export interface Charge {
  billableSeconds: number;
  amount: Units;
}

export const ZERO_CHARGE: Charge = Object.freeze({ billableSeconds: 0, amount: 0 });

/** b = max(raw, minimum); then initial if b ≤ initial, else initial + ceil((b − initial) / subsequent) × subsequent. */
export function billableSeconds(raw: number, t: Pick<Tariff, 'initialIncrement' | 'subsequentIncrement' | 'minimumDuration'>): number {
  const b = Math.max(raw, t.minimumDuration);
  const initial = t.initialIncrement;
  if (b <= initial) return initial;
  const step = t.subsequentIncrement > 0 ? t.subsequentIncrement : 1;
  return initial + Math.ceil((b - initial) / step) * step;
}

/**
 * b/60 × rate + connection fee, rounded half-up to 5 places once. In micro-units the exact value is
 * (b × rate + 60 × fee) / 60; in units of 1e-5 it is (b × rate + 60 × fee) / 600. Integer
 * arithmetic while that numerator is a safe integer (every real call), BigInt beyond.
 */
export function amountOf(billable: number, t: Pick<Tariff, 'rate' | 'connectionFee'>): Units {
  const n = billable * t.rate + 60 * t.connectionFee;
  if (Number.isSafeInteger(n)) {
    let q = Math.floor(n / 600);
    const r = n - q * 600; // exact: q × 600 is within a step of n
    if (r < 0) q -= 1;
    else if (r >= 600) q += 1;
    const rem = n - q * 600;
    return rem >= 300 ? q + 1 : q;
  }
  const big = BigInt(billable) * BigInt(t.rate) + 60n * BigInt(t.connectionFee);
  return Number((big + 300n) / 600n);
}

/** One leg of an answered call of `raw` seconds; an unanswered call is charged nothing. */
export function chargeOf(raw: number, t: Tariff, answered = true): Charge {
  if (!answered) return ZERO_CHARGE;
  const billableSecs = billableSeconds(raw, t);
  return { billableSeconds: billableSecs, amount: amountOf(billableSecs, t) };
}

/** Seconds from answer to end, partial seconds rounded up (a billing analyst's expectation). */
export function rawSeconds(answeredAt: number | null, endedAt: number | null): number {
  if (answeredAt === null || endedAt === null || endedAt <= answeredAt) return 0;
  return Math.ceil((endedAt - answeredAt) / 1000);
}

/** Units as a decimal string with 5 places (exact: integer digits only). */
export function formatUnits(u: Units | bigint | string): string {
  let s = typeof u === 'string' ? u : u.toString();
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  s = s.padStart(6, '0');
  return `${negative ? '-' : ''}${s.slice(0, -5)}.${s.slice(-5)}`;
}

/** A decimal string (at most 5 places) as units. */
export function parseUnits(value: string): Units {
  const d = new Decimal(value).mul(100_000);
  if (!d.isInteger()) throw new RangeError(`${value} has more than 5 decimal places`);
  return d.toNumber();
}

/** Margin % = (sell − cost) / sell × 100, to 2 places; null when nothing was sold. */
export function marginPercent(sell: Units | bigint | string, cost: Units | bigint | string): string | null {
  const s = new Decimal(sell.toString());
  if (s.isZero()) return null;
  return s.minus(cost.toString()).div(s).mul(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

/** Health bands of a margin: below 15 % critical, below 40 % warning. */
export function marginHealth(percent: string | null, cost: Units | bigint | string = 0): 'healthy' | 'warning' | 'critical' {
  // Nothing sold: a cost with no revenue is the worst case, no traffic at all is no concern.
  if (percent === null) return new Decimal(cost.toString()).gt(0) ? 'critical' : 'healthy';
  const p = new Decimal(percent);
  return p.lt(15) ? 'critical' : p.lt(40) ? 'warning' : 'healthy';
}
