import type { Readable } from 'node:stream';

import { CountCache, countRows, isUuid, notFound, type Page, paginate } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import type { AuthInfo } from '../../http/auth.js';
import type { CallLogRow } from '../call-records/calls.ingest.js';
import { CSV_COLUMNS, csvStream } from './call-logs.csv.js';
import { type CallLogView, presentCallLog } from './call-logs.presenter.js';
import { type CallScope, filteredCallLogs } from './call-logs.queries.js';
import type { CallLogFilters, ListCallLogsQuery } from './call-logs.schema.js';

const EXPORT_PAGE = 5000;
/**
 * List totals: counting millions of rows is the slow part of a list. Any call event of the
 * organization drops its totals (see calls.ingest), but a total less than a second old is reused.
 */
export const callLogTotals = new CountCache(10_000, 1_000);

export async function callScope(ctx: AppContext, auth: AuthInfo): Promise<CallScope> {
  const org = await ctx.db.selectFrom('organizations').select('timezone').where('id', '=', auth.organizationId).executeTakeFirstOrThrow();
  const scope: CallScope = { organizationId: auth.organizationId, timezone: org.timezone };
  if (auth.role === 'agent') {
    const ext = await ctx.db
      .selectFrom('extensions')
      .select('id')
      .where('organization_id', '=', auth.organizationId)
      .where('user_id', '=', auth.userId)
      .executeTakeFirst();
    scope.onlyExtensionId = ext?.id ?? null;
  }
  return scope;
}

export async function listCallLogs(ctx: AppContext, auth: AuthInfo, query: ListCallLogsQuery): Promise<Page<CallLogView>> {
  const scope = await callScope(ctx, auth);
  const filtered = filteredCallLogs(ctx.db, scope, query);
  const { page: _p, per_page: _pp, cursor: _c, ...filters } = query;
  // Managers and agents never share a total (an agent without an extension counts nothing, not the organization).
  const key = JSON.stringify([scope.organizationId, scope.onlyExtensionId === undefined ? 'organization' : { extension: scope.onlyExtensionId }, filters]);
  const page = await paginate(filtered.selectAll(), query, { column: 'created_at', idColumn: 'id', direction: 'desc' }, () =>
    callLogTotals.get(scope.organizationId, key, () => countRows(filtered)),
  );
  return { data: page.data.map((r) => presentCallLog(r as CallLogRow)), meta: page.meta };
}

export async function getCallLog(ctx: AppContext, auth: AuthInfo, id: string): Promise<CallLogView> {
  const scope = await callScope(ctx, auth);
  const row = isUuid(id) ? await filteredCallLogs(ctx.db, scope, {}).selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw notFound('Call log');
  return presentCallLog(row, { withCdr: true });
}

export async function exportCallLogs(ctx: AppContext, auth: AuthInfo, filters: CallLogFilters): Promise<Readable> {
  const scope = await callScope(ctx, auth);
  return csvStream((after) => {
    let q = filteredCallLogs(ctx.db, scope, filters).select([...CSV_COLUMNS]);
    if (after) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.created_at, after.id)));
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(EXPORT_PAGE).execute();
  });
}
