import type { Jurisdiction } from '@warp/contract';

import { decide, type ProviderSnap, type RateRow, type RouteDecision, type RoutingSnapshot, toMicros, type TraceStep } from '../routing/engine/index.js';
import { type Charge, chargeOf, type Tariff, ZERO_CHARGE } from './charge.js';

/*
 * Rating one call on both sides against a routing snapshot (which holds every effective-dated deck
 * row, past ones included). The route engine itself decides the sell rate (trunk override >
 * customer override > plan) and each provider's cost and jurisdiction as of the call's start; this
 * file only reads back the deck rows those came from, for their increments and connection fees.
 */

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
}

export interface Leg {
  tariff: Tariff | null;
  charge: Charge;
}

export interface RatedCall {
  zone: string | null;
  jurisdiction: Jurisdiction | null;
  sell: Leg;
  cost: Leg;
  /** why the call could not be rated (then both charges are 0 and the CDR is listed for staff) */
  error: string | null;
  trace: TraceStep[];
}

/** A customer deck without its own increments (a sell override with no plan row) bills 6/6. */
const DEFAULT_SELL = { connectionFee: 0, initialIncrement: 6, subsequentIncrement: 6, minimumDuration: 0 } as const;

const tariffOf = (rate: number, row: RateRow | undefined, fallback: Omit<Tariff, 'rate'>): Tariff =>
  row
    ? {
        rate,
        connectionFee: row.connectionFee,
        initialIncrement: row.initialIncrement,
        subsequentIncrement: row.subsequentIncrement,
        minimumDuration: row.minimumDuration,
      }
    : { rate, ...fallback };

export function rateCall(snapshot: RoutingSnapshot, call: CallFacts): RatedCall {
  const decision = decide(snapshot, {
    trunkId: call.trunkId ?? undefined,
    customerId: call.customerId,
    ani: call.ani,
    dni: call.dni,
    at: call.startedAt,
    // Only the first route is built (dial strings and decimal rates cost time); a provider further
    // down, or one the engine would not offer now, is priced from its row below.
    maxRoutes: 1,
    rng: () => 0,
  });
  const answering = call.providerId ? decision.routes.find((r) => r.provider_id === call.providerId) : undefined;
  const out: RatedCall = {
    zone: answering?.jurisdiction ?? naturalJurisdiction(decision) ?? decision.zone,
    jurisdiction: answering?.jurisdiction ?? naturalJurisdiction(decision) ?? null,
    sell: { tariff: null, charge: ZERO_CHARGE },
    cost: { tariff: null, charge: ZERO_CHARGE },
    error: null,
    trace: decision.trace,
  };
  if (!call.answered) return out; // unanswered calls cost nothing on either side

  if (decision.sell_rate === null) return fail(out, `no sell rate at the call's start (${decision.reason_code ?? 'NO_ROUTE'})`);
  if (!call.providerId) return fail(out, 'answered, but no attempt names the provider that answered');
  const provider = snapshot.providers.get(call.providerId);
  if (!provider) return fail(out, `provider ${call.providerId} is unknown`);
  const costRow = costRowOf(snapshot, provider, decision, call.startedAt);
  let costRate: number | null = answering ? toMicros(answering.cost_rate) : null;
  if (!answering && costRow) {
    // Not the engine's first choice now (a failover, or above the sell ceiling, outside a
    // window…), but the call was carried: its cost is still the provider's row.
    const priced = droppedProviderCost(costRow, provider, naturalJurisdiction(decision), decision.dni_state);
    costRate = priced.rate;
    out.jurisdiction = priced.jurisdiction;
    out.zone = priced.jurisdiction ?? decision.zone;
  }
  if (costRate === null || !costRow)
    return fail(out, `provider ${provider.name} had no usable rate for this call at its start${dropReason(decision, provider.id)}`);

  const sellRow = sellRowOf(snapshot, decision, call);
  out.sell.tariff = tariffOf(toMicros(decision.sell_rate), sellRow, DEFAULT_SELL);
  out.cost.tariff = tariffOf(costRate, costRow, DEFAULT_SELL);
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

function dropReason(d: RouteDecision, providerId: string): string {
  const step = d.trace.find((s) => s.provider_id === providerId && s.dropped);
  return step ? ` (${step.dropped}: ${step.detail})` : '';
}

/**
 * The sell deck row the engine priced from: longest prefix of the plan (the trunk's, else the
 * customer's) on the dialled digits. A sell override keeps that row's increments and fee.
 */
function sellRowOf(snapshot: RoutingSnapshot, d: RouteDecision, call: CallFacts): RateRow | undefined {
  const trunk = call.trunkId ? snapshot.trunks.get(call.trunkId) : undefined;
  const customer = snapshot.customers.get(trunk?.customerId ?? call.customerId);
  const plan = trunk?.ratePlan ?? customer?.ratePlan;
  if (!plan || !d.normalized) return undefined;
  return snapshot.sellPlans.get(plan)?.longestPrefix(d.normalized.slice(1), call.startedAt)?.row;
}

/**
 * The provider deck row the engine priced from, by the provider's billing model: OCN/LATA rows by
 * the terminating NPA-NXX's carrier, else the longest prefix of the LRN (when one was used) or
 * the dialled digits. A small reading of the routing snapshot (the engine keeps its own private).
 */
export function costRowOf(snapshot: RoutingSnapshot, p: ProviderSnap, d: RouteDecision, at: number): RateRow | undefined {
  const dialled = (d.normalized ?? '').replace(/^\+/, '');
  const term = p.type === 'lrn' || p.type === 'ocn_lata' ? (d.lrn ? `1${d.lrn}` : dialled) : dialled;
  if (p.type === 'ocn_lata' && term.length >= 7) {
    const info = snapshot.reference.lookup(term.slice(1, 7));
    const row = info?.ocn && info.lata ? p.deck.exact(`${info.ocn}:${info.lata}`, at) : undefined;
    if (row) return row;
  }
  return p.deck.longestPrefix(term, at)?.row;
}

/** The call's own jurisdiction as the engine wrote it in its trace (`<jurisdiction>: <why>`). */
function naturalJurisdiction(d: RouteDecision): Jurisdiction | undefined {
  const step = d.trace.find((t) => t.step === 'jurisdiction');
  const word = step?.detail.split(':')[0];
  return word === 'interstate' || word === 'intrastate' || word === 'local' || word === 'indeterminate' ? word : undefined;
}

/**
 * A provider's rate on its row for a jurisdiction, the engine's column rules (docs/warp-routing.md):
 * local falls back to intrastate, an indeterminate call without an indeterminate rate follows the
 * provider's IJ policy, rows without jurisdictions have one rate. Used for a provider that is not
 * the engine's first route; the engine's own cost function is private to decide.ts.
 */
function droppedProviderCost(
  row: RateRow,
  p: ProviderSnap,
  natural: Jurisdiction | undefined,
  dniState: string | null,
): { rate: number | null; jurisdiction: Jurisdiction | null } {
  const column = (j: Exclude<Jurisdiction, 'indeterminate'>) =>
    j === 'local' ? (row.local ?? row.intrastate ?? row.rate) : ((j === 'interstate' ? row.interstate : row.intrastate) ?? row.rate);
  if (natural === undefined) return { rate: row.rate ?? row.interstate ?? row.indeterminate, jurisdiction: null };
  if (natural !== 'indeterminate') return { rate: column(natural), jurisdiction: natural };
  if (row.indeterminate !== null) return { rate: row.indeterminate, jurisdiction: 'indeterminate' };
  const j = p.jurisdictionPolicy === 'poi' ? (dniState !== null && dniState === p.poiState ? 'intrastate' : 'interstate') : p.jurisdictionPolicy;
  return { rate: column(j), jurisdiction: j };
}
