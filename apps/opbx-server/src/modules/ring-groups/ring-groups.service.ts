import {
  conflict,
  containsInsensitive,
  countRows,
  type ErrorDetail,
  invalid,
  isForeignKeyViolation,
  isUniqueViolation,
  newId,
  notFound,
  nowIso,
  type Page,
  paginate,
} from '@opbx/platform';
import type { Kysely, Transaction } from 'kysely';

import type { AppContext } from '../../context.js';
import type { Database, RingGroupsTable } from '../../db/schema.js';
import type { AuthInfo } from '../../http/auth.js';
import { assertUnreferenced, ringGroupReferences } from '../shared/references.js';
import { presentRingGroup, type RingGroupView } from './ring-groups.presenter.js';
import {
  extensionStatuses,
  findRingGroup,
  findRingGroupWithMembers,
  replaceMembers,
  type RingGroupRow,
  type RingGroupWithMembers,
  withMembers,
} from './ring-groups.queries.js';
import {
  type CreateRingGroupInput,
  DEFAULT_TIMEOUT,
  type FallbackActionInput,
  type ListRingGroupsQuery,
  type MemberInput,
  type UpdateRingGroupInput,
} from './ring-groups.schema.js';

type Db = Kysely<Database> | Transaction<Database>;

async function requireRingGroup(db: Db, organizationId: string, id: string): Promise<RingGroupRow> {
  const row = await findRingGroup(db, organizationId, id);
  if (!row) throw notFound('Ring group');
  return row;
}

async function requireRingGroupWithMembers(db: Db, organizationId: string, id: string): Promise<RingGroupWithMembers> {
  const group = await findRingGroupWithMembers(db, organizationId, id);
  if (!group) throw notFound('Ring group');
  return group;
}

function rethrowNameConflict(err: unknown): never {
  const e = err as { constraint?: string; message?: string };
  // PostgreSQL names the constraint; SQLite names the columns.
  if (isUniqueViolation(err) && (e.constraint === 'ring_groups_org_name' || String(e.message).includes('ring_groups.name'))) {
    throw conflict('A ring group with this name already exists', [{ field: 'name', message: 'is already in use' }]);
  }
  throw err;
}

/**
 * Members must be distinct active extensions of the organization; a fallback extension must exist
 * in the organization, and be active when calls are sent to it (a voicemail fallback only names
 * the mailbox). Every problem is reported at once, and one query serves all lookups.
 * Enforced here rather than in the zod schema so direct callers (the demo seed) get the same rules.
 */
async function assertValidTargets(
  db: Db,
  organizationId: string,
  members: MemberInput[] | undefined,
  fallback: FallbackActionInput | null | undefined,
): Promise<void> {
  const details: ErrorDetail[] = [];
  const fallbackId = fallback?.extension_id;
  const statuses = await extensionStatuses(db, organizationId, [...(members ?? []).map((m) => m.extension_id), ...(fallbackId ? [fallbackId] : [])]);

  const seen = new Set<string>();
  (members ?? []).forEach((member, i) => {
    const field = `members.${i}.extension_id`;
    const status = statuses.get(member.extension_id);
    if (seen.has(member.extension_id)) details.push({ field, message: 'is listed more than once' });
    else if (!status) details.push({ field, message: 'extension does not exist' });
    else if (status !== 'active') details.push({ field, message: 'extension is inactive' });
    seen.add(member.extension_id);
  });

  if (fallback) {
    const field = 'fallback_action.extension_id';
    if (fallback.type === 'hangup' && fallbackId) details.push({ field, message: 'is not allowed for a hangup fallback' });
    else if (fallback.type === 'extension' && !fallbackId) details.push({ field, message: 'is required for an extension fallback' });
    else if (fallbackId) {
      const status = statuses.get(fallbackId);
      if (!status) details.push({ field, message: 'extension does not exist' });
      else if (fallback.type === 'extension' && status !== 'active') details.push({ field, message: 'extension is inactive' });
    }
  }
  if (details.length) throw invalid(details);
}

export async function createRingGroup(ctx: AppContext, auth: AuthInfo, input: CreateRingGroupInput): Promise<RingGroupView> {
  const organizationId = auth.organizationId;
  const group = await ctx.db.transaction().execute(async (trx) => {
    await assertValidTargets(trx, organizationId, input.members, input.fallback_action);
    const now = nowIso();
    const id = newId();
    try {
      await trx
        .insertInto('ring_groups')
        .values({
          id,
          organization_id: organizationId,
          name: input.name,
          strategy: input.strategy,
          timeout: input.timeout ?? DEFAULT_TIMEOUT,
          fallback_type: input.fallback_action?.type ?? null,
          fallback_extension_id: input.fallback_action?.extension_id ?? null,
          status: input.status ?? 'active',
          rotation: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (err) {
      rethrowNameConflict(err);
    }
    await replaceMembers(trx, organizationId, id, input.members);
    return requireRingGroupWithMembers(trx, organizationId, id);
  });
  await ctx.configChanged(organizationId);
  return presentRingGroup(group);
}

export async function getRingGroup(ctx: AppContext, auth: AuthInfo, id: string): Promise<RingGroupView> {
  return presentRingGroup(await requireRingGroupWithMembers(ctx.db, auth.organizationId, id));
}

export async function listRingGroups(ctx: AppContext, auth: AuthInfo, query: ListRingGroupsQuery): Promise<Page<RingGroupView>> {
  const organizationId = auth.organizationId;
  const filtered = ctx.db
    .selectFrom('ring_groups')
    .where('organization_id', '=', organizationId)
    .$if(Boolean(query.strategy), (q) => q.where('strategy', '=', query.strategy!))
    .$if(Boolean(query.status), (q) => q.where('status', '=', query.status!))
    .$if(Boolean(query.search), (q) => q.where(containsInsensitive('name', query.search!)));
  const page = await paginate(filtered.selectAll(), query, { column: 'name', idColumn: 'id', direction: 'asc' }, () => countRows(filtered));
  const groups = await withMembers(ctx.db, organizationId, page.data as RingGroupRow[]);
  return { data: groups.map(presentRingGroup), meta: page.meta };
}

export async function updateRingGroup(ctx: AppContext, auth: AuthInfo, id: string, input: UpdateRingGroupInput): Promise<RingGroupView> {
  const organizationId = auth.organizationId;
  const group = await ctx.db.transaction().execute(async (trx) => {
    const current = await requireRingGroup(trx, organizationId, id);
    await assertValidTargets(trx, organizationId, input.members, input.fallback_action);
    const patch: Partial<RingGroupsTable> = { updated_at: nowIso() };
    if (input.name !== undefined) patch.name = input.name;
    if (input.strategy !== undefined) patch.strategy = input.strategy;
    if (input.timeout !== undefined) patch.timeout = input.timeout;
    if (input.status !== undefined) patch.status = input.status;
    if (input.fallback_action !== undefined) {
      patch.fallback_type = input.fallback_action?.type ?? null;
      patch.fallback_extension_id = input.fallback_action?.extension_id ?? null;
    }
    // The group row is updated before its members are replaced: on PostgreSQL that row lock makes
    // concurrent replacements of the same group queue up instead of interleaving their rows.
    try {
      await trx.updateTable('ring_groups').set(patch).where('id', '=', current.id).where('organization_id', '=', organizationId).execute();
    } catch (err) {
      rethrowNameConflict(err);
    }
    if (input.members) await replaceMembers(trx, organizationId, current.id, input.members);
    return requireRingGroupWithMembers(trx, organizationId, current.id);
  });
  await ctx.configChanged(organizationId);
  return presentRingGroup(group);
}

export async function deleteRingGroup(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  const organizationId = auth.organizationId;
  await ctx.db.transaction().execute(async (trx) => {
    const current = await requireRingGroup(trx, organizationId, id);
    assertUnreferenced('ring group', await ringGroupReferences(trx, organizationId, current.id));
    try {
      // Members go with the group (ON DELETE CASCADE).
      await trx.deleteFrom('ring_groups').where('id', '=', current.id).where('organization_id', '=', organizationId).execute();
    } catch (err) {
      // A route to the group committed between the check and the delete.
      if (isForeignKeyViolation(err)) throw conflict('The ring group is in use and cannot be deleted');
      throw err;
    }
  });
  await ctx.configChanged(organizationId);
}
