import type { AppContext } from '../../context.js';
import { callLogTotals } from '../call-logs/call-logs.service.js';
import { type CallEvent, CALLS_TOPIC, changesOf, type IngestResult, storeCallEvents, type StoredBatch } from './call-store.js';

export type { CallBusMessage, CallEvent, CallLogRow, IngestResult, PresenceBusMessage, PresenceChange } from './call-store.js';
export { CALLS_TOPIC } from './call-store.js';

/** Stores events on this thread and publishes what changed. The server writes through the journal; tests use this. */
export async function ingestCallEvents(ctx: AppContext, events: CallEvent[]): Promise<IngestResult[]> {
  const results = await storeCallEvents(ctx.db, ctx.dialect, events);
  await publishStored(ctx, changesOf(events, results));
  return results;
}

/** After the commit: refresh list totals and tell the bus (and so the live board) what changed. */
export async function publishStored(ctx: AppContext, batch: StoredBatch): Promise<void> {
  for (const org of batch.organizations) callLogTotals.invalidate(org);
  for (const message of batch.messages) await ctx.bus.publish(CALLS_TOPIC, message);
}
