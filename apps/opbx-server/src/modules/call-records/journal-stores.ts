import { Worker } from 'node:worker_threads';

import type { AppContext } from '../../context.js';
import { changesOf, type QueuedEvent, storeCallEvents, type StoredBatch, unqueued } from './call-store.js';
import type { JournalStore } from './journal.js';

/** What the journal thread answers for each batch. */
export type ThreadReply = { id: number; stored: StoredBatch } | { id: number; error: { message: string; code?: string } };

/** A write that gets no answer this long is taken for a stuck thread, which is replaced. */
const WRITE_TIMEOUT_MS = 30_000;

/**
 * The journal thread itself failed (died, never started, stopped answering), as opposed to the
 * database refusing an event. The journal retries such a batch whole, after a pause.
 */
class JournalThreadError extends Error {
  readonly threadFailed = true;
}

/**
 * Commits on a worker thread with its own database connection, so the voice path's thread never
 * spends its time in SQLite (or in building PostgreSQL statements). One batch in flight at a
 * time: the journal awaits each write, which keeps every call's events in order.
 */
export class ThreadStore implements JournalStore {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (stored: StoredBatch) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly databaseUrl: string) {}

  /** Starts the thread ahead of the first call (loading it takes a moment). */
  start(): void {
    if (this.worker) return;
    // A clean thread: it registers its own TypeScript loader (see journal-thread.boot.mjs).
    const worker = new Worker(new URL('./journal-thread.boot.mjs', import.meta.url), { workerData: { databaseUrl: this.databaseUrl }, execArgv: [] });
    worker.on('message', (reply: ThreadReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      clearTimeout(waiter.timer);
      if ('stored' in reply) waiter.resolve(reply.stored);
      else waiter.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
    });
    const fail = (err: Error) => {
      if (this.worker !== worker) return;
      // The next write starts a fresh thread; what was in flight is reported failed.
      this.worker = undefined;
      this.rejectPending(new JournalThreadError(`call journal thread failed: ${err.message}`));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    this.worker = worker;
  }

  private rejectPending(err: Error): void {
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
    this.pending.clear();
  }

  write(events: QueuedEvent[]): Promise<StoredBatch> {
    // After shutdown a late write must not start a thread that would keep the process alive.
    if (this.closed) return Promise.reject(new Error('the call journal is closed'));
    this.start();
    const id = this.nextId++;
    const worker = this.worker!;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => void worker.terminate(), WRITE_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, events });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    // The thread answers what it holds before it closes its connection (it takes messages in order).
    worker.postMessage({ close: true });
    const deadline = setTimeout(() => void worker.terminate(), WRITE_TIMEOUT_MS);
    await exited;
    clearTimeout(deadline);
    this.rejectPending(new JournalThreadError('the call journal closed before this write was answered'));
  }
}

/** Commits on this thread (an in-memory SQLite cannot be shared with another thread). */
export class InThreadStore implements JournalStore {
  constructor(private readonly ctx: AppContext) {}

  async write(queuedEvents: QueuedEvent[]): Promise<StoredBatch> {
    // SQLite runs on this thread: let waiting requests through before each batch.
    await new Promise((resolve) => setImmediate(resolve));
    const events = unqueued(queuedEvents);
    return changesOf(events, await storeCallEvents(this.ctx.db, this.ctx.dialect, events));
  }

  async close(): Promise<void> {}
}

export function journalStore(ctx: AppContext): JournalStore {
  const url = ctx.config.DATABASE_URL;
  if (/^sqlite:(:memory:)?$/.test(url)) return new InThreadStore(ctx);
  const store = new ThreadStore(url);
  store.start();
  return store;
}
