import type { Cdr, CdrDetail } from '@warp/contract';

import type { CdrRatingHistoryTable, CdrsTable } from '../../db/cdr-tables.js';
import { formatUnits, marginPercent } from '../rating/charge.js';
import { fromMicros, type TraceStep } from '../routing/engine/index.js';

const rateOf = (v: number | string | null) => (v === null ? null : fromMicros(Number(v)));
const units = (v: number | string) => BigInt(String(v));

/** What a customer sees: the sell side only (never the provider, its cost or the margin). */
export function presentCdr(row: CdrsTable): Cdr {
  return {
    id: row.id,
    call_id: row.call_id,
    trunk_id: row.trunk_id,
    ani: row.ani,
    dni: row.dni,
    direction: row.direction,
    zone: row.zone as Cdr['zone'],
    started_at: row.started_at,
    answered_at: row.answered_at,
    ended_at: row.ended_at,
    duration: Number(row.duration),
    billable_seconds: Number(row.sell_billable),
    rate: rateOf(row.sell_rate),
    amount: formatUnits(units(row.sell_amount)),
    disposition: row.disposition,
  };
}

/**
 * Staff: both ratings, the attempts, the trace (the recorded route decision's steps when the CDR
 * names one, then how rating priced it) and the figures before each re-rating.
 */
export function presentCdrDetail(
  row: CdrsTable,
  history: CdrRatingHistoryTable[] = [],
  decisionTrace: readonly TraceStep[] = [],
): CdrDetail & { cost_billable_seconds: number; rating_history: unknown[] } {
  const sell = units(row.sell_amount);
  const cost = units(row.cost_amount);
  return {
    ...presentCdr(row),
    customer_id: row.customer_id,
    sell_rate: rateOf(row.sell_rate),
    sell_amount: formatUnits(sell),
    cost_rate: rateOf(row.cost_rate),
    cost_amount: formatUnits(cost),
    cost_billable_seconds: Number(row.cost_billable),
    margin: formatUnits(sell - cost),
    margin_percent: marginPercent(sell, cost),
    provider_id: row.provider_id,
    attempts: JSON.parse(row.attempts),
    rating_error: row.rating_error,
    trace: [...decisionTrace, ...(JSON.parse(row.trace) as TraceStep[])],
    rating_history: history.map((h) => ({
      rerate_id: h.rerate_id,
      sell_rate: rateOf(h.sell_rate),
      sell_amount: formatUnits(units(h.sell_amount)),
      cost_rate: rateOf(h.cost_rate),
      cost_amount: formatUnits(units(h.cost_amount)),
      rating_error: h.rating_error,
      rated_at: h.rated_at,
      replaced_at: h.replaced_at,
    })),
  };
}
