import { invalid, notFound, nowIso } from '@opbx/platform';
import type { Rate, RateQuery } from '@warp/contract';

import type { AppContext } from '../../context.js';
import type { Actor } from '../../http/auth.js';
import { paginate } from '../../http/envelope.js';
import { audit } from '../audit/audit.service.js';
import { type NpaNxxRow, readNpaNxxCsv } from './reference/npanxx.js';
import { presentRate } from './routing.presenter.js';
import { routingOf } from './routing.state.js';

/** Rows valid on `effective_date` (default today), optionally those matching a dialled number. */
export async function listRates(
  ctx: AppContext,
  query: RateQuery,
): Promise<{ data: Rate[]; pagination: { page: number; perPage: number; total: number; totalPages: number } }> {
  if (query.provider_id && query.rate_plan) throw invalid([{ field: 'rate_plan', message: 'give provider_id or rate_plan, not both' }]);
  const date = query.effective_date ?? new Date().toISOString().slice(0, 10);
  let q = ctx.db
    .selectFrom('rates')
    .selectAll()
    .where('effective_date', '<=', date)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>', date)]));
  if (query.provider_id) q = q.where('owner', '=', `p:${query.provider_id}`);
  if (query.rate_plan) q = q.where('owner', '=', `s:${query.rate_plan}`);
  if (query.destination) {
    const d = query.destination;
    const prefixes = Array.from({ length: d.length }, (_, i) => d.slice(0, i + 1));
    const npanxx = /^1[2-9]\d{2}[2-9]\d{2}/.test(d) ? d.slice(1, 7) : /^[2-9]\d{2}[2-9]\d{2}/.test(d) && d.length === 10 ? d.slice(0, 6) : null;
    q = q.where((eb) => eb.or([eb('prefix', 'in', prefixes), ...(npanxx ? [eb('npanxx', '=', npanxx)] : [])]));
  }
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('owner').orderBy('prefix').orderBy('npanxx').orderBy('effective_date').orderBy('id'));
  return { data: rows.map(presentRate), pagination };
}

/** The owner of a sell-deck upload: a plan name (letters, digits, . _ -). */
export function sellOwner(plan: string | undefined) {
  if (!plan || !/^[\w.-]{1,64}$/.test(plan))
    throw invalid([{ field: 'rate_plan', message: 'name the rate plan (1-64 letters, digits, . _ -) in a rate_plan form field before the file' }]);
  return { owner: `s:${plan}`, provider_id: null, rate_plan: plan, defaults: { initial_increment: 6, subsequent_increment: 6, connection_fee: '0' } };
}

export async function providerOwner(ctx: AppContext, id: string) {
  const p = await ctx.db
    .selectFrom('providers')
    .select(['id', 'initial_increment', 'subsequent_increment', 'connection_fee'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!p) throw notFound('Provider');
  return {
    owner: `p:${p.id}`,
    provider_id: p.id,
    rate_plan: null,
    defaults: { initial_increment: Number(p.initial_increment), subsequent_increment: Number(p.subsequent_increment), connection_fee: p.connection_fee },
  };
}

/** `warp import-npanxx FILE`: upserts the reference rows, reports refused lines. */
export async function importNpaNxx(ctx: AppContext, actor: Actor, file: string) {
  const rows: NpaNxxRow[] = [];
  const report = await readNpaNxxCsv(file, (r) => rows.push(r));
  const now = nowIso();
  await ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('npanxx_reference')
        .values(rows.slice(i, i + 500).map((r) => ({ ...r, updated_at: now })))
        .onConflict((oc) =>
          oc.column('npanxx').doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            rate_center: eb.ref('excluded.rate_center'),
            ocn: eb.ref('excluded.ocn'),
            lata: eb.ref('excluded.lata'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    await audit(trx, actor, {
      action: 'npanxx.import',
      customerId: null,
      targetType: 'npanxx_reference',
      targetId: null,
      changes: { accepted: report.accepted, rejected: report.rejected.length },
    });
  });
  // Running servers hear of it on the bus (with Redis); without, on their next routing change or restart.
  await routingOf(ctx).announce();
  return report;
}
