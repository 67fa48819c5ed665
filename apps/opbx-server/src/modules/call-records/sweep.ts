import type { AppContext } from '../../context.js';
import type { CallJournal } from './journal.js';

/**
 * Closes calls whose events stopped (a lost CDR, a crashed leg): answered calls become
 * completed, unanswered ones no_answer. Runs on every instance; the event key makes it idempotent.
 */
export async function sweepStaleCalls(ctx: AppContext, journal: CallJournal, now = new Date()): Promise<number> {
  const staleMs = ctx.config.OPBX_CALL_STALE_SECONDS * 1000;
  const answeredBefore = new Date(now.getTime() - staleMs).toISOString();
  const ringingBefore = new Date(now.getTime() - Math.max(60_000, staleMs / 10)).toISOString();
  const stale = await ctx.db
    .selectFrom('call_logs')
    .select(['organization_id', 'call_id', 'status'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'answered'), eb('updated_at', '<', answeredBefore)]),
        eb.and([eb('status', 'in', ['initiated', 'ringing']), eb('updated_at', '<', ringingBefore)]),
      ]),
    )
    .limit(500)
    .execute();
  for (const call of stale) {
    await journal.record({
      organizationId: call.organization_id,
      callId: call.call_id,
      kind: 'sweep',
      providerKey: `sweep:${call.call_id}`,
      payload: { reason: 'no events', previous_status: call.status },
      status: call.status === 'answered' ? 'completed' : 'no_answer',
      patch: { status_raw: 'timeout' },
    });
  }
  return stale.length;
}
