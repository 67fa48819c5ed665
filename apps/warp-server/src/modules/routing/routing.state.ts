import { type EventBus, RebuiltValue, RedisEventBus } from '@opbx/platform';
import type { TimeWindow } from '@warp/contract';
import { sql } from 'kysely';

import type { AppContext } from '../../context.js';
import type { CustomersTable, TrunksTable } from '../../db/schema.js';
import {
  type CustomerSnap,
  dayStart,
  decimalToMicros,
  Deck,
  type NpaNxxInfo,
  type OverrideSnap,
  type PartitionSnap,
  priceIndexOf,
  type ProviderSnap,
  type RateRow,
  type RoutingSnapshot,
  toMicros,
  type TrunkSnap,
} from './engine/index.js';
import { type LrnDipper, TeliqueLrnClient } from './lrn/telique.js';
import { defaultNpaNxxTable } from './reference/npanxx.js';

const TOPIC = 'warp.routing.changed';
const PAGE = 20_000;

const json = <T>(s: string | null): T | null => (s ? (JSON.parse(s) as T) : null);
// Stored rates were validated on import (at most 6 places, at most 1,000,000): the fast exact path.
const micros = (s: string | null) => (s === null ? null : /^\d{1,7}(\.\d{1,6})?$/.test(s) ? decimalToMicros(s) : toMicros(s));

/**
 * A deck row's match key, computed by the database (one column read instead of four): NPA-NXX rows
 * become the E.164 prefix 1NPANXX, OCN/LATA rows `OCN:LATA`, prefix rows their prefix (see
 * engine/deck.ts). Same SQL on SQLite and PostgreSQL: `||` with a NULL is NULL on both.
 */
const RATE_KEY = sql<string>`coalesce('1' || npanxx, ocn || ':' || lata, prefix)`.as('key');

export const CUSTOMER_COLUMNS = ['id', 'name', 'status', 'rate_plan', 'allow_loss'] as const;
export const TRUNK_COLUMNS = [
  'id',
  'customer_id',
  'name',
  'status',
  'direction',
  'tech_prefix',
  'allowed_destinations',
  'blocked_prefixes',
  'partition_id',
  'rate_plan',
] as const;

export const customerSnap = (c: Pick<CustomersTable, (typeof CUSTOMER_COLUMNS)[number]>): CustomerSnap => ({
  id: c.id,
  name: c.name,
  status: c.status,
  ratePlan: c.rate_plan ?? null,
  allowLoss: Number(c.allow_loss ?? 0) === 1,
});

export const trunkSnap = (t: Pick<TrunksTable, (typeof TRUNK_COLUMNS)[number]>): TrunkSnap => ({
  id: t.id,
  customerId: t.customer_id,
  name: t.name,
  status: t.status,
  direction: t.direction,
  techPrefix: t.tech_prefix,
  allowedDestinations: new Set(JSON.parse(t.allowed_destinations) as string[]),
  blockedPrefixes: JSON.parse(t.blocked_prefixes) as string[],
  partitionId: t.partition_id,
  ratePlan: t.rate_plan ?? null,
});

/** Reads everything routing needs from the database into a new snapshot. */
export async function loadSnapshot(ctx: AppContext, version: number): Promise<RoutingSnapshot> {
  const db = ctx.db;
  const decks = new Map<string, Deck>();
  // A deck has a handful of distinct dates: parse each once, not twice per row.
  const days = new Map<string | null, number>();
  const dayOf = (date: string | null) => {
    let t = days.get(date);
    if (t === undefined) days.set(date, (t = dayStart(date)));
    return t;
  };
  // Rates in keyset pages, so a 383,000-row table never sits in memory twice.
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('rates')
      .select([
        'id',
        'owner',
        RATE_KEY,
        'interstate',
        'intrastate',
        'local',
        'indeterminate',
        'rate',
        'connection_fee',
        'initial_increment',
        'subsequent_increment',
        'minimum_duration',
        'effective_date',
        'end_date',
      ])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const r of rows) {
      const from = dayOf(r.effective_date);
      const to = dayOf(r.end_date);
      if (to <= from) continue; // cancelled before it began
      let deck = decks.get(r.owner);
      if (!deck) decks.set(r.owner, (deck = new Deck()));
      const row: RateRow = {
        id: r.id,
        key: r.key,
        interstate: micros(r.interstate),
        intrastate: micros(r.intrastate),
        local: micros(r.local),
        indeterminate: micros(r.indeterminate),
        rate: micros(r.rate),
        connectionFee: micros(r.connection_fee)!,
        initialIncrement: Number(r.initial_increment),
        subsequentIncrement: Number(r.subsequent_increment),
        minimumDuration: Number(r.minimum_duration),
        from,
        to,
      };
      deck.add(row);
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  for (const d of decks.values()) d.seal();

  const providers = new Map<string, ProviderSnap>();
  for (const p of await db.selectFrom('providers').selectAll().execute()) {
    providers.set(p.id, {
      id: p.id,
      name: p.name,
      type: p.type,
      status: p.status,
      gateways: JSON.parse(p.gateways),
      dialStringTemplate: p.dial_string_template,
      techPrefix: p.tech_prefix,
      jurisdictionPolicy: p.jurisdiction_policy,
      poiState: p.poi_state,
      aniClasses: new Set(JSON.parse(p.ani_classes) as string[]),
      maxChannels: p.max_channels === null ? null : Number(p.max_channels),
      maxCps: p.max_cps === null ? null : Number(p.max_cps),
      deck: decks.get(`p:${p.id}`) ?? new Deck(),
    });
  }
  const partitions = new Map<string, PartitionSnap>();
  for (const p of await db.selectFrom('partitions').select(['id', 'name']).execute()) partitions.set(p.id, { id: p.id, name: p.name, members: [] });
  for (const m of await db.selectFrom('partition_providers').selectAll().orderBy('position').execute()) {
    partitions
      .get(m.partition_id)
      ?.members.push({ providerId: m.provider_id, priority: Number(m.priority), weight: Number(m.weight), timeWindows: json<TimeWindow[]>(m.time_windows) });
  }
  const customers = new Map((await db.selectFrom('customers').select(CUSTOMER_COLUMNS).execute()).map((c) => [c.id, customerSnap(c)]));
  const trunks = new Map((await db.selectFrom('trunks').select(TRUNK_COLUMNS).execute()).map((t) => [t.id, trunkSnap(t)]));
  const sellPlans = new Map<string, Deck>();
  for (const [owner, deck] of decks) if (owner.startsWith('s:')) sellPlans.set(owner.slice(2), deck);
  const overrides: OverrideSnap[] = (await db.selectFrom('routing_overrides').selectAll().execute()).map((o) => ({
    id: o.id,
    customerId: o.customer_id,
    trunkId: o.trunk_id,
    prefix: o.prefix,
    npanxx: o.npanxx,
    ocn: o.ocn,
    lata: o.lata,
    action: o.action,
    providerIds: JSON.parse(o.provider_ids) as string[],
    rate: micros(o.rate),
    timeWindow: json<TimeWindow>(o.time_window),
    createdAt: o.created_at,
  }));
  const exclusions = (await db.selectFrom('routing_exclusions').selectAll().execute()).map((e) => ({
    id: e.id,
    customerId: e.customer_id,
    providerId: e.provider_id,
    prefix: e.prefix,
    npanxxPattern: e.npanxx_pattern,
    country: e.country,
    premium: Number(e.premium) === 1,
    expiresAt: e.expires_at ? Date.parse(e.expires_at) : null,
    reason: e.reason,
  }));
  const imported = await db.selectFrom('npanxx_reference').selectAll().execute();
  const reference = defaultNpaNxxTable().overlay(
    imported.map((r): [string, NpaNxxInfo] => [r.npanxx, { state: r.state, rateCenter: r.rate_center, ocn: r.ocn, lata: r.lata }]),
  );
  // Built here, in the background build, rather than by the first decision.
  priceIndexOf(providers);
  return {
    version,
    builtAt: new Date().toISOString(),
    providers,
    partitions,
    customers,
    trunks,
    sellPlans,
    overrides,
    exclusions,
    reference,
    options: { lrnFailurePolicy: ctx.config.WARP_LRN_FAILURE_POLICY, maxRoutes: ctx.config.WARP_ROUTING_MAX_ROUTES },
  };
}

/**
 * The live routing snapshot of one server instance. Decisions read `current()` without waiting;
 * a change rebuilds in the background (changes arriving meanwhile coalesce into one more build)
 * and swaps the reference atomically. Writes on this instance await the rebuild, so the answer
 * already routes by it; other instances hear of it on the event bus (Redis when configured).
 */
export class RoutingState {
  private readonly state: RebuiltValue<RoutingSnapshot>;
  private version = 0;
  private readonly bus?: EventBus;
  readonly lrn?: LrnDipper;

  /** `bus`: another transport than the configured Redis (tests join two instances in one process). */
  constructor(ctx: AppContext, bus?: EventBus) {
    const c = ctx.config;
    if (c.WARP_TELIQUE_URL) {
      this.lrn = new TeliqueLrnClient({
        baseUrl: c.WARP_TELIQUE_URL,
        token: c.WARP_TELIQUE_TOKEN,
        timeoutMs: c.WARP_LRN_TIMEOUT_MS,
        cacheTtlMs: c.WARP_LRN_CACHE_TTL * 1000,
      });
    }
    this.bus = bus ?? (c.REDIS_URL ? new RedisEventBus(c.REDIS_URL, `${c.WARP_REDIS_PREFIX}bus:`) : undefined);
    this.state = new RebuiltValue(() => loadSnapshot(ctx, ++this.version), this.bus, TOPIC);
  }

  /** Called when a rebuild a bus message started fails (the previous snapshot stays). */
  set onError(handler: (err: unknown) => void) {
    this.state.onError = handler;
  }

  /** The snapshot decisions use now (built on first use). */
  current(): Promise<RoutingSnapshot> {
    return this.state.current();
  }

  /** After a change on this instance: rebuild, then tell the other instances. */
  async changed(): Promise<void> {
    await this.state.rebuild();
    await this.state.publish({ version: this.version });
  }

  /** Tells the other instances (with Redis) without building here: the CLI. */
  announce(): Promise<void> {
    return this.state.publish({ version: this.version });
  }

  /** Builds a new snapshot; concurrent calls share the build in flight plus at most one more. */
  rebuild(): Promise<void> {
    return this.state.rebuild();
  }

  async close(): Promise<void> {
    this.state.stop();
    await this.bus?.close();
  }
}

const states = new WeakMap<AppContext, RoutingState>();

/** The routing state of this context (one per server instance); `bus` only on first use (tests). */
export function routingOf(ctx: AppContext, bus?: EventBus): RoutingState {
  let s = states.get(ctx);
  if (!s) states.set(ctx, (s = new RoutingState(ctx, bus)));
  return s;
}
