import type { CurrentMetrics, CustomerUsage, MarginAnalysis, MarginQuery, UsageSummary, UsageSummaryQuery } from '@warp/contract';
import { Decimal } from 'decimal.js';
import { sql } from 'kysely';

import type { AppContext } from '../../context.js';
import type { CustomersTable } from '../../db/schema.js';
import { formatUnits, marginHealth, marginPercent } from '../rating/charge.js';
import { callLimitsOf } from '../sip-edge/call-limits.js';
import { parseRange, periodRange } from './range.js';

/*
 * Summaries read the hourly roll-ups only (never raw CDRs): a month is at most 744 rows per
 * (trunk, provider, zone). Sums of integer units are exact in both dialects.
 */

const big = (v: unknown) => BigInt(String(v ?? 0).split('.')[0]!);
const minutes = (seconds: bigint) => new Decimal(seconds.toString()).div(60).toFixed(2, Decimal.ROUND_HALF_UP);
const pct = (a: bigint, b: bigint) => (b === 0n ? 0 : new Decimal(a.toString()).div(b.toString()).mul(100).toDecimalPlaces(2).toNumber());

export function summaryRange(q: UsageSummaryQuery): { from: string; to: string } {
  if ('period' in q) return periodRange(q.period);
  return parseRange(q.start, q.end, ['start', 'end'], 366);
}

const hourBound = (iso: string) => iso.slice(0, 13);

async function usage(ctx: AppContext, from: string, to: string, customerId: string) {
  const sum = (c: string) => sql<string>`sum(${sql.ref(c)})`;
  const rows = await ctx.db
    .selectFrom('usage_hourly')
    .select([
      sql<string>`substr(hour, 1, 10)`.as('day'),
      sum('calls').as('calls'),
      sum('answered').as('answered'),
      sum('duration').as('duration'),
      sum('sell_billable').as('sell_billable'),
      sum('sell_amount').as('sell_amount'),
      sum('cost_amount').as('cost_amount'),
    ])
    .where('customer_id', '=', customerId)
    .where('hour', '>=', hourBound(from))
    .where('hour', '<', hourBound(to))
    .groupBy(sql`substr(hour, 1, 10)`)
    .orderBy(sql`substr(hour, 1, 10)`)
    .execute();
  const t = { calls: 0n, answered: 0n, duration: 0n, billable: 0n, sell: 0n, cost: 0n };
  const daily = rows.map((r) => {
    const d = {
      calls: big(r.calls),
      answered: big(r.answered),
      duration: big(r.duration),
      billable: big(r.sell_billable),
      sell: big(r.sell_amount),
      cost: big(r.cost_amount),
    };
    for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += d[k];
    return { date: r.day, calls: Number(d.calls), answered: Number(d.answered), billable_minutes: minutes(d.billable), charges: formatUnits(d.sell) };
  });
  return { t, daily };
}

export async function usageSummary(ctx: AppContext, customer: CustomersTable, q: UsageSummaryQuery): Promise<UsageSummary> {
  const { from, to } = summaryRange(q);
  const { t, daily } = await usage(ctx, from, to, customer.id);
  return {
    start: from,
    end: to,
    calls: Number(t.calls),
    answered: Number(t.answered),
    asr: pct(t.answered, t.calls),
    acd: t.answered === 0n ? 0 : new Decimal(t.duration.toString()).div(t.answered.toString()).toDecimalPlaces(1).toNumber(),
    billable_minutes: minutes(t.billable),
    charges: formatUnits(t.sell),
    currency: customer.currency,
    daily,
  };
}

export async function customerUsage(ctx: AppContext, customer: CustomersTable, q: UsageSummaryQuery): Promise<CustomerUsage> {
  const summary = await usageSummary(ctx, customer, q);
  const { t } = await usage(ctx, summary.start, summary.end, customer.id);
  return { ...summary, customer_id: customer.id, cost: formatUnits(t.cost), margin: formatUnits(t.sell - t.cost) };
}

/** Revenue, cost and margin per customer, provider and zone, with health bands (below 15 % critical, below 40 % warning). */
export async function marginAnalysis(ctx: AppContext, q: MarginQuery): Promise<MarginAnalysis> {
  const { from, to } =
    q.date_from || q.date_to ? parseRange(q.date_from ?? q.date_to!, q.date_to ?? q.date_from!, ['date_from', 'date_to'], 366) : periodRange('month');
  const sum = (c: string) => sql<string>`sum(${sql.ref(c)})`;
  let query = ctx.db
    .selectFrom('usage_hourly')
    .select(['customer_id', 'provider_id', 'zone', sum('calls').as('calls'), sum('sell_amount').as('revenue'), sum('cost_amount').as('cost')])
    .where('hour', '>=', hourBound(from))
    .where('hour', '<', hourBound(to));
  if (q.customer_id) query = query.where('customer_id', '=', q.customer_id);
  if (q.provider_id) query = query.where('provider_id', '=', q.provider_id);
  // `destination` names a zone (interstate, intrastate, local, indeterminate, international, tollfree, …)
  if (q.destination) query = query.where('zone', '=', q.destination);
  const rows = await query.groupBy(['customer_id', 'provider_id', 'zone']).orderBy('customer_id').orderBy('provider_id').orderBy('zone').execute();
  const row = (calls: bigint, revenue: bigint, cost: bigint) => {
    const percent = marginPercent(revenue, cost);
    return {
      calls: Number(calls),
      revenue: formatUnits(revenue),
      cost: formatUnits(cost),
      margin: formatUnits(revenue - cost),
      margin_percent: percent,
      health: marginHealth(percent, cost),
    };
  };
  let calls = 0n;
  let revenue = 0n;
  let cost = 0n;
  const out = rows.map((r) => {
    calls += big(r.calls);
    revenue += big(r.revenue);
    cost += big(r.cost);
    return { customer_id: r.customer_id, provider_id: r.provider_id || null, zone: r.zone || null, ...row(big(r.calls), big(r.revenue), big(r.cost)) };
  });
  return { rows: out, totals: row(calls, revenue, cost) };
}

const WINDOW_MINUTES = 5;

/**
 * Live figures from the CDRs of the last minutes and today's roll-ups. `active_calls` are the
 * channels the customer's trunks hold at the SIP edge now (from the routing decision to the
 * reported end, so ringing calls count), across instances when Redis is configured.
 */
export async function currentMetrics(ctx: AppContext, customer: CustomersTable, now = new Date()): Promise<CurrentMetrics> {
  const since = new Date(now.getTime() - WINDOW_MINUTES * 60_000).toISOString();
  const recent = await ctx.db
    .selectFrom('cdrs')
    .select([sql<string>`count(*)`.as('calls'), sql<string>`sum(case when disposition = 'answered' then 1 else 0 end)`.as('answered')])
    .where('customer_id', '=', customer.id)
    .where('started_at', '>=', since)
    .executeTakeFirstOrThrow();
  const today = periodRange('today', now);
  const spend = await ctx.db
    .selectFrom('usage_hourly')
    .select(sql<string>`sum(sell_amount)`.as('s'))
    .where('customer_id', '=', customer.id)
    .where('hour', '>=', hourBound(today.from))
    .executeTakeFirst();
  const calls = big(recent.calls);
  const trunks = await ctx.db.selectFrom('trunks').select('id').where('customer_id', '=', customer.id).execute();
  const limits = callLimitsOf(ctx);
  const active = (await Promise.all(trunks.map((t) => limits.active(t.id)))).reduce((a, b) => a + b, 0);
  return {
    active_calls: active,
    calls_per_second: new Decimal(calls.toString())
      .div(WINDOW_MINUTES * 60)
      .toDecimalPlaces(3)
      .toNumber(),
    asr: pct(big(recent.answered), calls),
    window_minutes: WINDOW_MINUTES,
    spend_today: formatUnits(big(spend?.s)),
    currency: customer.currency,
    as_of: now.toISOString(),
  };
}
