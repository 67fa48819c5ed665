import { type Kysely, sql, type Transaction } from 'kysely';

import type { CdrsTable, UsageHourlyTable } from '../../db/cdr-tables.js';
import type { Database } from '../../db/schema.js';
import type { RatedCall } from '../rating/rate-call.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The rating columns of a CDR row from a rating. */
export function ratingColumns(
  r: RatedCall,
): Pick<CdrsTable, 'sell_rate' | 'sell_billable' | 'sell_amount' | 'cost_rate' | 'cost_billable' | 'cost_amount' | 'rating_error'> {
  return {
    sell_rate: r.sell.tariff?.rate ?? null,
    sell_billable: r.sell.charge.billableSeconds,
    sell_amount: r.sell.charge.amount,
    cost_rate: r.cost.tariff?.rate ?? null,
    cost_billable: r.cost.charge.billableSeconds,
    cost_amount: r.cost.charge.amount,
    rating_error: r.error,
  };
}

export const hourOf = (iso: string) => iso.slice(0, 13);

type RollupSource = Pick<
  CdrsTable,
  | 'customer_id'
  | 'trunk_id'
  | 'provider_id'
  | 'zone'
  | 'started_at'
  | 'disposition'
  | 'duration'
  | 'sell_billable'
  | 'sell_amount'
  | 'cost_amount'
  | 'rating_error'
>;

/**
 * Adds (sign 1) or removes (sign −1) CDRs from the hourly roll-ups: one upsert per key, keys in a
 * fixed order. Called only in the transaction that stored (or re-rated) those CDRs, so each CDR
 * is counted exactly once.
 */
export async function addToRollups(trx: Db, cdrs: readonly RollupSource[], sign: 1 | -1): Promise<void> {
  const byKey = new Map<string, UsageHourlyTable>();
  for (const c of cdrs) {
    const row = { customer_id: c.customer_id, trunk_id: c.trunk_id ?? '', provider_id: c.provider_id ?? '', zone: c.zone ?? '', hour: hourOf(c.started_at) };
    const key = `${row.customer_id}|${row.hour}|${row.trunk_id}|${row.provider_id}|${row.zone}`;
    let agg = byKey.get(key);
    if (!agg) byKey.set(key, (agg = { ...row, calls: 0, answered: 0, duration: 0, sell_billable: 0, sell_amount: 0, cost_amount: 0, unrated: 0 }));
    agg.calls += sign;
    if (c.disposition === 'answered') agg.answered += sign;
    agg.duration = Number(agg.duration) + sign * Number(c.duration);
    agg.sell_billable = Number(agg.sell_billable) + sign * Number(c.sell_billable);
    agg.sell_amount = Number(agg.sell_amount) + sign * Number(c.sell_amount);
    agg.cost_amount = Number(agg.cost_amount) + sign * Number(c.cost_amount);
    if (c.rating_error) agg.unrated += sign;
  }
  const rows = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  const add = (col: string) => sql<number>`usage_hourly.${sql.ref(col)} + excluded.${sql.ref(col)}`;
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('usage_hourly')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['customer_id', 'hour', 'trunk_id', 'provider_id', 'zone']).doUpdateSet({
          calls: add('calls'),
          answered: add('answered'),
          duration: add('duration'),
          sell_billable: add('sell_billable'),
          sell_amount: add('sell_amount'),
          cost_amount: add('cost_amount'),
          unrated: add('unrated'),
        }),
      )
      .execute();
  }
}
