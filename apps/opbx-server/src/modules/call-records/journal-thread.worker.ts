import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

import { openDatabase } from '@opbx/platform/db';

import type { Database } from '../../db/schema.js';
import { changesOf, type QueuedEvent, storeCallEvents, unqueued } from './call-store.js';
import type { ThreadReply } from './journal-stores.js';

/** The journal thread: owns a database connection and commits the batches the main thread sends. */
lowerPriority(10);
const database = openDatabase<Database>((workerData as { databaseUrl: string }).databaseUrl, { poolSize: 1 });
const port = parentPort!;

// One message at a time, in order: a batch never overtakes the one before it, whatever the pool size.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: { id: number; events: QueuedEvent[] } | { close: true }) => {
  queue = queue.then(() => handle(message));
});

async function handle(message: { id: number; events: QueuedEvent[] } | { close: true }): Promise<void> {
  if ('close' in message) {
    await database.close();
    port.close();
    return;
  }
  let reply: ThreadReply;
  try {
    const events = unqueued(message.events);
    reply = { id: message.id, stored: changesOf(events, await storeCallEvents(database.db, database.dialect, events)) };
  } catch (err) {
    const e = err as { message?: string; code?: unknown };
    reply = { id: message.id, error: { message: e?.message ?? String(err), ...(typeof e?.code === 'string' ? { code: e.code } : {}) } };
  }
  port.postMessage(reply);
}

/**
 * Commits wait happily; answers to Cloudonix do not. On a busy machine this thread yields the CPU
 * to the request thread (Linux: a thread has its own nice value, set through its thread id).
 */
function lowerPriority(nice: number) {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: run at the process's priority.
  }
}
