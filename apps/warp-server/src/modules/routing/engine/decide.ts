import { classifyDestination } from '@opbx/platform/telephony';
import type { Jurisdiction, RejectReason } from '@warp/contract';

import { type DeckMatch, prefixesOf, type RateRow } from './deck.js';
import { fromMicros, marginOf, type Micros } from './money.js';
import { aniClassOf, destinationClassOf, matchesPattern, type Normalized, normalizeNumber, US_TERRITORY_NPAS, type Zone } from './numbers.js';
import { longestForAll, priceIndexOf } from './price-index.js';
import type { CustomerSnap, ExclusionSnap, OverrideSnap, ProviderSnap, RoutingSnapshot, TrunkSnap } from './snapshot.js';
import { inAnyWindow, inWindow } from './windows.js';

/*
 * The route engine: a pure function of (snapshot, request). The order of the steps and every
 * precedence rule are written down in docs/warp-routing.md; keep the two in step.
 */

export type LrnResult = { status: 'found'; lrn: string } | { status: 'not_found' } | { status: 'failed'; error: string };

export interface RouteRequest {
  trunkId?: string;
  customerId?: string;
  ani: string;
  dni: string;
  /** the instant to decide at (epoch ms): rates, windows and expiries are read as of then */
  at: number;
  /** the LRN dip's answer for the dialled number; absent when none was made */
  lrn?: LrnResult;
  /** uniform [0,1) for weighted ties; injectable so tests can count draws */
  rng?: () => number;
  /** live channels and calls-per-second per provider, for the capacity check */
  load?: (providerId: string) => { channels: number; cps: number } | undefined;
  maxRoutes?: number;
  /** fresher trunk / customer settings than the snapshot's (the simulator reads them per request) */
  trunk?: TrunkSnap;
  customer?: CustomerSnap;
}

export interface TraceStep {
  step: string;
  detail: string;
  provider_id?: string;
  dropped?: string;
}

export interface RoutedCandidate {
  provider_id: string;
  provider_name: string;
  cost_rate: string;
  sell_rate: string | null;
  margin: string | null;
  jurisdiction?: Jurisdiction;
  dial_string: string;
  /** which deck row priced it (prefix or NPA-NXX key, OCN:LATA), for the trace and CDR rating */
  rate_key: string;
  forced: boolean;
}

export interface RouteDecision {
  decision: 'route' | 'reject';
  reason_code: RejectReason | null;
  zone: Zone | null;
  lrn: string | null;
  ani_state: string | null;
  dni_state: string | null;
  normalized: string | null;
  destination_class: 'domestic' | 'international' | 'tollfree' | 'premium' | null;
  sell_rate: string | null;
  /** the call's own jurisdiction (US and premium numbers), before any provider's IJ policy: what rating reads back */
  jurisdiction: Jurisdiction | null;
  routes: RoutedCandidate[];
  trace: TraceStep[];
}

/** Zones whose numbers are dipped for an LRN (ported numbers). */
export const needsLrn = (n: Normalized | undefined): boolean => !!n && (n.zone === 'us' || n.zone === 'canada' || n.zone === 'premium');

/** Which provider types carry which zones. */
const CARRIES: Record<Zone, ReadonlySet<ProviderSnap['type']>> = {
  us: new Set(['lrn', 'ocn_lata', 'prefix']),
  canada: new Set(['lrn', 'ocn_lata', 'prefix']),
  premium: new Set(['lrn', 'ocn_lata', 'prefix']),
  caribbean: new Set(['prefix', 'international']),
  international: new Set(['prefix', 'international']),
  tollfree: new Set(['tollfree', 'prefix']),
  n11: new Set(),
};

type DropKind = 'disabled' | 'window' | 'excluded' | 'unfit' | 'ani_class' | 'capacity' | 'no_rate' | 'ceiling';

interface Candidate {
  provider: ProviderSnap;
  priced: { cost: Micros; jurisdiction: Jurisdiction | undefined; row: RateRow; matched: string };
  priority: number;
  weight: number;
  forcedIndex: number;
  draw: number;
}

/**
 * A trace step, or how to build it. Formatting twenty candidates' rates and reasons cost more
 * than the decision itself, and the call path never reads them: the strings are built the first
 * time someone reads `decision.trace` (the simulator, a JSON answer, the decision log), from
 * values captured when the step happened, so the content is the same as if built at once.
 */
type TraceEntry = TraceStep | LazyStep | (() => TraceStep) | Candidate;
/** A step whose detail is formatted when read. */
interface LazyStep {
  step: string;
  lazy: () => string;
}

/** A kept candidate's step, from the candidate itself (no closure per candidate on the call path). */
const candidateStep = (c: Candidate): TraceStep => ({
  step: 'candidate',
  detail: `${c.provider.name}: cost ${fromMicros(c.priced.cost)} (${c.priced.matched}${c.priced.jurisdiction ? `, ${c.priced.jurisdiction}` : ''})`,
  provider_id: c.provider.id,
});

const NO_IDS: readonly string[] = [];

/*
 * The per-decision helpers below are module functions and a class rather than closures named in
 * decide(): tsx (esbuild keepNames) wraps every named closure in a defineProperty call, which cost
 * more than the work of several steps.
 */

/** Makes `out.trace` a plain property holding `value`. */
function settleTrace(out: object, value: TraceStep[]): TraceStep[] {
  Object.defineProperty(out, 'trace', { value, writable: true, enumerable: true, configurable: true });
  return value;
}

/** Where a decision keeps its unbuilt steps (not enumerable: JSON, keys and spreads never see it). */
const TRACE_ENTRIES = Symbol('trace entries');

/**
 * One getter shared by every decision (it finds the steps on `this`). A getter closure per
 * decision would give each decision object its own hidden class: V8's transition tree grew by one
 * map per decision, and scavenges slowed down as it grew.
 */
const LAZY_TRACE: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: { [TRACE_ENTRIES]: TraceEntry[] }) {
    return settleTrace(
      this,
      this[TRACE_ENTRIES].map((e) => (typeof e === 'function' ? e() : 'priced' in e ? candidateStep(e) : 'lazy' in e ? { step: e.step, detail: e.lazy() } : e)),
    );
  },
  set(this: object, value: TraceStep[]) {
    settleTrace(this, value);
  },
};

/** Defines `out.trace` as a getter that builds the steps once, then becomes a plain property. */
function lazyTrace(out: Omit<RouteDecision, 'trace'>, entries: TraceEntry[]): RouteDecision {
  Object.defineProperty(out, TRACE_ENTRIES, { value: entries });
  Object.defineProperty(out, 'trace', LAZY_TRACE);
  return out as RouteDecision;
}

/** The steps of one decision, and which reasons dropped its candidates (one kind alone names the rejection). */
class Steps {
  readonly entries: TraceEntry[] = [];
  private dropKind: DropKind | null = null;
  private mixedDrops = false;

  note(step: string, detail: string): void {
    this.entries.push({ step, detail });
  }

  /** A step whose detail is formatted only if the trace is read. */
  later(step: string, detail: () => string): void {
    this.entries.push({ step, lazy: detail });
  }

  drop(provider: { id: string; name?: string } | undefined, id: string, kind: DropKind, why: () => string): void {
    if (this.dropKind === null) this.dropKind = kind;
    else if (this.dropKind !== kind) this.mixedDrops = true;
    this.entries.push(() => ({ step: 'candidate', detail: `${provider?.name ?? id}: ${why()}`, provider_id: id, dropped: kind }));
  }

  onlyDropped(kind: DropKind): boolean {
    return !this.mixedDrops && this.dropKind === kind;
  }
}

/** Ends a decision with a reject reason (its detail is built at once: rejections are rare and final). */
function rejectWith(out: RouteDecision, steps: Steps, code: RejectReason, detail: string): RouteDecision {
  steps.note('reject', `${code}: ${detail}`);
  out.reason_code = code;
  return out;
}

/** An exclusion in force at `at` for this customer (global ones for everyone). */
const isLive = (e: ExclusionSnap, at: number, customerId: string): boolean =>
  (e.expiresAt === null || at < e.expiresAt) && (e.customerId === null || e.customerId === customerId);

/**
 * Every provider's longest match on the dialled or the terminating (LRN) digits, each computed
 * once for all providers when first needed; what costOf calls.
 */
function lookupFor(snapshot: RoutingSnapshot, dialledPrefixes: readonly string[], termPrefixes: readonly string[], at: number) {
  const index = priceIndexOf(snapshot.providers);
  let dialledHits: (DeckMatch | undefined)[] | undefined;
  let termHits: (DeckMatch | undefined)[] | undefined;
  return (p: ProviderSnap, terminating: boolean): DeckMatch | undefined => {
    const slot = index.slots.get(p.id);
    if (slot === undefined) return terminating ? p.deck.longestOf(termPrefixes, at) : p.deck.longestOf(dialledPrefixes, at);
    if (terminating && termPrefixes !== dialledPrefixes) return (termHits ??= longestForAll(index, termPrefixes, at))[slot];
    return (dialledHits ??= longestForAll(index, dialledPrefixes, at))[slot];
  };
}

export function decide(snapshot: RoutingSnapshot, req: RouteRequest): RouteDecision {
  const steps = new Steps();
  const out = lazyTrace(
    {
      decision: 'reject',
      reason_code: null,
      zone: null,
      lrn: null,
      ani_state: null,
      dni_state: null,
      normalized: null,
      destination_class: null,
      sell_rate: null,
      jurisdiction: null,
      routes: [],
    },
    steps.entries,
  );
  const at = req.at;
  const rng = req.rng ?? Math.random;

  // 1. Who is calling: the trunk (and its customer), or a customer alone (simulator).
  let trunk: TrunkSnap | undefined;
  if (req.trunkId) {
    trunk = req.trunk?.id === req.trunkId ? req.trunk : snapshot.trunks.get(req.trunkId);
    if (!trunk) return rejectWith(out, steps, 'TRUNK_DISABLED', `trunk ${req.trunkId} is unknown`);
  }
  const customerId = trunk?.customerId ?? req.customerId ?? '';
  const customer = req.customer?.id === customerId ? req.customer : snapshot.customers.get(customerId);
  if (!customer) return rejectWith(out, steps, 'NO_ROUTE', 'unknown customer');
  if (trunk) {
    if (trunk.status !== 'active' && trunk.status !== 'testing') return rejectWith(out, steps, 'TRUNK_DISABLED', `trunk ${trunk.name} is ${trunk.status}`);
    if (trunk.direction === 'inbound') return rejectWith(out, steps, 'TRUNK_DISABLED', `trunk ${trunk.name} only receives calls`);
  }
  if (customer.status !== 'active') return rejectWith(out, steps, 'CUSTOMER_SUSPENDED', `customer ${customer.name} is ${customer.status}`);
  const caller = trunk;
  steps.later('precheck', () =>
    caller ? `trunk ${caller.name} (${caller.status}), customer ${customer.name} active` : `customer ${customer.name} active (no trunk)`,
  );

  // 2. The number: normalize, classify, check against the trunk.
  const dni = normalizeNumber(req.dni, trunk?.techPrefix);
  if (!dni) return rejectWith(out, steps, 'INVALID_NUMBER', `${JSON.stringify(req.dni)} is not a dialable number`);
  out.zone = dni.zone;
  out.normalized = `+${dni.digits}`;
  const destinationClass = destinationClassOf(dni.zone);
  out.destination_class = destinationClass;
  const dialled = req.dni;
  steps.later('normalize', () => `${dialled} → +${dni.digits}: zone ${dni.zone}, class ${destinationClass}${dni.npanxx ? `, NPA-NXX ${dni.npanxx}` : ''}`);
  if (dni.zone === 'n11') return rejectWith(out, steps, 'DESTINATION_NOT_ALLOWED', `N11 service code ${dni.digits} is not carried`);
  if (trunk && !trunk.allowedDestinations.has(destinationClass))
    return rejectWith(out, steps, 'DESTINATION_NOT_ALLOWED', `${destinationClass} destinations are not allowed on trunk ${trunk.name}`);
  if (trunk && trunk.blockedPrefixes.length > 0) {
    const blocked = trunk.blockedPrefixes.find((p) => dni.digits.startsWith(p.replace(/^\+/, '')));
    if (blocked) return rejectWith(out, steps, 'DESTINATION_BLOCKED', `trunk blocked prefix ${blocked}`);
  }

  // 3. Destination exclusions (global and this customer's, unexpired).
  let country: string | null | undefined = dni.country;
  for (const e of snapshot.exclusions) {
    if (e.providerId || !isLive(e, at, customer.id)) continue;
    const scope = e.customerId ? 'customer' : 'global';
    let why: string | undefined;
    if (e.prefix && dni.digits.startsWith(e.prefix)) why = `prefix ${e.prefix}`;
    else if (e.npanxxPattern && dni.digits.length === 11 && dni.digits[0] === '1' && matchesPattern(e.npanxxPattern, dni.digits.slice(1)))
      why = `NPA-NXX pattern ${e.npanxxPattern}`;
    else if (e.premium && dni.zone === 'premium') why = 'premium destinations';
    else if (e.country) {
      // non-NANP numbers are classified by libphonenumber, only when a country exclusion asks
      if (country === undefined || country === null) country = classifyDestination(`+${dni.digits}`)?.country ?? null;
      if (country === e.country) why = `country ${e.country}`;
    }
    if (why) return rejectWith(out, steps, 'DESTINATION_BLOCKED', `${scope} exclusion ${e.id}: ${why}${e.reason ? ` (${e.reason})` : ''}`);
  }

  // 4. The caller: class and state.
  const ani = req.ani ? normalizeNumber(req.ani) : undefined;
  const aniClass = aniClassOf(ani);
  const aniState = aniStateOf(snapshot, ani);
  out.ani_state = aniState;

  // 5. LRN: ported numbers are priced and routed on their LRN's NPA-NXX.
  let termDigits = dni.digits;
  let termNpanxx = dni.npanxx;
  if (needsLrn(dni)) {
    const lrn = req.lrn;
    if (lrn?.status === 'failed') {
      if (snapshot.options.lrnFailurePolicy === 'block') return rejectWith(out, steps, 'LRN_LOOKUP_FAILED', `LRN dip failed (${lrn.error}); policy: block`);
      steps.later('lrn', () => `dip failed (${lrn.error}); policy: route on the dialled NPA-NXX ${dni.npanxx}`);
    } else if (lrn?.status === 'found') {
      out.lrn = lrn.lrn;
      termDigits = `1${lrn.lrn}`;
      const ported = lrn.lrn.slice(0, 6);
      termNpanxx = ported;
      steps.later('lrn', () =>
        ported === dni.npanxx ? `LRN ${lrn.lrn} (not ported away from ${dni.npanxx})` : `LRN ${lrn.lrn}: ported, priced on NPA-NXX ${ported}`,
      );
    } else steps.note('lrn', lrn ? 'no LRN on record: the dialled NPA-NXX' : 'no dip made: the dialled NPA-NXX');
  }
  const termInfo = termNpanxx ? snapshot.reference.lookup(termNpanxx) : undefined;
  // stateOf(termNpanxx), without looking the NPA-NXX up a second time
  const dniState = termNpanxx ? (termInfo?.state ?? US_TERRITORY_NPAS.get(termNpanxx.slice(0, 3)) ?? null) : null;
  out.dni_state = dniState;

  // 6. Jurisdiction of the call itself (each provider may then price an indeterminate one its way).
  const natural = callJurisdiction(snapshot, dni.zone, ani, aniState, dniState, termInfo?.rateCenter);
  out.jurisdiction = natural ?? null;
  if (natural) {
    const rawAni = req.ani;
    const term = termNpanxx;
    steps.later('jurisdiction', () => {
      const why = !ani
        ? rawAni
          ? `ANI ${JSON.stringify(rawAni)} is not a number`
          : 'no ANI'
        : !aniState
          ? ani.zone === 'international' || ani.zone === 'caribbean' || ani.zone === 'tollfree'
            ? `ANI +${ani.digits} is not a geographic US/Canada number`
            : `ANI NPA-NXX ${ani.npanxx} has no state on record`
          : !dniState
            ? `NPA-NXX ${term} has no state on record`
            : `ANI ${aniState} → ${dniState}`;
      return `${natural}: ${why}`;
    });
  }

  // 7. Overrides by precedence: trunk, then customer, then global; within one scope the most specific match.
  const termOcnLata = termInfo?.ocn && termInfo.lata ? { ocn: termInfo.ocn, lata: termInfo.lata } : undefined;
  let force: OverrideSnap | undefined;
  let sellOverride: OverrideSnap | undefined;
  let ceilingOverride: OverrideSnap | undefined;
  if (snapshot.overrides.length > 0) {
    const trunkId = trunk?.id ?? null;
    force = pickOverride(snapshot.overrides, 'force_providers', trunkId, customer.id, dni, termNpanxx, termOcnLata, at);
    sellOverride = pickOverride(snapshot.overrides, 'sell_rate', trunkId, customer.id, dni, termNpanxx, termOcnLata, at);
    ceilingOverride = pickOverride(snapshot.overrides, 'rate_ceiling', trunkId, customer.id, dni, termNpanxx, termOcnLata, at);
    for (const o of [force, sellOverride, ceilingOverride]) if (o) steps.later('override', () => describeOverride(o));
  }

  // 8. The sell rate: the override's, else the trunk's (or customer's) plan, longest prefix on the dialled digits.
  const dialledPrefixes = prefixesOf(dni.digits);
  let sell: Micros | null = null;
  if (sellOverride) sell = sellOverride.rate;
  else {
    const plan = trunk?.ratePlan ?? customer.ratePlan;
    const deck = plan ? snapshot.sellPlans.get(plan) : undefined;
    const match = deck?.longestOf(dialledPrefixes, at);
    if (match) {
      const rate = (sell = sellPrice(match.row, natural));
      steps.later('sell_rate', () => `plan ${plan}, ${match.matched}: ${rate === null ? 'no rate for this jurisdiction' : fromMicros(rate)}`);
    } else steps.note('sell_rate', plan ? `plan ${plan} has no rate for +${dni.digits}` : 'no rate plan on the trunk or customer');
  }
  if (sell === null) return rejectWith(out, steps, 'RATE_NOT_FOUND', `no sell rate for +${dni.digits}: the call could not be billed`);
  const sellRate = fromMicros(sell);
  out.sell_rate = sellRate;
  const ceiling = ceilingOverride ? ceilingOverride.rate : customer.allowLoss ? null : sell;
  const ceilingWhy = ceilingOverride ? 'override' : 'the sell rate: no route at a loss';
  steps.later('ceiling', () => (ceiling === null ? 'none: the customer may be routed at a loss' : `${fromMicros(ceiling)} (${ceilingWhy})`));

  // 9. Candidates: forced providers first (in their order), then the partition's other members.
  const forced = force ? force.providerIds : NO_IDS;
  const partitionId = trunk?.partitionId ?? customerPartition(snapshot, customer.id);
  const partition = partitionId ? snapshot.partitions.get(partitionId) : undefined;
  if (partition) steps.later('partition', () => `${partition.name}: ${partition.members.length} provider(s)`);
  else steps.note('partition', 'none assigned');
  const memberCount = partition ? partition.members.length : 0;
  if (forced.length === 0 && memberCount === 0) return rejectWith(out, steps, 'NO_ROUTE', 'no partition and no forced route');

  const candidates: Candidate[] = [];
  const termPrefixes = termDigits === dni.digits ? dialledPrefixes : prefixesOf(termDigits);
  const lookup = lookupFor(snapshot, dialledPrefixes, termPrefixes, at);
  const carries = CARRIES[dni.zone];
  const hasExclusions = snapshot.exclusions.length > 0;
  for (let i = 0; i < forced.length + memberCount; i++) {
    const isForced = i < forced.length;
    const member = isForced ? undefined : partition!.members[i - forced.length]!;
    const providerId = isForced ? forced[i]! : member!.providerId;
    if (!isForced && forced.includes(providerId)) continue;
    const p = snapshot.providers.get(providerId);
    if (!p || p.status !== 'active') {
      steps.drop(p, providerId, 'disabled', () => (p ? 'disabled' : 'unknown provider'));
      continue;
    }
    if (member?.timeWindows && !inAnyWindow(member.timeWindows, at)) {
      steps.drop(p, p.id, 'window', () => 'outside its partition time window');
      continue;
    }
    const excluded = hasExclusions ? snapshot.exclusions.find((e) => e.providerId === p.id && isLive(e, at, customer.id)) : undefined;
    if (excluded) {
      steps.drop(
        p,
        p.id,
        'excluded',
        () => `${excluded.customerId ? 'customer' : 'global'} exclusion ${excluded.id}${excluded.reason ? ` (${excluded.reason})` : ''}`,
      );
      continue;
    }
    if (!carries.has(p.type)) {
      steps.drop(p, p.id, 'unfit', () => `a ${p.type} provider does not carry ${dni.zone} calls`);
      continue;
    }
    if (!p.aniClasses.has('any') && !p.aniClasses.has(aniClass)) {
      steps.drop(p, p.id, 'ani_class', () => `does not accept ${aniClass === 'none' ? 'calls without a valid ANI' : `${aniClass} callers`}`);
      continue;
    }
    const load = req.load?.(p.id);
    if (load && ((p.maxChannels !== null && load.channels >= p.maxChannels) || (p.maxCps !== null && load.cps >= p.maxCps))) {
      steps.drop(p, p.id, 'capacity', () => `at capacity (${load.channels}/${p.maxChannels ?? '∞'} channels, ${load.cps}/${p.maxCps ?? '∞'} cps)`);
      continue;
    }
    const priced = costOf(p, lookup, termOcnLata, natural, dniState, at);
    if (!priced) {
      steps.drop(p, p.id, 'no_rate', () => `no rate for +${dni.digits}${termDigits !== dni.digits ? ` (LRN ${termDigits})` : ''}`);
      continue;
    }
    if (ceiling !== null && priced.cost > ceiling) {
      steps.drop(
        p,
        p.id,
        'ceiling',
        () =>
          `cost ${fromMicros(priced.cost)} (${priced.matched}${priced.jurisdiction ? `, ${priced.jurisdiction}` : ''}) above the ceiling ${fromMicros(ceiling)}`,
      );
      continue;
    }
    const priority = isForced ? 0 : member!.priority;
    const weight = isForced ? 1 : member!.weight;
    // Exponential race: among equal cost and priority, P(first) = weight / Σ weights.
    const draw = weight > 0 ? -Math.log(1 - rng()) / weight : Infinity;
    const candidate: Candidate = { provider: p, priced, priority, weight, forcedIndex: isForced ? i : Infinity, draw };
    steps.entries.push(candidate);
    candidates.push(candidate);
  }

  if (candidates.length === 0) {
    if (steps.onlyDropped('excluded')) return rejectWith(out, steps, 'ALL_PROVIDERS_EXCLUDED', 'every provider is excluded');
    if (steps.onlyDropped('ceiling')) return rejectWith(out, steps, 'MARGIN_GUARD', 'every provider costs more than the ceiling');
    if (steps.onlyDropped('capacity')) return rejectWith(out, steps, 'CAPACITY_EXCEEDED', 'every provider is at capacity');
    return rejectWith(out, steps, 'NO_ROUTE', 'no provider can carry the call');
  }

  // 10. Order: forced (in their order), then cost, partition priority (lower first), weighted random.
  candidates.sort((a, b) => a.forcedIndex - b.forcedIndex || a.priced.cost - b.priced.cost || a.priority - b.priority || a.draw - b.draw);
  const max = req.maxRoutes ?? snapshot.options.maxRoutes;
  const chosen = candidates.length > max ? candidates.slice(0, max) : candidates;
  const routes: RoutedCandidate[] = new Array(chosen.length);
  for (let i = 0; i < chosen.length; i++) {
    const c = chosen[i]!;
    routes[i] = {
      provider_id: c.provider.id,
      provider_name: c.provider.name,
      cost_rate: fromMicros(c.priced.cost),
      sell_rate: sellRate,
      margin: marginOf(sell, c.priced.cost),
      ...(c.priced.jurisdiction ? { jurisdiction: c.priced.jurisdiction } : {}),
      dial_string: dialString(c.provider, dni, out.lrn, rng),
      rate_key: c.priced.matched,
      forced: c.forcedIndex !== Infinity,
    };
  }
  out.routes = routes;
  const more = candidates.length - max;
  steps.later(
    'order',
    () => chosen.map((c, i) => `${i + 1}. ${c.provider.name} ${fromMicros(c.priced.cost)}`).join(', ') + (more > 0 ? ` (${more} more not returned)` : ''),
  );
  out.decision = 'route';
  return out;
}

export function stateOf(snapshot: RoutingSnapshot, npanxx: string): string | null {
  return snapshot.reference.lookup(npanxx)?.state ?? US_TERRITORY_NPAS.get(npanxx.slice(0, 3)) ?? null;
}

/** The caller's state, for geographic US/Canada (and premium) numbers only. */
export function aniStateOf(snapshot: RoutingSnapshot, ani: Normalized | undefined): string | null {
  return ani?.npanxx && (ani.zone === 'us' || ani.zone === 'canada' || ani.zone === 'premium') ? stateOf(snapshot, ani.npanxx) : null;
}

/**
 * Step 6: the call's own jurisdiction, for US and premium numbers (undefined elsewhere). Each
 * provider may then price an indeterminate call by its IJ policy (costOf). Exported so rating
 * computes it the same way when no recorded decision says what routing used.
 */
export function callJurisdiction(
  snapshot: RoutingSnapshot,
  dniZone: Zone,
  ani: Normalized | undefined,
  aniState: string | null,
  dniState: string | null,
  termRateCenter: string | null | undefined,
): Jurisdiction | undefined {
  if (dniZone !== 'us' && dniZone !== 'premium') return undefined;
  if (!ani || !aniState || !dniState) return 'indeterminate';
  if (aniState !== dniState) return 'interstate';
  const aniInfo = ani.npanxx ? snapshot.reference.lookup(ani.npanxx) : undefined;
  if (aniInfo?.rateCenter && termRateCenter && aniInfo.rateCenter === termRateCenter) return 'local';
  return 'intrastate';
}

/** The partition a customer without a trunk (simulator) routes on: its first trunk's that has one. */
function customerPartition(snapshot: RoutingSnapshot, customerId: string): string | null {
  let best: TrunkSnap | undefined;
  for (const t of snapshot.trunks.values()) if (t.customerId === customerId && t.partitionId && (!best || t.name < best.name)) best = t;
  return best?.partitionId ?? null;
}

/** How specific a match is: NPA-NXX (6 digits after the 1) and OCN/LATA beat a shorter prefix. */
function specificity(o: OverrideSnap): number {
  if (o.npanxx) return 7;
  if (o.ocn && o.lata) return 7;
  if (o.prefix) return o.prefix.length;
  return 1;
}

export function pickOverride(
  overrides: readonly OverrideSnap[],
  action: OverrideSnap['action'],
  trunkId: string | null,
  customerId: string,
  dni: Normalized,
  termNpanxx: string | null,
  term: { ocn: string; lata: string } | undefined,
  at: number,
): OverrideSnap | undefined {
  // Three scopes, most specific first; the first scope with a match decides.
  for (const scope of ['trunk', 'customer', 'global'] as const) {
    let best: OverrideSnap | undefined;
    for (const o of overrides) {
      if (o.action !== action) continue;
      if (scope === 'trunk' ? !o.trunkId || o.trunkId !== trunkId : scope === 'customer' ? o.trunkId || o.customerId !== customerId : o.trunkId || o.customerId)
        continue;
      if (o.timeWindow && !inWindow(o.timeWindow, at)) continue;
      const hit =
        (o.prefix !== null && dni.digits.startsWith(o.prefix)) ||
        (o.npanxx !== null && (o.npanxx === dni.npanxx || o.npanxx === termNpanxx)) ||
        (o.ocn !== null && !!term && term.ocn === o.ocn && (o.lata === null || o.lata === term.lata)) ||
        (o.ocn === null && o.lata !== null && !!term && term.lata === o.lata);
      if (!hit) continue;
      if (!best || specificity(o) > specificity(best) || (specificity(o) === specificity(best) && o.createdAt > best.createdAt)) best = o;
    }
    if (best) return best;
  }
  return undefined;
}

function describeOverride(o: OverrideSnap): string {
  const scope = o.trunkId ? `trunk ${o.trunkId}` : o.customerId ? `customer ${o.customerId}` : 'global';
  const match = o.npanxx ? `NPA-NXX ${o.npanxx}` : o.prefix ? `prefix ${o.prefix}` : `OCN/LATA ${o.ocn ?? '*'}/${o.lata ?? '*'}`;
  const what = o.action === 'force_providers' ? `force ${o.providerIds.join(', ')}` : `${o.action} ${fromMicros(o.rate ?? 0)}`;
  return `${o.id} (${scope}, ${match}): ${what}`;
}

/** The sell side prices an indeterminate call at its indeterminate rate, else the higher of inter/intra. */
export function sellPrice(row: RateRow, j: Jurisdiction | undefined): Micros | null {
  if (j === undefined) return row.rate ?? row.interstate ?? row.indeterminate;
  if (j === 'indeterminate') {
    if (row.indeterminate !== null) return row.indeterminate;
    if (row.interstate !== null && row.intrastate !== null) return Math.max(row.interstate, row.intrastate);
    return row.interstate ?? row.intrastate ?? row.rate;
  }
  return column(row, j);
}

export function column(row: RateRow, j: Exclude<Jurisdiction, 'indeterminate'>): Micros | null {
  if (j === 'local') return row.local ?? row.intrastate ?? row.rate;
  return (j === 'interstate' ? row.interstate : row.intrastate) ?? row.rate;
}

/**
 * A provider's cost, by its billing model, on the row valid at `at`. An indeterminate call is
 * priced at the row's indeterminate rate; without one the provider's IJ policy decides
 * (interstate, intrastate, or POI: intrastate when the call ends in its POI state).
 */
export function costOf(
  p: ProviderSnap,
  lookup: (p: ProviderSnap, terminating: boolean) => DeckMatch | undefined,
  term: { ocn: string; lata: string } | undefined,
  natural: Jurisdiction | undefined,
  dniState: string | null,
  at: number,
): { cost: Micros; jurisdiction: Jurisdiction | undefined; row: RateRow; matched: string } | undefined {
  let match: { row: RateRow; matched: string } | undefined;
  if (p.type === 'lrn') match = lookup(p, true);
  else if (p.type === 'ocn_lata') {
    const row = term ? p.deck.exact(`${term.ocn}:${term.lata}`, at) : undefined;
    match = row ? { row, matched: `OCN/LATA ${term!.ocn}/${term!.lata}` } : lookup(p, true);
  } else match = lookup(p, false);
  if (!match) return undefined;
  const { row, matched } = match;
  let jurisdiction = natural;
  let cost: Micros | null;
  if (natural === undefined) cost = row.rate ?? row.interstate ?? row.indeterminate;
  else if (natural !== 'indeterminate') cost = column(row, natural);
  else if (row.indeterminate !== null) cost = row.indeterminate;
  else {
    jurisdiction = p.jurisdictionPolicy === 'poi' ? (dniState !== null && dniState === p.poiState ? 'intrastate' : 'interstate') : p.jurisdictionPolicy;
    cost = column(row, jurisdiction);
  }
  if (cost === null) return undefined;
  return {
    cost,
    jurisdiction,
    row,
    matched: natural === 'indeterminate' && jurisdiction !== 'indeterminate' ? `${matched}, IJ policy ${p.jurisdictionPolicy}` : matched,
  };
}

const DEFAULT_DIAL_TEMPLATE = 'sip:{tech_prefix}{dni}@{host}:{port};transport={transport}';
const PLACEHOLDERS = new Set(['tech_prefix', 'dni', 'e164', 'lrn', 'host', 'port', 'transport']);
type Placeholder = 'tech_prefix' | 'dni' | 'e164' | 'lrn' | 'host' | 'port' | 'transport';
/** A template split once into literal text (even indexes) and placeholder names (odd indexes). */
const compiledTemplates = new Map<string, string[]>();

function compileTemplate(template: string): string[] {
  let parts = compiledTemplates.get(template);
  if (parts) return parts;
  parts = [''];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    // An unknown {name} stays as written, as part of the literal text.
    if (!PLACEHOLDERS.has(m[1]!)) continue;
    parts[parts.length - 1] += template.slice(last, m.index);
    parts.push(m[1]!, '');
    last = m.index + m[0].length;
  }
  parts[parts.length - 1] += template.slice(last);
  if (compiledTemplates.size < 1000) compiledTemplates.set(template, parts);
  return parts;
}

/** The provider's dial string from its template, on a gateway chosen by priority then weight. */
function dialString(p: ProviderSnap, dni: Normalized, lrn: string | null, rng: () => number): string {
  let gw = p.gateways[0];
  if (p.gateways.length > 1) {
    const top = Math.min(...p.gateways.map((g) => g.priority));
    const pool = p.gateways.filter((g) => g.priority === top);
    const total = pool.reduce((s, g) => s + g.weight, 0);
    let x = rng() * total;
    gw = pool.find((g) => (x -= g.weight) < 0) ?? pool[0];
  }
  const parts = compileTemplate(p.dialStringTemplate || DEFAULT_DIAL_TEMPLATE);
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as Placeholder;
    out +=
      name === 'tech_prefix'
        ? (p.techPrefix ?? '')
        : name === 'dni'
          ? dni.digits
          : name === 'e164'
            ? `+${dni.digits}`
            : name === 'lrn'
              ? (lrn ?? '')
              : name === 'host'
                ? (gw?.host ?? '')
                : name === 'port'
                  ? String(gw?.port ?? 5060)
                  : (gw?.transport ?? 'udp');
    out += parts[i + 1]!;
  }
  return out;
}
