import type { Jurisdiction } from '@warp/contract';

import { aniStateOf, callJurisdiction, costOf, needsLrn, pickOverride, sellPrice, stateOf } from './decide.js';
import { type DeckMatch, prefixesOf, type RateRow } from './deck.js';
import type { Micros } from './money.js';
import { type Normalized, normalizeNumber } from './numbers.js';
import type { CustomerSnap, ProviderSnap, RoutingSnapshot, TrunkSnap } from './snapshot.js';

/*
 * Pricing one call for one provider (or one customer's plan) without deciding a route: what rating
 * needs. The route engine picks among providers and writes a trace; rating already knows who
 * carried the call and only asks "which row, which rate". Every rule here is the engine's own
 * function from decide.ts (jurisdiction, column choice, IJ policy, sell overrides), so a call is
 * priced exactly as the engine would have priced that provider at that instant.
 */

/** The dialled number as the engine reads it, and where the call terminates (the LRN's NPA-NXX when one was used). */
export interface PricedNumber {
  dni: Normalized;
  /** the dialled digits' prefixes, shortest first (built once, probed by every deck) */
  dialledPrefixes: readonly string[];
  termPrefixes: readonly string[];
  termNpanxx: string | null;
  termOcnLata: { ocn: string; lata: string } | undefined;
  termRateCenter: string | null;
  dniState: string | null;
  lrn: string | null;
}

/**
 * Normalizes the dialled number like the engine (the trunk's tech prefix stripped) and resolves its
 * terminating NPA-NXX: the LRN the route decision used, if any, else the dialled one.
 */
export function priceNumberOf(snapshot: RoutingSnapshot, dni: string, techPrefix: string | null | undefined, lrn: string | null): PricedNumber | undefined {
  const n = normalizeNumber(dni, techPrefix);
  if (!n) return undefined;
  const dialledPrefixes = prefixesOf(n.digits);
  const ported = lrn !== null && needsLrn(n) ? lrn : null;
  const termDigits = ported ? `1${ported}` : n.digits;
  const termNpanxx = ported ? ported.slice(0, 6) : n.npanxx;
  const info = termNpanxx ? snapshot.reference.lookup(termNpanxx) : undefined;
  return {
    dni: n,
    dialledPrefixes,
    termPrefixes: termDigits === n.digits ? dialledPrefixes : prefixesOf(termDigits),
    termNpanxx,
    termOcnLata: info?.ocn && info.lata ? { ocn: info.ocn, lata: info.lata } : undefined,
    termRateCenter: info?.rateCenter ?? null,
    dniState: termNpanxx ? stateOf(snapshot, termNpanxx) : null,
    lrn: ported,
  };
}

/** The call's own jurisdiction (undefined outside US and premium numbers), by the engine's rule. */
export function jurisdictionOf(snapshot: RoutingSnapshot, ani: string, number: PricedNumber): Jurisdiction | undefined {
  const caller = ani ? normalizeNumber(ani) : undefined;
  return callJurisdiction(snapshot, number.dni.zone, caller, aniStateOf(snapshot, caller), number.dniState, number.termRateCenter);
}

export interface ProviderPrice {
  row: RateRow;
  /** per minute, micro-units */
  rate: Micros;
  /** the column priced: the call's jurisdiction, or the provider's IJ policy's choice for an indeterminate call */
  jurisdiction: Jurisdiction | undefined;
  /** which row: prefix, NPA-NXX key or OCN/LATA */
  matched: string;
}

/** A provider's row and rate for the call at `at` (its billing model, columns and IJ policy), or undefined without one. */
export function priceProvider(provider: ProviderSnap, number: PricedNumber, jurisdiction: Jurisdiction | undefined, at: number): ProviderPrice | undefined {
  const lookup = (p: ProviderSnap, terminating: boolean): DeckMatch | undefined =>
    p.deck.longestOf(terminating ? number.termPrefixes : number.dialledPrefixes, at);
  const priced = costOf(provider, lookup, number.termOcnLata, jurisdiction, number.dniState, at);
  return priced && { row: priced.row, rate: priced.cost, jurisdiction: priced.jurisdiction, matched: priced.matched };
}

export interface SellPrice {
  rate: Micros;
  /** the plan row (longest prefix of the dialled digits): increments, minimum and fee, kept under a sell override */
  row: RateRow | undefined;
  /** where the rate came from, for the rating trace */
  source: string;
}

/**
 * The customer's rate for the call at `at`: a sell override (trunk, then customer, then global;
 * the engine's pickOverride), else the trunk's plan or the customer's; undefined without one.
 */
export function priceSell(
  snapshot: RoutingSnapshot,
  trunk: TrunkSnap | undefined,
  customer: CustomerSnap,
  number: PricedNumber,
  jurisdiction: Jurisdiction | undefined,
  at: number,
): SellPrice | undefined {
  const plan = trunk?.ratePlan ?? customer.ratePlan;
  const match = plan ? snapshot.sellPlans.get(plan)?.longestOf(number.dialledPrefixes, at) : undefined;
  const override = snapshot.overrides.length
    ? pickOverride(snapshot.overrides, 'sell_rate', trunk?.id ?? null, customer.id, number.dni, number.termNpanxx, number.termOcnLata, at)
    : undefined;
  if (override) return override.rate === null ? undefined : { rate: override.rate, row: match?.row, source: `sell override ${override.id}` };
  const rate = match ? sellPrice(match.row, jurisdiction) : null;
  if (!match || rate === null) return undefined;
  return { rate, row: match.row, source: `plan ${plan}, ${match.matched}` };
}
