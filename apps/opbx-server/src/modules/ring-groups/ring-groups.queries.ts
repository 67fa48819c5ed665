import { isUuid } from '@opbx/platform';
import type { Kysely, Selectable, Transaction } from 'kysely';

import type { Database, ExtensionsTable, RingGroupsTable } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type RingGroupRow = Selectable<RingGroupsTable>;
interface RingGroupMember {
  extension_id: string;
  priority: number;
  extension_number: string;
}
export type RingGroupWithMembers = RingGroupRow & { members: RingGroupMember[] };

/** Lower priority rings first; equal priorities go in dialing order (numeric, then as typed). */
function byPriorityThenNumber(a: RingGroupMember, b: RingGroupMember): number {
  return a.priority - b.priority || Number(a.extension_number) - Number(b.extension_number) || a.extension_number.localeCompare(b.extension_number);
}

/** Attach members to a whole page of groups with one query (no N+1). */
export async function withMembers(db: Db, organizationId: string, groups: RingGroupRow[]): Promise<RingGroupWithMembers[]> {
  if (groups.length === 0) return [];
  const rows = await db
    .selectFrom('ring_group_members as m')
    .innerJoin('extensions as e', 'e.id', 'm.extension_id')
    .select(['m.ring_group_id', 'm.extension_id', 'm.priority', 'e.extension_number'])
    .where('m.organization_id', '=', organizationId)
    .where(
      'm.ring_group_id',
      'in',
      groups.map((g) => g.id),
    )
    .execute();
  const byGroup = new Map<string, RingGroupMember[]>();
  for (const { ring_group_id, ...member } of rows) {
    const list = byGroup.get(ring_group_id) ?? [];
    list.push(member);
    byGroup.set(ring_group_id, list);
  }
  return groups.map((g) => ({ ...g, members: (byGroup.get(g.id) ?? []).sort(byPriorityThenNumber) }));
}

export async function findRingGroup(db: Db, organizationId: string, id: string): Promise<RingGroupRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('ring_groups').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function findRingGroupWithMembers(db: Db, organizationId: string, id: string): Promise<RingGroupWithMembers | undefined> {
  const row = await findRingGroup(db, organizationId, id);
  return row ? (await withMembers(db, organizationId, [row]))[0] : undefined;
}

/** Status of each requested extension that exists in the organization, in one query. */
export async function extensionStatuses(db: Db, organizationId: string, ids: string[]): Promise<Map<string, ExtensionsTable['status']>> {
  const wanted = [...new Set(ids.filter(isUuid))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('extensions').select(['id', 'status']).where('organization_id', '=', organizationId).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

export async function replaceMembers(
  db: Db,
  organizationId: string,
  ringGroupId: string,
  members: { extension_id: string; priority: number }[],
): Promise<void> {
  await db.deleteFrom('ring_group_members').where('organization_id', '=', organizationId).where('ring_group_id', '=', ringGroupId).execute();
  if (members.length === 0) return;
  await db
    .insertInto('ring_group_members')
    .values(members.map((m) => ({ ring_group_id: ringGroupId, extension_id: m.extension_id, organization_id: organizationId, priority: m.priority })))
    .execute();
}
