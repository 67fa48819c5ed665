import { Decimal } from 'decimal.js';

/*
 * Rates live in the routing snapshot as integer micro-units (1 = 0.000001): the import validates
 * every rate as a decimal string with at most 6 places, so the conversion is exact, and integers
 * below 2^53 compare and subtract exactly. This keeps a 383,000-row deck compact and the hot path
 * free of allocation; every conversion in or out goes through decimal.js, never a binary float.
 */
export type Micros = number;

export const MAX_RATE = '1000000';

export function toMicros(value: string): Micros {
  const micros = new Decimal(value).mul(1_000_000);
  if (!micros.isInteger()) throw new RangeError(`${value} has more than 6 decimal places`);
  return micros.toNumber();
}

/**
 * The same for a string already validated as `\d{1,7}(\.\d{1,6})?` (the importer's and the
 * database's rates, at most 1,000,000): integer part × 10^6 + the fraction as an integer, both exact
 * integers, with no decimal.js allocation (a 383,000-row deck converts 1.5 million of them).
 */
export function decimalToMicros(value: string): Micros {
  const dot = value.indexOf('.');
  if (dot < 0) return Number(value) * 1_000_000;
  const frac = value.slice(dot + 1);
  return Number(value.slice(0, dot)) * 1_000_000 + Number(frac + '000000'.slice(frac.length));
}

/**
 * Six-place decimal string of an integer micro-unit count: integer division and remainder of an
 * exact integer (|micros| < 2^53), so no rounding can happen; on the decision hot path, where a
 * decimal.js round trip per figure cost more than the rest of the decision.
 */
export function fromMicros(micros: Micros): string {
  if (!Number.isSafeInteger(micros)) return new Decimal(micros).div(1_000_000).toFixed(6);
  const abs = Math.abs(micros);
  const frac = abs % 1_000_000;
  // 1,000,000 + frac has seven digits: its last six are the fraction, zero-padded (cheaper than padStart).
  return `${micros < 0 ? '-' : ''}${(abs - frac) / 1_000_000}.${String(1_000_000 + frac).slice(1)}`;
}

/** `a - b` as a decimal string (margins). */
export const marginOf = (sell: Micros, cost: Micros): string => fromMicros(sell - cost);
