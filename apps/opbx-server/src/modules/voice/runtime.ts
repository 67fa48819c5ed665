import type { AppContext } from '../../context.js';
import { CONFIG_TOPIC } from '../../context.js';
import { publishStored } from '../call-records/calls.ingest.js';
import { CallJournal } from '../call-records/journal.js';
import { journalStore } from '../call-records/journal-stores.js';
import { WebhookKeyCache } from '../cloudonix/cloudonix.service.js';
import type { RoutingEnv } from './router.js';
import { loadSnapshot, type RoutingSnapshot } from './snapshot.js';

/** How often a cached snapshot asks the database whether its organization's configuration moved on. */
export const VERSION_CHECK_MS = 10_000;
/** A snapshot is reloaded at this age even if its version never moved (a hand edit in the database). */
export const SNAPSHOT_TTL_MS = 10 * 60_000;

type SnapshotEntry = {
  promise: Promise<RoutingSnapshot | undefined>;
  /** The organization's configuration version when the snapshot was loaded. */
  version: number | undefined;
  loadedAt: number;
  checkedAt: number;
  settled: boolean;
  refreshing: boolean;
};

const readVersion = async (ctx: AppContext, organizationId: string): Promise<number | undefined> => {
  const row = await ctx.db.selectFrom('config_versions').select('version').where('organization_id', '=', organizationId).executeTakeFirst();
  return row ? Number(row.version) : undefined;
};

/**
 * Per-organization routing snapshots in memory. A configuration write anywhere (this instance
 * or another, through the bus) drops the organization's entry, and the next call waits for a
 * fresh load; a generation counter keeps a load that raced with a write from caching stale data.
 * Every write also bumps the organization's version in the database: every 10 s a snapshot in use
 * compares it (one indexed row), which catches a change whose bus message never arrived (Redis
 * down, a CLI command in another process). A moved version, or an age of 10 minutes, reloads the
 * snapshot in the background while the old one keeps answering, so no call waits on that reload.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, SnapshotEntry>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    private readonly now: () => number = Date.now,
    private readonly onError: (err: unknown) => void = () => undefined,
    /** Told when a version check found a change nobody announced (to drop other caches too). */
    private readonly onMissedChange: (organizationId: string) => void = () => undefined,
  ) {}

  get(organizationId: string): Promise<RoutingSnapshot | undefined> {
    const hit = this.entries.get(organizationId);
    if (hit) {
      const now = this.now();
      if (hit.settled) {
        if (now - hit.checkedAt >= VERSION_CHECK_MS) this.revalidate(organizationId, hit);
        return hit.promise;
      }
      // A first load still running is shared, unless it has hung for longer than any reload should.
      if (now - hit.loadedAt < SNAPSHOT_TTL_MS) return hit.promise;
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
    const now = this.now();
    const entry: SnapshotEntry = { promise: Promise.resolve(undefined), version: undefined, loadedAt: now, checkedAt: now, settled: false, refreshing: false };
    entry.promise = (async () => {
      // The version first: a write landing between the two reads leaves a newer snapshot under an
      // older version, which the next check reloads; never the other way round.
      entry.version = await readVersion(this.ctx, organizationId);
      return loadSnapshot(this.ctx.db, organizationId);
    })().then(
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

  private revalidate(organizationId: string, current: SnapshotEntry): void {
    if (current.refreshing) return;
    current.refreshing = true;
    const generation = this.generationOf(organizationId);
    const startedAt = this.now();
    const stillCurrent = () => this.generationOf(organizationId) === generation && this.entries.get(organizationId) === current;
    (async () => {
      const version = await readVersion(this.ctx, organizationId);
      if (version === current.version && startedAt - current.loadedAt < SNAPSHOT_TTL_MS) {
        current.checkedAt = startedAt;
        current.refreshing = false;
        return;
      }
      const snap = await loadSnapshot(this.ctx.db, organizationId);
      // Replaced only if no write came in meanwhile (that write dropped the entry and wins).
      if (!stillCurrent()) return;
      this.entries.set(organizationId, {
        promise: Promise.resolve(snap),
        version,
        loadedAt: startedAt,
        checkedAt: startedAt,
        settled: true,
        refreshing: false,
      });
      if (version !== current.version) this.onMissedChange(organizationId);
    })().catch((err: unknown) => {
      // Keep answering from the snapshot we have; try again in a few seconds.
      current.refreshing = false;
      current.checkedAt = this.now() - VERSION_CHECK_MS + 5_000;
      this.onError(err);
    });
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
  const keys = new WebhookKeyCache(ctx);
  const snapshots = new SnapshotCache(
    ctx,
    Date.now,
    (err) => onError(new Error('routing snapshot refresh failed', { cause: err })),
    // A change we were never told of may have replaced a requests key too.
    () => keys.invalidate(),
  );
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
