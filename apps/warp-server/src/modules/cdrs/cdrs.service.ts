import { notFound } from '@opbx/platform';
import { type AdminCdrQuery, type CdrQuery, DEFAULT_LIMIT } from '@warp/contract';
import { sql } from 'kysely';

import type { AppContext } from '../../context.js';
import type { CustomersTable } from '../../db/schema.js';
import { paginate } from '../../http/envelope.js';
import { decisionTrace } from '../rating/decisions.js';
import { presentCdr, presentCdrDetail } from './cdrs.presenter.js';
import { parseRange } from './range.js';

/** A customer's CDRs in a date range (required, ≤ 93 days), newest first; served by (customer_id, started_at). */
export async function listCdrs(ctx: AppContext, customer: CustomersTable, query: CdrQuery) {
  const { from, to } = parseRange(query.date_from, query.date_to);
  let q = ctx.db.selectFrom('cdrs').selectAll().where('customer_id', '=', customer.id).where('started_at', '>=', from).where('started_at', '<', to);
  if (query.trunk_id) q = q.where('trunk_id', '=', query.trunk_id);
  if (query.direction) q = q.where('direction', '=', query.direction);
  const order = (x: typeof q) => x.orderBy('started_at', 'desc').orderBy('id', 'desc');
  // Whole hours without a direction filter (every date range): the total comes from the hourly
  // roll-ups, which count each stored CDR once, instead of counting millions of rows.
  if (!query.direction && from.endsWith(':00:00.000Z') && to.endsWith(':00:00.000Z')) {
    const perPage = query.limit ?? DEFAULT_LIMIT;
    const page = query.page ?? 1;
    let t = ctx.db
      .selectFrom('usage_hourly')
      .select(sql<string>`coalesce(sum(calls), 0)`.as('n'))
      .where('customer_id', '=', customer.id)
      .where('hour', '>=', from.slice(0, 13))
      .where('hour', '<', to.slice(0, 13));
    if (query.trunk_id) t = t.where('trunk_id', '=', query.trunk_id);
    const [rows, total] = await Promise.all([
      order(q)
        .limit(perPage)
        .offset((page - 1) * perPage)
        .execute(),
      t.executeTakeFirstOrThrow(),
    ]);
    const n = Number(total.n);
    return { data: rows.map(presentCdr), pagination: { page, perPage, total: n, totalPages: Math.max(1, Math.ceil(n / perPage)) } };
  }
  const { rows, pagination } = await paginate(q, query, order);
  return { data: rows.map(presentCdr), pagination };
}

/** Staff: every customer's CDRs, ANI/DNIS by prefix, optionally only those that could not be rated. */
export async function listAdminCdrs(ctx: AppContext, query: AdminCdrQuery & { unrated?: 'true' | 'false' }) {
  const { from, to } = parseRange(query.date_from, query.date_to);
  let q = ctx.db.selectFrom('cdrs').selectAll().where('started_at', '>=', from).where('started_at', '<', to);
  if (query.customer_id) q = q.where('customer_id', '=', query.customer_id);
  if (query.trunk_id) q = q.where('trunk_id', '=', query.trunk_id);
  const prefix = (s: string) => `${s.replace(/[\\%_]/g, '')}%`;
  if (query.ani) q = q.where('ani', 'like', prefix(query.ani));
  if (query.dnis) q = q.where('dni', 'like', prefix(query.dnis));
  if (query.unrated === 'true') q = q.where('rating_error', 'is not', null);
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('started_at', 'desc').orderBy('id', 'desc'));
  return { data: rows.map((r) => presentCdrDetail(r)), pagination };
}

export async function getAdminCdr(ctx: AppContext, id: string) {
  const row = await ctx.db.selectFrom('cdrs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('CDR');
  const [history, routing] = await Promise.all([
    ctx.db.selectFrom('cdr_rating_history').selectAll().where('cdr_id', '=', id).orderBy('replaced_at').execute(),
    row.decision_id ? decisionTrace(ctx.db, row.decision_id, row.customer_id) : null,
  ]);
  return presentCdrDetail(row, history, routing ?? []);
}
