import { notFound } from '@opbx/platform';
import { type AdminCdrQuery, type CdrQuery, DEFAULT_LIMIT, type ListQuery } from '@warp/contract';
import type { Selectable, SelectQueryBuilder } from 'kysely';

import type { AppContext } from '../../context.js';
import type { CdrsTable } from '../../db/cdr-tables.js';
import type { CustomersTable, Database } from '../../db/schema.js';
import { paginate } from '../../http/envelope.js';
import { decisionTrace } from '../rating/decisions.js';
import { presentCdr, presentCdrDetail } from './cdrs.presenter.js';
import { locatePage, onWholeHours, type RollupScope } from './pages.js';
import { parseRange } from './range.js';

/** A customer's CDRs in a date range (required, ≤ 93 days), newest first; served by (customer_id, started_at). */
export async function listCdrs(ctx: AppContext, customer: CustomersTable, query: CdrQuery) {
  const { from, to } = parseRange(query.date_from, query.date_to);
  let q = ctx.db.selectFrom('cdrs').selectAll().where('customer_id', '=', customer.id).where('started_at', '>=', from).where('started_at', '<', to);
  if (query.trunk_id) q = q.where('trunk_id', '=', query.trunk_id);
  if (query.direction) q = q.where('direction', '=', query.direction);
  const order = (x: typeof q) => x.orderBy('started_at', 'desc').orderBy('id', 'desc');
  // Without a direction filter (the roll-ups do not split by it) the hourly roll-ups give the total
  // and the page's start, instead of counting and skipping millions of rows (pages.ts).
  if (!query.direction && onWholeHours(from, to)) {
    const { rows, pagination } = await rollupPaged(ctx, q, { customerId: customer.id, trunkId: query.trunk_id, from, to }, query);
    return { data: rows.map(presentCdr), pagination };
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
  const byRollups = !query.ani && !query.dnis && query.unrated !== 'true' && onWholeHours(from, to);
  const { rows, pagination } = byRollups
    ? await rollupPaged(ctx, q, { customerId: query.customer_id, trunkId: query.trunk_id, from, to }, query)
    : await paginate(q, query, (x) => x.orderBy('started_at', 'desc').orderBy('id', 'desc'));
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

/** A page newest first, its start and the total located on the hourly roll-ups (exact for customer and trunk filters on whole hours). */
async function rollupPaged(ctx: AppContext, q: SelectQueryBuilder<Database, 'cdrs', Selectable<CdrsTable>>, scope: RollupScope, query: ListQuery) {
  const perPage = query.limit ?? DEFAULT_LIMIT;
  const page = query.page ?? 1;
  const start = await locatePage(ctx.db, scope, (page - 1) * perPage);
  const rows = await q.where('started_at', '<', start.before).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(perPage).offset(start.skip).execute();
  return { rows, pagination: { page, perPage, total: start.total, totalPages: Math.max(1, Math.ceil(start.total / perPage)) } };
}
