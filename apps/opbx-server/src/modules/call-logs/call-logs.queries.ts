import { likePattern } from '@opbx/platform';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { sql, type SqlBool } from 'kysely';
import { DateTime } from 'luxon';

import type { Database } from '../../db/schema.js';
import type { CallLogFilters } from './call-logs.schema.js';

/** The caller's scope: agents see only calls of their own extension. */
export interface CallScope {
  organizationId: string;
  timezone: string;
  /** Set for agents: restricts every query to this extension; null (an agent without an extension) matches no call. */
  onlyExtensionId?: string | null;
}

/**
 * A date-only bound is a whole local day in the organization's time zone; a date-time without an
 * offset is wall-clock time there too; one with an offset (or Z) is that instant.
 */
function dateBound(value: string, timezone: string, edge: 'start' | 'end'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone: timezone });
    return (edge === 'start' ? day.startOf('day') : day.plus({ days: 1 }).startOf('day')).toUTC().toISO()!;
  }
  return DateTime.fromISO(value, { zone: timezone }).toUTC().toISO()!;
}

export function filteredCallLogs(db: Kysely<Database>, scope: CallScope, f: CallLogFilters): SelectQueryBuilder<Database, 'call_logs', object> {
  let q = db.selectFrom('call_logs').where('organization_id', '=', scope.organizationId);
  // An agent without an extension has no calls; `extension_id is null` would be every unassigned call.
  if (scope.onlyExtensionId === null) q = q.where(sql<SqlBool>`1 = 0`);
  else if (scope.onlyExtensionId !== undefined) q = q.where('extension_id', '=', scope.onlyExtensionId);
  if (f.direction) q = q.where('direction', '=', f.direction);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.extension_id) q = q.where('extension_id', '=', f.extension_id);
  if (f.did_id) q = q.where('did_id', '=', f.did_id);
  if (f.from_date) q = q.where('created_at', '>=', dateBound(f.from_date, scope.timezone, 'start'));
  // to_date as a date includes that whole day; as a date-time it is an inclusive instant.
  if (f.to_date)
    q = /^\d{4}-\d{2}-\d{2}$/.test(f.to_date)
      ? q.where('created_at', '<', dateBound(f.to_date, scope.timezone, 'end'))
      : q.where('created_at', '<=', dateBound(f.to_date, scope.timezone, 'end'));
  const digits = f.search?.replace(/[^\d+*#]/g, '');
  if (digits) {
    const pattern = likePattern(digits);
    q = q.where(sql<boolean>`(from_number like ${pattern} escape '\\' or to_number like ${pattern} escape '\\')`);
  }
  return q;
}
