import { conflict, hashPassword, isUniqueViolation, newId, notFound, nowIso } from '@opbx/platform';
import type { CustomerRole, StaffRole, User } from '@warp/contract';

import type { Db } from '../../db/db.js';
import type { UsersTable } from '../../db/schema.js';

export interface NewUser {
  email: string;
  name: string;
  type: 'staff' | 'customer';
  staffRole?: StaffRole;
  /** Omitted for invited users until they accept. */
  password?: string;
}

export async function insertUser(db: Db, input: NewUser): Promise<UsersTable> {
  const now = nowIso();
  const row: UsersTable = {
    id: newId(),
    email: input.email.toLowerCase(),
    name: input.name,
    type: input.type,
    staff_role: input.type === 'staff' ? (input.staffRole ?? 'support') : null,
    password_hash: input.password ? await hashPassword(input.password) : null,
    status: 'active',
    mfa_secret_enc: null,
    mfa_enabled: 0,
    mfa_last_step: null,
    last_login_at: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await db.insertInto('users').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('A user with this email already exists', [{ field: 'email', message: 'is already taken' }]);
    throw err;
  }
  return row;
}

export async function addMembership(db: Db, userId: string, customerId: string, role: CustomerRole): Promise<void> {
  await db
    .insertInto('memberships')
    .values({ user_id: userId, customer_id: customerId, role, created_at: nowIso() })
    .onConflict((oc) => oc.columns(['user_id', 'customer_id']).doUpdateSet({ role }))
    .execute();
}

export async function findUserByEmail(db: Db, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function presentUserById(db: Db, userId: string): Promise<User> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!row) throw notFound('User');
  return presentUser(db, row);
}

/** The allowlist of what a user looks like from outside: no hashes, no MFA seed. */
export async function presentUser(db: Db, row: UsersTable): Promise<User> {
  const memberships = await db
    .selectFrom('memberships as m')
    .innerJoin('customers as c', 'c.id', 'm.customer_id')
    .select(['m.customer_id', 'c.ban', 'c.name', 'm.role'])
    .where('m.user_id', '=', row.id)
    .orderBy('c.name')
    .execute();
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    type: row.type,
    role: row.staff_role,
    memberships,
    mfa_enabled: row.mfa_enabled === 1,
    status: row.status,
    created_at: row.created_at,
  };
}
