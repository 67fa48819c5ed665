import { conflict, invalid, newId, notFound, nowIso } from '@opbx/platform';
import type { ListQuery, Provider, ProviderCreate, providerCreate, ProviderUpdate, providerUpdate } from '@warp/contract';
import type { z } from 'zod';

import type { AppContext } from '../../context.js';
import type { ProvidersTable } from '../../db/routing-tables.js';
import type { Actor } from '../../http/auth.js';
import { paginate } from '../../http/envelope.js';
import { audit } from '../audit/audit.service.js';
import { presentProvider } from './routing.presenter.js';
import { routingOf } from './routing.state.js';

export async function listProviders(ctx: AppContext, query: ListQuery) {
  const { rows, pagination } = await paginate(ctx.db.selectFrom('providers').selectAll(), query, (q) => q.orderBy('name').orderBy('id'));
  return { data: rows.map(presentProvider), pagination };
}

export async function findProvider(ctx: AppContext, id: string): Promise<ProvidersTable> {
  const row = await ctx.db.selectFrom('providers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Provider');
  return row;
}

async function nameTaken(ctx: AppContext, name: string, except?: string) {
  const row = await ctx.db.selectFrom('providers').select('id').where('name', '=', name).executeTakeFirst();
  if (row && row.id !== except) throw conflict(`A provider named ${name} exists`, [{ field: 'name', message: 'is already taken' }]);
}

export async function createProvider(ctx: AppContext, actor: Actor, input: z.output<typeof providerCreate>): Promise<Provider> {
  await nameTaken(ctx, input.name);
  const now = nowIso();
  const row: ProvidersTable = {
    id: newId(),
    name: input.name,
    type: input.type,
    status: input.status,
    gateways: JSON.stringify(input.gateways),
    dial_string_template: input.dial_string_template ?? null,
    tech_prefix: input.tech_prefix ?? null,
    jurisdiction_policy: input.jurisdiction_policy,
    poi_state: input.poi_state ?? null,
    ani_classes: JSON.stringify([...new Set(input.ani_classes)]),
    max_channels: input.max_channels ?? null,
    max_cps: input.max_cps ?? null,
    initial_increment: input.initial_increment,
    subsequent_increment: input.subsequent_increment,
    connection_fee: input.connection_fee,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('providers').values(row).execute();
    await audit(trx, actor, {
      action: 'provider.create',
      customerId: null,
      targetType: 'provider',
      targetId: row.id,
      changes: { name: input.name, type: input.type },
    });
  });
  await routingOf(ctx).changed();
  return presentProvider(row);
}

export async function updateProvider(ctx: AppContext, actor: Actor, id: string, input: z.output<typeof providerUpdate>): Promise<Provider> {
  const cur = await findProvider(ctx, id);
  if (input.name !== undefined) await nameTaken(ctx, input.name, id);
  const policy = input.jurisdiction_policy ?? cur.jurisdiction_policy;
  const poi = input.poi_state !== undefined ? input.poi_state : cur.poi_state;
  if (policy === 'poi' && !poi) throw invalid([{ field: 'poi_state', message: 'poi_state is required with jurisdiction_policy poi' }]);
  const set: Partial<ProvidersTable> = { updated_at: nowIso() };
  const changes: Record<string, unknown> = {};
  const put = <K extends keyof ProvidersTable>(k: K, v: ProvidersTable[K] | undefined) => {
    if (v === undefined) return;
    set[k] = v;
    changes[k] = { from: cur[k], to: v };
  };
  put('name', input.name);
  put('type', input.type);
  put('status', input.status);
  put('gateways', input.gateways && JSON.stringify(input.gateways));
  put('dial_string_template', input.dial_string_template);
  put('tech_prefix', input.tech_prefix);
  put('jurisdiction_policy', input.jurisdiction_policy);
  put('poi_state', input.poi_state);
  put('ani_classes', input.ani_classes && JSON.stringify([...new Set(input.ani_classes)]));
  put('max_channels', input.max_channels);
  put('max_cps', input.max_cps);
  put('initial_increment', input.initial_increment);
  put('subsequent_increment', input.subsequent_increment);
  put('connection_fee', input.connection_fee);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('providers').set(set).where('id', '=', id).execute();
    await audit(trx, actor, { action: 'provider.update', customerId: null, targetType: 'provider', targetId: id, changes });
  });
  await routingOf(ctx).changed();
  return presentProvider(await findProvider(ctx, id));
}

/**
 * A provider that routes — active and in a partition or a forced override — is refused (409):
 * disable it first, so traffic drains before its configuration disappears. Its deck goes with it.
 */
export async function deleteProvider(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const cur = await findProvider(ctx, id);
  if (cur.status === 'active') {
    const member = await ctx.db.selectFrom('partition_providers').select('partition_id').where('provider_id', '=', id).executeTakeFirst();
    const forced = (await ctx.db.selectFrom('routing_overrides').select('provider_ids').where('action', '=', 'force_providers').execute()).some((o) =>
      (JSON.parse(o.provider_ids) as string[]).includes(id),
    );
    if (member || forced)
      throw conflict(`Provider ${cur.name} is active and routes calls (${member ? 'in a partition' : 'in a forced override'}): disable it first`);
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('partition_providers').where('provider_id', '=', id).execute();
    await trx.deleteFrom('routing_exclusions').where('provider_id', '=', id).execute();
    await trx.deleteFrom('rates').where('owner', '=', `p:${id}`).execute();
    await trx.deleteFrom('providers').where('id', '=', id).execute();
    await audit(trx, actor, { action: 'provider.delete', customerId: null, targetType: 'provider', targetId: id, changes: { name: cur.name } });
  });
  await routingOf(ctx).changed();
}

export type { ProviderCreate, ProviderUpdate };
