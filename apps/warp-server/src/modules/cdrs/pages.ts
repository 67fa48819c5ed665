import { type Kysely, sql } from 'kysely';

import type { Database } from '../../db/schema.js';

/**
 * Page numbers over millions of CDRs without OFFSET scans. The seed's client pages by number
 * (`page`, `limit`, answered with page, perPage, total, totalPages), so a cursor alone would not
 * do. An OFFSET of 50,000 walks 50,000 index entries; instead the hourly roll-ups, which count
 * every stored CDR once per hour (usage_hourly), say in which hour the page starts and how many of
 * that hour's CDRs come before it. The page is then read with `started_at < the hour's end`, the
 * (customer_id, started_at) index seeking straight there, and an OFFSET of at most one hour's
 * CDRs. The same roll-up rows give the total, so a page costs two small reads at any depth.
 *
 * Exact only where the roll-ups count exactly the rows listed: whole-hour ranges, filtered at most
 * by customer and trunk (not by direction, ANI/DNIS or rating errors); callers check that.
 */

/** Shallow pages read directly: an OFFSET this small costs less than reading the hours. */
const SEEK_FROM_OFFSET = 2_000;

export interface RollupScope {
  customerId?: string;
  trunkId?: string;
  /** ISO bounds on whole hours, [from, to) */
  from: string;
  to: string;
}

export interface PageStart {
  total: number;
  /** read rows with started_at below this (newest first)… */
  before: string;
  /** …skipping this many */
  skip: number;
}

/** The total of the range and where the page at `offset` (newest first) starts. */
export async function locatePage(db: Kysely<Database>, scope: RollupScope, offset: number): Promise<PageStart> {
  let q = db.selectFrom('usage_hourly').where('hour', '>=', scope.from.slice(0, 13)).where('hour', '<', scope.to.slice(0, 13));
  if (scope.customerId) q = q.where('customer_id', '=', scope.customerId);
  if (scope.trunkId) q = q.where('trunk_id', '=', scope.trunkId);
  if (offset < SEEK_FROM_OFFSET) {
    const { n } = await q.select(sql<string>`coalesce(sum(calls), 0)`.as('n')).executeTakeFirstOrThrow();
    return { total: Number(n), before: scope.to, skip: offset };
  }
  const hours = await q
    .select(['hour', sql<string>`sum(calls)`.as('n')])
    .groupBy('hour')
    .orderBy('hour', 'desc')
    .execute();
  let total = 0;
  for (const h of hours) total += Number(h.n);
  let seen = 0;
  for (const h of hours) {
    const n = Number(h.n);
    if (seen + n > offset) return { total, before: new Date(Date.parse(`${h.hour}:00:00Z`) + 3_600_000).toISOString(), skip: offset - seen };
    seen += n;
  }
  // Past the last row: an empty page, read cheaply.
  return { total, before: scope.from, skip: 0 };
}

/** Whole hours on both ends (every date-only range is): the roll-ups cover the range exactly. */
export const onWholeHours = (from: string, to: string): boolean => from.endsWith(':00:00.000Z') && to.endsWith(':00:00.000Z');
