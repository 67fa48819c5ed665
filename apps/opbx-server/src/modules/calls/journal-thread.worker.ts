import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@opbx/platform/db';
import type { Database } from '../../db/schema.js';
import { changesOf, storeCallEvents, type CallEvent } from './call-store.js';
import type { ThreadReply } from './journal-stores.js';

/** The journal thread: owns a database connection and commits the batches the main thread sends. */
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
