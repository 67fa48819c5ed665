import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@opbx/platform/db';
import type { Database } from '../../db/schema.js';
import { changesOf, storeCallEvents, type CallEvent } from './call-store.js';
import type { ThreadReply } from './journal-stores.js';

/** The journal thread: owns a database connection and commits the batches the main thread sends. */
lowerPriority(Number(process.env.OPBX_JOURNAL_NICE ?? 10));
const handle = openDatabase<Database>((workerData as { databaseUrl: string }).databaseUrl, { poolSize: 2 });
const port = parentPort!;

port.on('message', async (message: { id: number; events: CallEvent[] } | { close: true }) => {
  if ('close' in message) {
    await handle.close();
    port.close();
    return;
  }
  let reply: ThreadReply;
  try {
    reply = { id: message.id, stored: changesOf(message.events, await storeCallEvents(handle.db, handle.dialect, message.events)) };
  } catch (err) {
    const e = err as { message?: string; code?: unknown };
    reply = { id: message.id, error: { message: e?.message ?? String(err), ...(typeof e?.code === 'string' ? { code: e.code } : {}) } };
  }
  port.postMessage(reply);
});

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
