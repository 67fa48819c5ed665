import type { DeckMatch, RateRow } from './deck.js';
import type { ProviderSnap } from './snapshot.js';

/**
 * One prefix index over every provider's deck: key → each provider's rows (by slot). A decision
 * probes it once per prefix length and gets every provider's longest match at once, instead of
 * probing twenty separate decks (the lookups were cache-miss bound). Built once per snapshot, on
 * first use, and kept as long as the snapshot's provider map lives.
 */
export interface PriceIndex {
  slots: ReadonlyMap<string, number>;
  maxLength: number;
  byKey: ReadonlyMap<string, (readonly RateRow[] | undefined)[]>;
}

const built = new WeakMap<ReadonlyMap<string, ProviderSnap>, PriceIndex>();

export function priceIndexOf(providers: ReadonlyMap<string, ProviderSnap>): PriceIndex {
  const cached = built.get(providers);
  if (cached) return cached;
  const slots = new Map<string, number>();
  for (const id of providers.keys()) slots.set(id, slots.size);
  const byKey = new Map<string, (readonly RateRow[] | undefined)[]>();
  let maxLength = 0;
  for (const p of providers.values()) {
    const slot = slots.get(p.id)!;
    for (const [key, rows] of p.deck.entries()) {
      if (key.includes(':')) continue; // OCN:LATA rows are looked up exactly
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = new Array(slots.size)));
      entry[slot] = rows;
      if (key.length > maxLength) maxLength = key.length;
    }
  }
  const index = { slots, maxLength, byKey };
  built.set(providers, index);
  return index;
}

/** Every provider's longest-prefix row valid at `at` (by slot; undefined = none). */
export function longestForAll(index: PriceIndex, prefixes: readonly string[], at: number): (DeckMatch | undefined)[] {
  const hits = new Array<DeckMatch | undefined>(index.slots.size);
  for (let len = Math.min(index.maxLength, prefixes.length); len > 0; len--) {
    const key = prefixes[len - 1]!;
    const entry = index.byKey.get(key);
    if (!entry) continue;
    for (let s = 0; s < entry.length; s++) {
      if (hits[s] !== undefined) continue;
      const rows = entry[s];
      if (!rows) continue;
      for (const row of rows) {
        if (row.from <= at && at < row.to) {
          hits[s] = { row, matched: `prefix ${key}` };
          break;
        }
      }
    }
  }
  return hits;
}
