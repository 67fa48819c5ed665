import { invalid, newId, notFound, nowIso } from '@opbx/platform';
import type { Exclusion, exclusionCreate, Override, overrideCreate } from '@warp/contract';
import type { z } from 'zod';

import type { AppContext } from '../../context.js';
import type { RoutingExclusionsTable, RoutingOverridesTable } from '../../db/routing-tables.js';
import type { Actor } from '../../http/auth.js';
import { audit } from '../audit/audit.service.js';
import { presentExclusion, presentOverride } from './routing.presenter.js';
import { routingOf } from './routing.state.js';
import { mustExist, timezoneIssues } from './validate.js';

/** The scope of a rule: a trunk names its customer; a customer given with it must be that one. */
async function scopeOf(ctx: AppContext, customerId: string | null | undefined, trunkId: string | null | undefined) {
  const refs: { field: string; id: string }[] = [];
  if (customerId) refs.push({ field: 'customer_id', id: customerId });
  await mustExist(ctx.db, 'customers', refs);
  if (!trunkId) return { customer_id: customerId ?? null, trunk_id: null };
  const trunk = await ctx.db.selectFrom('trunks').select(['id', 'customer_id']).where('id', '=', trunkId).executeTakeFirst();
  if (!trunk) throw invalid([{ field: 'trunk_id', message: 'no such trunk' }]);
  if (customerId && trunk.customer_id !== customerId) throw invalid([{ field: 'trunk_id', message: 'the trunk belongs to another customer' }]);
  return { customer_id: trunk.customer_id, trunk_id: trunk.id };
}

export async function listOverrides(ctx: AppContext): Promise<Override[]> {
  return (await ctx.db.selectFrom('routing_overrides').selectAll().orderBy('created_at').execute()).map(presentOverride);
}

export async function createOverride(ctx: AppContext, actor: Actor, input: z.output<typeof overrideCreate>): Promise<Override> {
  const tz = timezoneIssues([input.time_window], () => 'time_window.timezone');
  if (tz.length) throw invalid(tz);
  if (input.action !== 'force_providers' && input.provider_ids)
    throw invalid([{ field: 'provider_ids', message: `provider_ids only go with force_providers` }]);
  if (input.action === 'force_providers' && input.rate) throw invalid([{ field: 'rate', message: 'rate does not go with force_providers' }]);
  const scope = await scopeOf(ctx, input.customer_id, input.trunk_id);
  await mustExist(
    ctx.db,
    'providers',
    (input.provider_ids ?? []).map((id, i) => ({ field: `provider_ids.${i}`, id })),
  );
  const row: RoutingOverridesTable = {
    id: newId(),
    ...scope,
    prefix: input.prefix ?? null,
    npanxx: input.npanxx ?? null,
    ocn: input.ocn ?? null,
    lata: input.lata ?? null,
    action: input.action,
    provider_ids: JSON.stringify(input.provider_ids ?? []),
    rate: input.rate ?? null,
    time_window: input.time_window ? JSON.stringify(input.time_window) : null,
    note: input.note ?? null,
    created_at: nowIso(),
    created_by: actor.id,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('routing_overrides').values(row).execute();
    await audit(trx, actor, {
      action: 'routing_override.create',
      customerId: row.customer_id,
      targetType: 'routing_override',
      targetId: row.id,
      changes: { action: row.action },
    });
  });
  await routingOf(ctx).changed();
  return presentOverride(row);
}

export async function deleteOverride(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const row = await ctx.db.selectFrom('routing_overrides').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Override');
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('routing_overrides').where('id', '=', id).execute();
    await audit(trx, actor, {
      action: 'routing_override.delete',
      customerId: row.customer_id,
      targetType: 'routing_override',
      targetId: id,
      changes: { action: row.action },
    });
  });
  await routingOf(ctx).changed();
}

export async function listExclusions(ctx: AppContext): Promise<Exclusion[]> {
  return (await ctx.db.selectFrom('routing_exclusions').selectAll().orderBy('created_at').execute()).map(presentExclusion);
}

export async function createExclusion(ctx: AppContext, actor: Actor, input: z.output<typeof exclusionCreate>): Promise<Exclusion> {
  await mustExist(ctx.db, 'customers', input.customer_id ? [{ field: 'customer_id', id: input.customer_id }] : []);
  await mustExist(ctx.db, 'providers', input.provider_id ? [{ field: 'provider_id', id: input.provider_id }] : []);
  const row: RoutingExclusionsTable = {
    id: newId(),
    customer_id: input.customer_id ?? null,
    provider_id: input.provider_id ?? null,
    prefix: input.prefix ?? null,
    npanxx_pattern: input.npanxx_pattern ?? null,
    country: input.country ?? null,
    premium: input.premium ? 1 : 0,
    expires_at: input.expires_at ? new Date(input.expires_at).toISOString() : null,
    reason: input.reason ?? null,
    created_at: nowIso(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('routing_exclusions').values(row).execute();
    await audit(trx, actor, {
      action: 'routing_exclusion.create',
      customerId: row.customer_id,
      targetType: 'routing_exclusion',
      targetId: row.id,
      changes: {},
    });
  });
  await routingOf(ctx).changed();
  return presentExclusion(row);
}

export async function deleteExclusion(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const row = await ctx.db.selectFrom('routing_exclusions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Exclusion');
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('routing_exclusions').where('id', '=', id).execute();
    await audit(trx, actor, { action: 'routing_exclusion.delete', customerId: row.customer_id, targetType: 'routing_exclusion', targetId: id, changes: {} });
  });
  await routingOf(ctx).changed();
}
