import type { Micros } from './money.js';

/**
 * One rate row as the engine reads it. `key` is what the row matches: for prefix and NPA-NXX rows
 * the E.164 digits it is a prefix of (an NPA-NXX row 212555 has key 1212555, so one longest-prefix
 * walk covers both); for OCN/LATA rows `OCN:LATA`. Validity is half-open: from <= t < to.
 */
export interface RateRow {
  id: string;
  key: string;
  interstate: Micros | null;
  intrastate: Micros | null;
  local: Micros | null;
  indeterminate: Micros | null;
  /** the single rate of non-NANP rows */
  rate: Micros | null;
  connectionFee: Micros;
  initialIncrement: number;
  subsequentIncrement: number;
  minimumDuration: number;
  from: number;
  to: number;
}

export interface DeckMatch {
  row: RateRow;
  /** how the row was found, for the trace */
  matched: string;
}

/**
 * A rate deck: rows grouped by key, each group newest-effective first, so "the row valid at t" is
 * the first whose window contains t. Lookups walk the dialled digits from the longest key length
 * down (a hash-trie: one Map probe per length), which is as fast as a pointer trie in V8 and far
 * smaller for 383,000 rows.
 */
export class Deck {
  private readonly byKey = new Map<string, RateRow[]>();
  private maxLength = 0;
  size = 0;

  add(row: RateRow): void {
    let rows = this.byKey.get(row.key);
    if (!rows) this.byKey.set(row.key, (rows = []));
    rows.push(row);
    this.size++;
    if (!row.key.includes(':') && row.key.length > this.maxLength) this.maxLength = row.key.length;
  }

  /** Call once after the last add: orders each key's rows newest-effective first. */
  seal(): this {
    for (const rows of this.byKey.values()) if (rows.length > 1) rows.sort((a, b) => b.from - a.from);
    return this;
  }

  /** The row of this exact key valid at `at`. */
  exact(key: string, at: number): RateRow | undefined {
    const rows = this.byKey.get(key);
    if (!rows) return undefined;
    for (const row of rows) if (row.from <= at && at < row.to) return row;
    return undefined;
  }

  /** Longest prefix of `digits` with a row valid at `at`. */
  longestPrefix(digits: string, at: number): DeckMatch | undefined {
    return this.longestOf(prefixesOf(digits), at);
  }

  /**
   * The same over precomputed prefixes (`prefixes[i]` = the first i+1 digits). A decision builds
   * them once for all its providers: V8 caches a string's hash, so twenty decks probe with the
   * same strings instead of hashing twenty fresh slices each.
   */
  longestOf(prefixes: readonly string[], at: number): DeckMatch | undefined {
    for (let len = Math.min(this.maxLength, prefixes.length); len > 0; len--) {
      const key = prefixes[len - 1]!;
      const row = this.exact(key, at);
      if (row) return { row, matched: `prefix ${key}` };
    }
    return undefined;
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** Each key with its rows (newest-effective first once sealed): one pass, no lookup per key. */
  entries(): IterableIterator<[string, readonly RateRow[]]> {
    return this.byKey.entries();
  }

  rowsOf(key: string): readonly RateRow[] {
    return this.byKey.get(key) ?? [];
  }
}

/** Every leading substring of `digits`, shortest first. */
export function prefixesOf(digits: string): string[] {
  const out = new Array<string>(digits.length);
  for (let i = 0; i < digits.length; i++) out[i] = digits.slice(0, i + 1);
  return out;
}

/** Midnight UTC of an ISO date, or Infinity for none (open-ended). */
export const dayStart = (date: string | null | undefined): number => (date ? Date.parse(`${date}T00:00:00Z`) : Infinity);
