import type { DeckMatch, RateRow } from './deck.js';
import type { ProviderSnap } from './snapshot.js';

/**
 * One prefix index over every provider's deck: key → each provider's rows. A decision probes it
 * once per prefix length and gets every provider's longest match at once, instead of probing
 * twenty separate decks. Built once per snapshot, on first use, and kept as long as the
 * snapshot's provider map lives.
 *
 * The rows are laid out key-major in flat arrays: all providers' rows of one key sit next to each
 * other, with their validity windows in two Float64Arrays, so checking twenty providers' rows of
 * an NPA-NXX reads a few adjacent cache lines instead of chasing twenty arrays of row objects
 * across the heap (the lookups were cache-miss bound).
 */
export interface PriceIndex {
  slots: ReadonlyMap<string, number>;
  maxLength: number;
  byKey: ReadonlyMap<string, PriceKey>;
  /** validity of each flat row: from <= t < to */
  from: Float64Array;
  to: Float64Array;
  rows: readonly RateRow[];
  /** the match of each flat row, made on its first hit and reused (no allocation per decision) */
  matches: (DeckMatch | undefined)[];
  /** where each key's providers' rows are: slot s of the key at `base` spans offsets[base+s] … offsets[base+s+1] */
  offsets: Int32Array;
}

/** One key of the index: where its offsets start, and the trace label of a match on it (made on first hit). */
export interface PriceKey {
  key: string;
  base: number;
  matched?: string;
}

const built = new WeakMap<ReadonlyMap<string, ProviderSnap>, PriceIndex>();

export function priceIndexOf(providers: ReadonlyMap<string, ProviderSnap>): PriceIndex {
  const cached = built.get(providers);
  if (cached) return cached;
  const slots = new Map<string, number>();
  for (const id of providers.keys()) slots.set(id, slots.size);
  const perKey = new Map<string, (readonly RateRow[] | undefined)[]>();
  let maxLength = 0;
  let total = 0;
  for (const p of providers.values()) {
    const slot = slots.get(p.id)!;
    for (const [key, rows] of p.deck.entries()) {
      if (key.includes(':')) continue; // OCN:LATA rows are looked up exactly
      let bySlot = perKey.get(key);
      if (!bySlot) perKey.set(key, (bySlot = new Array(slots.size)));
      bySlot[slot] = rows;
      total += rows.length;
      if (key.length > maxLength) maxLength = key.length;
    }
  }
  const from = new Float64Array(total);
  const to = new Float64Array(total);
  const flat = new Array<RateRow>(total);
  // One offsets array for every key (slots + 1 entries each), not a typed array per key.
  const offsets = new Int32Array(perKey.size * (slots.size + 1));
  const byKey = new Map<string, PriceKey>();
  let i = 0;
  let base = 0;
  for (const [key, bySlot] of perKey) {
    for (let s = 0; s < slots.size; s++) {
      offsets[base + s] = i;
      // Each provider's rows keep the deck's order: newest effective first.
      for (const row of bySlot[s] ?? []) {
        from[i] = row.from;
        to[i] = row.to;
        flat[i++] = row;
      }
    }
    offsets[base + slots.size] = i;
    byKey.set(key, { key, base });
    base += slots.size + 1;
  }
  const index: PriceIndex = { slots, maxLength, byKey, from, to, rows: flat, matches: new Array(total), offsets };
  built.set(providers, index);
  return index;
}

/** Every provider's longest-prefix row valid at `at` (by slot; undefined = none). */
export function longestForAll(index: PriceIndex, prefixes: readonly string[], at: number): (DeckMatch | undefined)[] {
  const n = index.slots.size;
  const hits = new Array<DeckMatch | undefined>(n);
  const { from, to, offsets } = index;
  let missing = n;
  // Longest first; stop as soon as every provider has its row (most calls: all at the NPA-NXX).
  for (let len = Math.min(index.maxLength, prefixes.length); len > 0 && missing > 0; len--) {
    const entry = index.byKey.get(prefixes[len - 1]!);
    if (!entry) continue;
    const base = entry.base;
    for (let s = 0; s < n; s++) {
      if (hits[s] !== undefined) continue;
      for (let r = offsets[base + s]!, end = offsets[base + s + 1]!; r < end; r++) {
        if (from[r]! <= at && at < to[r]!) {
          hits[s] = index.matches[r] ??= { row: index.rows[r]!, matched: (entry.matched ??= `prefix ${entry.key}`) };
          missing--;
          break;
        }
      }
    }
  }
  return hits;
}
