import type { AppContext } from '../../context.js';
import { type DecisionToRecord, recordRouteDecisions } from '../rating/decisions.js';

/*
 * The decisions the edge acted on, written in batches off the call's path (a decision answers from
 * memory; its record follows within FLUSH_MS). Rating reads them back by the CDR's decision_id, so a
 * call is priced on the jurisdiction and LRN it was routed on. Reports are ingested only after a
 * flush, so a CDR never arrives before its decision's record.
 */
const FLUSH_MS = 200;
const BATCH = 500;

export class DecisionLog {
  private pending: DecisionToRecord[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  onError: (err: unknown) => void = () => undefined;

  constructor(private readonly ctx: AppContext) {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS).unref();
  }

  add(entry: DecisionToRecord): void {
    this.pending.push(entry);
    if (this.pending.length >= BATCH) void this.flush();
  }

  /** Writes what is pending (one write at a time, in order); resolves when it is stored. */
  flush(): Promise<void> {
    const batch = this.pending;
    if (batch.length) this.pending = [];
    this.writing = this.writing.then(async () => {
      if (!batch.length) return;
      try {
        await recordRouteDecisions(this.ctx.db, batch);
      } catch (err) {
        // Not lost for rating: a CDR without its record is rated on the jurisdiction computed from its numbers.
        this.onError(err);
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
