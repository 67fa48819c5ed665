import type { AppContext } from '../../context.js';
import { CONFIG_TOPIC } from '../../context.js';
import { WebhookKeyCache } from '../cloudonix/cloudonix.service.js';
import { publishStored } from '../calls/calls.ingest.js';
import { CallJournal } from '../calls/journal.js';
import { journalStore } from '../calls/journal-stores.js';
import { loadSnapshot, type RoutingSnapshot } from './snapshot.js';
import type { RoutingEnv } from './router.js';

const SNAPSHOT_TTL_MS = 60_000;

/**
 * Per-organization routing snapshots in memory. A configuration write anywhere (this instance
 * or another, through the bus) drops the organization's entry; a generation counter keeps a
 * load that raced with a write from caching stale data.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, { promise: Promise<RoutingSnapshot | undefined>; loadedAt: number }>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly ctx: AppContext) {}

  get(organizationId: string): Promise<RoutingSnapshot | undefined> {
    const hit = this.entries.get(organizationId);
    if (hit && Date.now() - hit.loadedAt < SNAPSHOT_TTL_MS) return hit.promise;
    const generation = this.generations.get(organizationId) ?? 0;
    const promise = loadSnapshot(this.ctx.db, organizationId).then(
      (snap) => {
        if ((this.generations.get(organizationId) ?? 0) !== generation) this.entries.delete(organizationId);
        return snap;
      },
      (err) => {
        this.entries.delete(organizationId);
        throw err;
      },
    );
    this.entries.set(organizationId, { promise, loadedAt: Date.now() });
    return promise;
  }

  invalidate(organizationId: string): void {
    this.generations.set(organizationId, (this.generations.get(organizationId) ?? 0) + 1);
    this.entries.delete(organizationId);
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
  const snapshots = new SnapshotCache(ctx);
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
