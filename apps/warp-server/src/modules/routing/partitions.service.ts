import { conflict, invalid, newId, notFound, nowIso } from '@opbx/platform';
import type { Partition, partitionCreate, partitionUpdate, Route, RouteQuery } from '@warp/contract';
import type { z } from 'zod';

import type { AppContext } from '../../context.js';
import type { PartitionProvidersTable, PartitionsTable } from '../../db/routing-tables.js';
import type { Actor } from '../../http/auth.js';
import { audit } from '../audit/audit.service.js';
import { inAnyWindow } from './engine/windows.js';
import { presentPartition } from './routing.presenter.js';
import { routingOf } from './routing.state.js';
import { mustExist, timezoneIssues } from './validate.js';

type Members = z.output<typeof partitionCreate>['providers'];

async function checkMembers(ctx: AppContext, members: Members) {
  const seen = new Map<string, number>();
  const dups = members.flatMap((m, i) => {
    const first = seen.get(m.provider_id);
    seen.set(m.provider_id, i);
    return first === undefined ? [] : [{ field: `providers.${i}.provider_id`, message: `listed twice (also at providers.${first})` }];
  });
  const tz = members.flatMap((m, i) => timezoneIssues(m.time_windows ?? [], (j) => `providers.${i}.time_windows.${j}.timezone`));
  if (dups.length || tz.length) throw invalid([...dups, ...tz]);
  await mustExist(
    ctx.db,
    'providers',
    members.map((m, i) => ({ field: `providers.${i}.provider_id`, id: m.provider_id })),
  );
}

async function present(ctx: AppContext, rows: PartitionsTable[]): Promise<Partition[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const members = await ctx.db.selectFrom('partition_providers').selectAll().where('partition_id', 'in', ids).orderBy('position').execute();
  const counts = await ctx.db
    .selectFrom('trunks')
    .select(['partition_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('partition_id', 'in', ids)
    .groupBy('partition_id')
    .execute();
  return rows.map((r) =>
    presentPartition(
      r,
      members.filter((m) => m.partition_id === r.id),
      Number(counts.find((c) => c.partition_id === r.id)?.n ?? 0),
    ),
  );
}

export async function listPartitions(ctx: AppContext): Promise<Partition[]> {
  return present(ctx, await ctx.db.selectFrom('partitions').selectAll().orderBy('name').execute());
}

async function findPartition(ctx: AppContext, id: string) {
  const row = await ctx.db.selectFrom('partitions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Partition');
  return row;
}

export async function getPartition(ctx: AppContext, id: string): Promise<Partition> {
  return (await present(ctx, [await findPartition(ctx, id)]))[0]!;
}

async function nameTaken(ctx: AppContext, name: string, except?: string) {
  const row = await ctx.db.selectFrom('partitions').select('id').where('name', '=', name).executeTakeFirst();
  if (row && row.id !== except) throw conflict(`A partition named ${name} exists`, [{ field: 'name', message: 'is already taken' }]);
}

const memberRows = (partitionId: string, members: Members): PartitionProvidersTable[] =>
  members.map((m, position) => ({
    partition_id: partitionId,
    provider_id: m.provider_id,
    priority: m.priority,
    weight: m.weight,
    time_windows: m.time_windows?.length ? JSON.stringify(m.time_windows) : null,
    position,
  }));

export async function createPartition(ctx: AppContext, actor: Actor, input: z.output<typeof partitionCreate>): Promise<Partition> {
  await nameTaken(ctx, input.name);
  await checkMembers(ctx, input.providers);
  const now = nowIso();
  const row: PartitionsTable = { id: newId(), name: input.name, description: input.description ?? null, created_at: now, updated_at: now };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('partitions').values(row).execute();
    if (input.providers.length) await trx.insertInto('partition_providers').values(memberRows(row.id, input.providers)).execute();
    await audit(trx, actor, {
      action: 'partition.create',
      customerId: null,
      targetType: 'partition',
      targetId: row.id,
      changes: { name: row.name, providers: input.providers.length },
    });
  });
  await routingOf(ctx).changed();
  return getPartition(ctx, row.id);
}

/** `providers`, when given, replaces the membership (order kept). */
export async function updatePartition(ctx: AppContext, actor: Actor, id: string, input: z.output<typeof partitionUpdate>): Promise<Partition> {
  const cur = await findPartition(ctx, id);
  if (input.name !== undefined) await nameTaken(ctx, input.name, id);
  if (input.providers) await checkMembers(ctx, input.providers);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('partitions')
      .set({
        updated_at: nowIso(),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      })
      .where('id', '=', id)
      .execute();
    if (input.providers) {
      await trx.deleteFrom('partition_providers').where('partition_id', '=', id).execute();
      if (input.providers.length) await trx.insertInto('partition_providers').values(memberRows(id, input.providers)).execute();
    }
    await audit(trx, actor, {
      action: 'partition.update',
      customerId: null,
      targetType: 'partition',
      targetId: id,
      changes: { name: { from: cur.name, to: input.name ?? cur.name }, ...(input.providers ? { providers: input.providers.length } : {}) },
    });
  });
  await routingOf(ctx).changed();
  return getPartition(ctx, id);
}

/** The effective routes: each provider's membership in each partition. */
export async function listRoutes(ctx: AppContext, query: RouteQuery): Promise<Route[]> {
  let q = ctx.db
    .selectFrom('partition_providers as m')
    .innerJoin('partitions as pa', 'pa.id', 'm.partition_id')
    .innerJoin('providers as p', 'p.id', 'm.provider_id')
    .select([
      'm.partition_id',
      'pa.name as partition_name',
      'm.provider_id',
      'p.name as provider_name',
      'p.status as provider_status',
      'm.priority',
      'm.weight',
      'm.time_windows',
      'm.position',
    ]);
  if (query.partition_id) q = q.where('m.partition_id', '=', query.partition_id);
  if (query.provider_id) q = q.where('m.provider_id', '=', query.provider_id);
  const now = Date.now();
  return (await q.orderBy('pa.name').orderBy('m.position').execute()).map((r) => {
    const windows = r.time_windows ? JSON.parse(r.time_windows) : undefined;
    return {
      partition_id: r.partition_id,
      partition_name: r.partition_name,
      provider_id: r.provider_id,
      provider_name: r.provider_name,
      provider_status: r.provider_status,
      priority: Number(r.priority),
      weight: Number(r.weight),
      ...(windows ? { time_windows: windows } : {}),
      active_now: r.provider_status === 'active' && inAnyWindow(windows, now),
    };
  });
}
