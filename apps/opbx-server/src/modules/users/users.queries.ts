import type { Selectable } from 'kysely';

import type { Db } from '../../db/db.js';
import type { ExtensionsTable, UsersTable } from '../../db/schema.js';

export type UserRow = Selectable<UsersTable>;
export type UserWithExtension = UserRow & { extension: Selectable<ExtensionsTable> | null };

const USER_COLUMNS = ['id', 'organization_id', 'email', 'name', 'password_hash', 'role', 'status', 'created_at', 'updated_at'] as const;

/** Attach each user's extension with one query for the whole page (no N+1). */
export async function withExtensions(db: Db, organizationId: string, users: UserRow[]): Promise<UserWithExtension[]> {
  if (users.length === 0) return [];
  const extensions = await db
    .selectFrom('extensions')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where(
      'user_id',
      'in',
      users.map((u) => u.id),
    )
    .execute();
  const byUser = new Map(extensions.map((e) => [e.user_id, e]));
  return users.map((u) => ({ ...u, extension: byUser.get(u.id) ?? null }));
}

export async function findUserById(db: Db, organizationId: string, id: string): Promise<UserWithExtension | undefined> {
  const user = await db.selectFrom('users').select(USER_COLUMNS).where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  if (!user) return undefined;
  return (await withExtensions(db, organizationId, [user]))[0];
}

export async function countActiveOwners(db: Db, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'owner')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
