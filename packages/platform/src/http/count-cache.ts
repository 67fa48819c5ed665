/**
 * Remembers list totals briefly. Counting a filter over millions of rows costs a scan the list
 * page itself avoids. Writes invalidate a scope's totals, but a total younger than `minAgeMs`
 * survives invalidation, so constant traffic cannot force a recount on every request.
 */
export class CountCache {
  private readonly entries = new Map<string, { scope: string; value: number; at: number }>();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly minAgeMs = 1_000,
    private readonly maxEntries = 10_000,
  ) {}

  async get(scope: string, key: string, count: () => Promise<number>): Promise<number> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = await count();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { scope, value, at: now });
    return value;
  }

  /** The data of `scope` changed: forget its totals (except very fresh ones). */
  invalidate(scope: string): void {
    const now = Date.now();
    for (const [key, e] of this.entries) if (e.scope === scope && now - e.at >= this.minAgeMs) this.entries.delete(key);
  }
}
