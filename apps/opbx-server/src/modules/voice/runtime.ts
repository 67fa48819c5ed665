import type { AppContext } from '../../context.js';
import { CONFIG_TOPIC } from '../../context.js';
import { WebhookKeyCache } from '../cloudonix/cloudonix.service.js';
import { publishStored } from '../calls/calls.ingest.js';
import { CallJournal } from '../calls/journal.js';
import { journalStore } from '../calls/journal-stores.js';
import { loadSnapshot, type RoutingSnapshot } from './snapshot.js';
import type { RoutingEnv } from './router.js';

export const SNAPSHOT_TTL_MS = 60_000;

type SnapshotEntry = { promise: Promise<RoutingSnapshot | undefined>; loadedAt: number; settled: boolean; refreshing: boolean };

/**
 * Per-organization routing snapshots in memory. A configuration write anywhere (this instance
 * or another, through the bus) drops the organization's entry, and the next call waits for a
 * fresh load; a generation counter keeps a load that raced with a write from caching stale data.
 * The TTL is only a safety net for an invalidation that never arrived: an expired snapshot keeps
 * answering while its successor loads in the background, so no call waits on that reload.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, SnapshotEntry>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    private readonly now: () => number = Date.now,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  get(organizationId: string): Promise<RoutingSnapshot | undefined> {
    const hit = this.entries.get(organizationId);
    if (hit) {
      if (this.now() - hit.loadedAt < SNAPSHOT_TTL_MS) return hit.promise;
      if (hit.settled) {
        this.refresh(organizationId, hit);
        return hit.promise;
      }
    }
    return this.load(organizationId);
  }

  invalidate(organizationId: string): void {
    this.generations.set(organizationId, this.generationOf(organizationId) + 1);
    this.entries.delete(organizationId);
  }

  private generationOf(organizationId: string): number {
    return this.generations.get(organizationId) ?? 0;
  }

  private load(organizationId: string): Promise<RoutingSnapshot | undefined> {
    const generation = this.generationOf(organizationId);
    const entry: SnapshotEntry = { promise: Promise.resolve(undefined), loadedAt: this.now(), settled: false, refreshing: false };
    entry.promise = loadSnapshot(this.ctx.db, organizationId).then(
      (snap) => {
        entry.settled = true;
        if (this.generationOf(organizationId) !== generation && this.entries.get(organizationId) === entry) this.entries.delete(organizationId);
        return snap;
      },
      (err) => {
        if (this.entries.get(organizationId) === entry) this.entries.delete(organizationId);
        throw err;
      },
    );
    this.entries.set(organizationId, entry);
    return entry.promise;
  }

  private refresh(organizationId: string, stale: SnapshotEntry): void {
    if (stale.refreshing) return;
    stale.refreshing = true;
    const generation = this.generationOf(organizationId);
    const loadedAt = this.now();
    loadSnapshot(this.ctx.db, organizationId).then(
      (snap) => {
        // Replaced only if no write came in meanwhile (that write dropped the entry and wins).
        if (this.generationOf(organizationId) === generation && this.entries.get(organizationId) === stale) {
          this.entries.set(organizationId, { promise: Promise.resolve(snap), loadedAt, settled: true, refreshing: false });
        }
      },
      (err) => {
        // Keep answering from the snapshot we have; try again in a few seconds.
        stale.refreshing = false;
        stale.loadedAt = this.now() - SNAPSHOT_TTL_MS + 5_000;
        this.onError(err);
      },
    );
  }
}

export interface VoiceRuntime {
  snapshots: SnapshotCache;
  keys: WebhookKeyCache;
  journal: CallJournal;
  env(): RoutingEnv;
  close(): void;
}

export function createVoiceRuntime(ctx: AppContext, onError: (err: unknown) => void): VoiceRuntime {
  const snapshots = new SnapshotCache(ctx, Date.now, (err) => onError(new Error('routing snapshot refresh failed', { cause: err })));
  const keys = new WebhookKeyCache(ctx);
  const unsubscribe = ctx.bus.subscribe(CONFIG_TOPIC, (message) => {
    const orgId = (message as { organization_id?: string })?.organization_id;
    if (typeof orgId === 'string') snapshots.invalidate(orgId);
    // Settings writes may change or revoke a requests key.
    keys.invalidate();
  });
  return {
    snapshots,
    keys,
    journal: new CallJournal(journalStore(ctx), (stored) => publishStored(ctx, stored), onError),
    env: () => ({
      now: new Date(),
      async nextRotation(ringGroupId: string) {
        // One atomic statement: every instance shares the pointer through the database.
        try {
          const row = await ctx.db
            .updateTable('ring_groups')
            .set((eb) => ({ rotation: eb('rotation', '+', 1) }))
            .where('id', '=', ringGroupId)
            .returning('rotation')
            .executeTakeFirst();
          return Number(row?.rotation ?? 1);
        } catch (err) {
          // A database hiccup must not drop the call: start at a random member this once.
          onError(err);
          return 1 + Math.floor(Math.random() * 1000);
        }
      },
    }),
    close: unsubscribe,
  };
}
