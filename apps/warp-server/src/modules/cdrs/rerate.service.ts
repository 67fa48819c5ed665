import { newId, nowIso } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import type { CdrsTable } from '../../db/cdr-tables.js';
import type { Actor } from '../../http/auth.js';
import { audit } from '../audit/audit.service.js';
import { recordedDecisionsFor } from '../rating/decisions.js';
import { rateCall, ratingTrace } from '../rating/rate-call.js';
import { routingOf } from '../routing/routing.state.js';
import { answeredAttempt } from './disposition.js';
import { parseRange } from './range.js';
import { addToRollups, ratingColumns } from './rollups.js';

const PAGE = 500;

/**
 * Re-rates a period against today's decks (after a deck correction). Each CDR whose figures
 * change keeps its previous ones in cdr_rating_history; the roll-ups move by the difference, in
 * the same transaction as the CDRs, page by page. Answers how many were read and changed.
 */
export async function rerate(ctx: AppContext, actor: Actor, input: { date_from: string; date_to: string; customer_id?: string }) {
  const { from, to } = parseRange(input.date_from, input.date_to, ['date_from', 'date_to'], 93);
  const snapshot = await routingOf(ctx).current();
  const rerateId = newId();
  let read = 0;
  let changed = 0;
  let after = { started_at: from, id: '' };
  for (;;) {
    let q = ctx.db
      .selectFrom('cdrs')
      .selectAll()
      .where('started_at', '<', to)
      // the plain bound lets the index start at the page; the OR alone would rescan from the range start
      .where('started_at', '>=', after.started_at)
      .where((eb) => eb.or([eb('started_at', '>', after.started_at), eb.and([eb('started_at', '=', after.started_at), eb('id', '>', after.id)])]))
      .orderBy('started_at')
      .orderBy('id')
      .limit(PAGE);
    if (input.customer_id) q = q.where('customer_id', '=', input.customer_id);
    const rows = await q.execute();
    if (!rows.length) break;
    read += rows.length;
    const now = nowIso();
    const updates: { old: CdrsTable; next: CdrsTable }[] = [];
    // The jurisdiction and LRN routing used do not change with a deck correction: read them back.
    const decisionOf = await recordedDecisionsFor(
      ctx.db,
      rows.map((r) => r.decision_id),
    );
    for (const old of rows) {
      const attempts = JSON.parse(old.attempts) as Parameters<typeof answeredAttempt>[0];
      const answered = answeredAttempt(attempts);
      const rated = rateCall(snapshot, {
        trunkId: old.trunk_id,
        customerId: old.customer_id,
        ani: old.ani,
        dni: old.dni,
        startedAt: Date.parse(old.started_at),
        providerId: answered?.provider_id ?? null,
        answered: !!answered,
        rawSeconds: Number(old.duration),
        decision: decisionOf(old.decision_id, old.customer_id),
      });
      const next = { ...old, ...ratingColumns(rated), zone: rated.zone, trace: JSON.stringify(ratingTrace(rated)), rated_at: now };
      const same = (k: keyof CdrsTable) => String(old[k] ?? '') === String(next[k] ?? '');
      if (!(['sell_rate', 'sell_amount', 'sell_billable', 'cost_rate', 'cost_amount', 'cost_billable', 'rating_error', 'zone'] as const).every(same))
        updates.push({ old, next });
    }
    if (updates.length) {
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('cdr_rating_history')
          .values(
            updates.map(({ old }) => ({
              id: newId(),
              cdr_id: old.id,
              rerate_id: rerateId,
              started_at: old.started_at,
              sell_rate: old.sell_rate,
              sell_billable: old.sell_billable,
              sell_amount: old.sell_amount,
              cost_rate: old.cost_rate,
              cost_billable: old.cost_billable,
              cost_amount: old.cost_amount,
              rating_error: old.rating_error,
              rated_at: old.rated_at,
              replaced_at: now,
            })),
          )
          .execute();
        for (const { next } of updates) {
          const { id, started_at, ...set } = next;
          await trx.updateTable('cdrs').set(set).where('id', '=', id).where('started_at', '=', started_at).execute();
        }
        await addToRollups(
          trx,
          updates.map((u) => u.old),
          -1,
        );
        await addToRollups(
          trx,
          updates.map((u) => u.next),
          1,
        );
      });
      changed += updates.length;
    }
    const last = rows[rows.length - 1]!;
    after = { started_at: last.started_at, id: last.id };
  }
  await audit(ctx.db, actor, {
    action: 'cdrs.rerate',
    customerId: input.customer_id ?? null,
    targetType: 'cdrs',
    targetId: rerateId,
    changes: { from, to, read, changed },
  });
  return { rerate_id: rerateId, date_from: from, date_to: to, cdrs_read: read, cdrs_changed: changed };
}
