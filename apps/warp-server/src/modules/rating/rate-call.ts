import type { Jurisdiction } from '@warp/contract';

import { fromMicros, type RateRow, type RoutingSnapshot, type TraceStep } from '../routing/engine/index.js';
import { jurisdictionOf, priceNumberOf, priceProvider, priceSell } from '../routing/engine/price-provider.js';
import { type Charge, chargeOf, type Tariff, ZERO_CHARGE } from './charge.js';

/*
 * Rating one call on both sides against a routing snapshot (which holds every effective-dated deck
 * row, past ones included). The engine's pricing entry point (price-provider.ts) reads the sell
 * rate (trunk override > customer override > plan) and the answering provider's row and column as
 * of the call's start, on the jurisdiction the route decision recorded (else the engine's own rule
 * for it). No route is decided here: the call was already carried.
 */

/** What the call's route decision recorded, when the edge named one (rating-side view of route_decisions). */
export interface RecordedDecision {
  id: string;
  /** the call's own jurisdiction as routing saw it (null outside US and premium numbers) */
  jurisdiction: Jurisdiction | null;
  /** the LRN the decision priced on (a ported number), if a dip found one */
  lrn: string | null;
}

export interface CallFacts {
  trunkId: string | null;
  customerId: string;
  ani: string;
  dni: string;
  /** epoch ms of the call's start: the instant every deck row is read at */
  startedAt: number;
  /** the provider of the attempt that answered, if one did */
  providerId: string | null;
  answered: boolean;
  /** seconds from answer to end */
  rawSeconds: number;
  /** the route decision the edge named, as recorded; absent: the jurisdiction is computed */
  decision?: RecordedDecision | null;
}

export interface Leg {
  tariff: Tariff | null;
  charge: Charge;
}

export interface RatedCall {
  zone: string | null;
  /** the call's own jurisdiction (the sell side's column) */
  jurisdiction: Jurisdiction | null;
  /** where the jurisdiction came from: a recorded route decision's id, or null when computed here */
  jurisdictionFrom: string | null;
  /** the cost side's column (differs from `jurisdiction` when the provider's IJ policy priced an indeterminate call) */
  costJurisdiction: Jurisdiction | null;
  sell: Leg;
  cost: Leg;
  /** which plan row or override priced the sell side, and which row the cost side */
  sellSource: string | null;
  costSource: string | null;
  /** why the call could not be rated (then both charges are 0 and the CDR is listed for staff) */
  error: string | null;
}

/** A customer deck without its own increments (a sell override with no plan row) bills 6/6. */
const DEFAULT_SELL = { connectionFee: 0, initialIncrement: 6, subsequentIncrement: 6, minimumDuration: 0 } as const;

const tariffOf = (rate: number, row: RateRow | undefined): Tariff =>
  row
    ? {
        rate,
        connectionFee: row.connectionFee,
        initialIncrement: row.initialIncrement,
        subsequentIncrement: row.subsequentIncrement,
        minimumDuration: row.minimumDuration,
      }
    : { rate, ...DEFAULT_SELL };

export function rateCall(snapshot: RoutingSnapshot, call: CallFacts): RatedCall {
  const out: RatedCall = {
    zone: null,
    jurisdiction: null,
    jurisdictionFrom: null,
    costJurisdiction: null,
    sell: { tariff: null, charge: ZERO_CHARGE },
    cost: { tariff: null, charge: ZERO_CHARGE },
    sellSource: null,
    costSource: null,
    error: null,
  };
  const trunk = call.trunkId ? snapshot.trunks.get(call.trunkId) : undefined;
  const recorded = call.decision ?? null;
  const number = priceNumberOf(snapshot, call.dni, trunk?.techPrefix, recorded?.lrn ?? null);
  if (!number)
    return call.answered ? fail(out, `no sell rate at the call's start (INVALID_NUMBER: ${JSON.stringify(call.dni)} is not a dialable number)`) : out;
  const jurisdiction = recorded?.jurisdiction ?? jurisdictionOf(snapshot, call.ani, number);
  out.jurisdiction = jurisdiction ?? null;
  out.jurisdictionFrom = recorded?.jurisdiction ? recorded.id : null;
  out.zone = jurisdiction ?? number.dni.zone;
  if (!call.answered) return out; // unanswered calls cost nothing on either side

  const customer = snapshot.customers.get(trunk?.customerId ?? call.customerId);
  if (!customer) return fail(out, `no sell rate at the call's start (customer ${call.customerId} is unknown)`);
  const sell = priceSell(snapshot, trunk, customer, number, jurisdiction, call.startedAt);
  if (!sell) return fail(out, `no sell rate at the call's start (RATE_NOT_FOUND: no sell rate for +${number.dni.digits})`);
  if (!call.providerId) return fail(out, 'answered, but no attempt names the provider that answered');
  const provider = snapshot.providers.get(call.providerId);
  if (!provider) return fail(out, `provider ${call.providerId} is unknown`);
  const cost = priceProvider(provider, number, jurisdiction, call.startedAt);
  if (!cost)
    return fail(
      out,
      `provider ${provider.name} had no usable rate for this call at its start (no row for +${number.dni.digits}${number.lrn ? ` or LRN ${number.lrn}` : ''})`,
    );

  out.costJurisdiction = cost.jurisdiction ?? null;
  // The zone column is the carried call's priced column (the IJ policy's choice included), as the roll-ups group it.
  out.zone = cost.jurisdiction ?? out.zone;
  out.sellSource = sell.source;
  out.costSource = `${provider.name}, ${cost.matched}`;
  out.sell.tariff = tariffOf(sell.rate, sell.row);
  out.cost.tariff = tariffOf(cost.rate, cost.row);
  out.sell.charge = chargeOf(call.rawSeconds, out.sell.tariff);
  out.cost.charge = chargeOf(call.rawSeconds, out.cost.tariff);
  return out;
}

function fail(out: RatedCall, error: string): RatedCall {
  out.error = error;
  out.sell = { tariff: null, charge: ZERO_CHARGE };
  out.cost = { tariff: null, charge: ZERO_CHARGE };
  return out;
}

/** How the call was priced, as trace steps stored with the CDR (built only when a row is written, not per rating). */
export function ratingTrace(r: RatedCall): TraceStep[] {
  const steps: TraceStep[] = [];
  if (r.jurisdiction)
    steps.push({
      step: 'jurisdiction',
      detail: `${r.jurisdiction}: ${r.jurisdictionFrom ? `recorded on route decision ${r.jurisdictionFrom}` : 'computed at rating (no recorded route decision)'}`,
    });
  if (r.sell.tariff) steps.push({ step: 'sell_rate', detail: `${r.sellSource}: ${fromMicros(r.sell.tariff.rate)}` });
  if (r.cost.tariff)
    steps.push({
      step: 'cost_rate',
      detail: `${r.costSource}${r.costJurisdiction ? `, ${r.costJurisdiction}` : ''}: ${fromMicros(r.cost.tariff.rate)}`,
    });
  if (r.error) steps.push({ step: 'rating_error', detail: r.error });
  return steps;
}
