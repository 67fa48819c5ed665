import { AppError, isDatabaseUnavailable } from '@opbx/platform';

import { type CallEvent, queued, type QueuedEvent, type StoredBatch } from './call-store.js';

/** Most events committed in one transaction (SQLite's write lock is held that long). */
const JOURNAL_BATCH = 200;
/**
 * Events waiting at most. Past it the server is taking calls faster than it can record them for
 * a long while: waiting webhooks get 429 (Cloudonix retries), fire-and-forget events are dropped
 * with an error in the log, rather than memory growing until the process dies.
 */
const MAX_QUEUED = 100_000;
/** Attempts at a batch whose journal thread failed (died, or stopped answering), with pauses between. */
const THREAD_ATTEMPTS = 3;
/**
 * How long fire-and-forget events wait for company: a busy second's calls then share a few
 * transactions (a commit costs as much as dozens of rows). Webhooks waiting for their write cut it short.
 */
const GATHER_MS = 50;
/** Pauses between attempts while the database is unreachable: 250 ms, doubling up to 5 s. */
const OUTAGE_RETRY_MS = { first: 250, max: 5_000 };

/** Where the journal's batches are committed (a worker thread, or this thread); all or nothing per batch. */
export interface JournalStore {
  write(events: QueuedEvent[]): Promise<StoredBatch>;
  close(): Promise<void>;
}

type Entry = { event: QueuedEvent; resolve?: () => void; reject?: (err: unknown) => void };

/**
 * The one writer of call state. Every call event (the route request's, callbacks', webhooks', the
 * sweep's) goes through this queue, so each call's events are stored in arrival order, and the
 * voice path answers from memory: its record is written behind the CXML answer, in batches.
 */
export class CallJournal {
  private queue: Entry[] = [];
  private draining: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Set while the database cannot be reached: the queue is held and retried, webhooks get 503. */
  private outage: { since: number; attempts: number } | undefined;
  private closing = false;

  constructor(
    private readonly store: JournalStore,
    /** Runs after each commit with what it changed (bus messages, cache invalidation). */
    private readonly publish: (batch: StoredBatch) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Whether the last write found the database unreachable (events are being held). */
  get holding(): boolean {
    return this.outage !== undefined;
  }

  /** Fire and forget: stored within about GATHER_MS (or once the database is back), failures go to the error log. */
  enqueue(event: CallEvent): void {
    if (this.queue.length >= MAX_QUEUED) return this.onError(new Error(`call journal full: event ${event.providerKey} dropped`));
    this.queue.push({ event: queued(event) });
    this.start(GATHER_MS);
  }

  /** Stored behind everything enqueued before it; resolves once committed and published. */
  record(event: CallEvent): Promise<void> {
    if (this.queue.length >= MAX_QUEUED) {
      return Promise.reject(new AppError('RATE_LIMIT_EXCEEDED', 'Too many call events are waiting to be stored', undefined, { 'retry-after': '5' }));
    }
    if (this.outage && this.draining) {
      // Held events are being retried: Cloudonix retries a refused webhook, and holding its request
      // open would not store it sooner. With nothing held, the write goes ahead and probes the database.
      return Promise.reject(
        new AppError('SERVICE_UNAVAILABLE', 'Call events cannot be stored right now. Please retry shortly.', undefined, { 'retry-after': '5' }),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ event: queued(event), resolve, reject });
      this.start(0);
      this.wake?.();
    });
  }

  /** Resolves when everything enqueued so far is stored. */
  async flush(): Promise<void> {
    while (this.draining) {
      this.wake?.();
      await this.draining;
    }
  }

  async close(): Promise<void> {
    // Shutting down stops waiting for an unreachable database: what is still held is reported lost.
    this.closing = true;
    this.wake?.();
    await this.flush();
    await this.store.close();
  }

  private start(delay: number): void {
    this.draining ??= this.gather(delay)
      .then(() => this.drain())
      .catch(this.onError)
      .finally(() => {
        this.draining = undefined;
        // Arrived while the last batch was being published.
        if (this.queue.length) this.start(0);
      });
  }

  private gather(delay: number): Promise<void> {
    if (delay <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.wake = done;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, JOURNAL_BATCH);
      let failures: Array<Error | undefined>;
      try {
        await this.publishSafely(await this.writeBatch(batch.map((e) => e.event)));
        failures = [];
        this.outage = undefined;
      } catch (err) {
        if (isDatabaseUnavailable(err)) {
          if (this.closing) this.giveUp(batch, err);
          else await this.holdThroughOutage(batch, err);
          continue;
        }
        // The database refused something: find out what, event by event. The thread kept failing: give up on the batch.
        failures = batch.length === 1 || threadFailed(err) ? batch.map(() => asError(err)) : await this.oneByOne(batch);
      }
      batch.forEach((entry, i) => {
        const failure = failures[i];
        if (!failure) entry.resolve?.();
        else if (entry.reject) entry.reject(failure);
        else this.onError(failure);
      });
    }
  }

  /**
   * A failed journal thread is replaced by the next write: the batch is tried again whole, after a
   * pause. Whatever of it did commit before the failure comes back as duplicates (provider keys),
   * so nothing is stored twice; the live board misses those events, the call logs do not.
   */
  private async writeBatch(events: QueuedEvent[]): Promise<StoredBatch> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.write(events);
      } catch (err) {
        if (!threadFailed(err) || attempt >= THREAD_ATTEMPTS) throw err;
        this.onError(err);
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  /**
   * Nothing of the batch was stored, and trying each event alone would only lose them all: the
   * calls' events go back to the head of the queue (order kept) and are tried again after a pause;
   * waiting webhooks are refused so Cloudonix retries them.
   */
  private async holdThroughOutage(batch: Entry[], err: unknown): Promise<void> {
    for (const entry of batch) entry.reject?.(err);
    this.queue.unshift(...batch.filter((entry) => !entry.reject));
    if (!this.outage) {
      this.outage = { since: Date.now(), attempts: 0 };
      this.onError(new Error(`database unavailable: holding ${this.queue.length} call events and retrying`, { cause: err }));
    }
    const pause = Math.min(OUTAGE_RETRY_MS.max, OUTAGE_RETRY_MS.first * 2 ** this.outage.attempts++);
    await this.gather(pause);
  }

  /**
   * Shutting down with the database still away: everything still queued is given up at once (one
   * more attempt per batch could take a connect timeout each), in one log line.
   */
  private giveUp(batch: Entry[], err: unknown): void {
    const entries = [...batch, ...this.queue.splice(0)];
    const lost = entries.filter((entry) => !entry.reject).length;
    for (const entry of entries) entry.reject?.(err);
    if (lost) this.onError(new Error(`database unavailable at shutdown: ${lost} call events not stored`, { cause: err }));
  }

  /** A bad event must not lose the others: after a failed batch, each event is stored on its own. */
  private async oneByOne(batch: Entry[]): Promise<Array<Error | undefined>> {
    const failures: Array<Error | undefined> = [];
    for (const entry of batch) failures.push(await this.writeBatch([entry.event]).then((stored) => this.publishSafely(stored), asError));
    return failures;
  }

  private async publishSafely(stored: StoredBatch): Promise<undefined> {
    try {
      await this.publish(stored);
    } catch (err) {
      // Stored is stored: a bus hiccup must not fail the webhook (Cloudonix would retry it).
      this.onError(err);
    }
    return undefined;
  }
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
const threadFailed = (err: unknown): boolean => (err as { threadFailed?: boolean } | null)?.threadFailed === true;
