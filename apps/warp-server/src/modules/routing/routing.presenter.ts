import type { Exclusion, Override, Partition, Provider, Rate } from '@warp/contract';

import type {
  PartitionProvidersTable,
  PartitionsTable,
  ProvidersTable,
  RatesTable,
  RoutingExclusionsTable,
  RoutingOverridesTable,
} from '../../db/routing-tables.js';

const json = <T>(s: string | null): T | undefined => (s ? (JSON.parse(s) as T) : undefined);

export function presentProvider(p: ProvidersTable): Provider {
  return {
    id: p.id,
    name: p.name,
    type: p.type,
    status: p.status,
    gateways: JSON.parse(p.gateways),
    ...(p.dial_string_template !== null ? { dial_string_template: p.dial_string_template } : {}),
    ...(p.tech_prefix !== null ? { tech_prefix: p.tech_prefix } : {}),
    jurisdiction_policy: p.jurisdiction_policy,
    poi_state: p.poi_state,
    ani_classes: JSON.parse(p.ani_classes),
    max_channels: p.max_channels === null ? null : Number(p.max_channels),
    max_cps: p.max_cps === null ? null : Number(p.max_cps),
    initial_increment: Number(p.initial_increment),
    subsequent_increment: Number(p.subsequent_increment),
    connection_fee: p.connection_fee,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

export function presentPartition(p: PartitionsTable, members: PartitionProvidersTable[], trunkCount: number): Partition {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    providers: members.map((m) => ({
      provider_id: m.provider_id,
      priority: Number(m.priority),
      weight: Number(m.weight),
      ...(m.time_windows ? { time_windows: JSON.parse(m.time_windows) } : {}),
    })),
    trunk_count: trunkCount,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

export function presentRate(r: RatesTable): Rate {
  return {
    id: r.id,
    provider_id: r.provider_id,
    rate_plan: r.rate_plan,
    prefix: r.prefix,
    npanxx: r.npanxx,
    ocn: r.ocn ?? null,
    lata: r.lata ?? null,
    description: r.description,
    country: r.country,
    interstate: r.interstate,
    intrastate: r.intrastate,
    local: r.local,
    indeterminate: r.indeterminate,
    rate: r.rate,
    connection_fee: r.connection_fee,
    initial_increment: Number(r.initial_increment),
    subsequent_increment: Number(r.subsequent_increment),
    minimum_duration: Number(r.minimum_duration),
    effective_date: r.effective_date,
    end_date: r.end_date,
  };
}

export function presentOverride(o: RoutingOverridesTable): Override {
  const providerIds = JSON.parse(o.provider_ids) as string[];
  return {
    id: o.id,
    customer_id: o.customer_id,
    trunk_id: o.trunk_id,
    ...(o.prefix ? { prefix: o.prefix } : {}),
    ...(o.npanxx ? { npanxx: o.npanxx } : {}),
    ...(o.ocn ? { ocn: o.ocn } : {}),
    ...(o.lata ? { lata: o.lata } : {}),
    action: o.action,
    ...(providerIds.length ? { provider_ids: providerIds } : {}),
    ...(o.rate ? { rate: o.rate } : {}),
    ...(o.time_window ? { time_window: json(o.time_window) } : {}),
    ...(o.note ? { note: o.note } : {}),
    created_at: o.created_at,
    created_by: o.created_by,
  } as Override;
}

export function presentExclusion(e: RoutingExclusionsTable): Exclusion {
  return {
    id: e.id,
    customer_id: e.customer_id,
    ...(e.provider_id ? { provider_id: e.provider_id } : {}),
    ...(e.prefix ? { prefix: e.prefix } : {}),
    ...(e.npanxx_pattern ? { npanxx_pattern: e.npanxx_pattern } : {}),
    ...(e.country ? { country: e.country } : {}),
    ...(Number(e.premium) === 1 ? { premium: true } : {}),
    expires_at: e.expires_at,
    ...(e.reason ? { reason: e.reason } : {}),
    created_at: e.created_at,
  };
}
