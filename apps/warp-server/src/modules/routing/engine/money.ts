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

export function fromMicros(micros: Micros): string {
  return new Decimal(micros).div(1_000_000).toFixed(6);
}

/** `a - b` as a decimal string (margins). */
export const marginOf = (sell: Micros, cost: Micros): string => fromMicros(sell - cost);
