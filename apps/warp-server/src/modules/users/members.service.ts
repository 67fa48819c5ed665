import { AppError, conflict, containsInsensitive, forbidden, hashPassword, notFound, nowIso, verifyPassword } from '@opbx/platform';
import type { AccountUser, AdminUserUpdate, CustomerRole, ListQuery, User } from '@warp/contract';
import type { adminUserListQuery } from '@warp/contract';
import type { z } from 'zod';

import type { AppContext } from '../../context.js';
import type { Actor, UserPrincipal } from '../../http/auth.js';
import { paginate } from '../../http/envelope.js';
import { audit } from '../audit/audit.service.js';
import { revokeSession, revokeUserSessions } from '../auth/sessions.js';
import { presentUser } from './users.service.js';

/**
 * Who may use WARP: a customer admin manages its account's members, staff manage everyone.
 * Guard rails: nobody changes or removes themselves here, an account keeps at least one
 * customer_admin, and WARP keeps at least one active super_admin.
 */

function memberQuery(ctx: AppContext, customerId: string) {
  return ctx.db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'u.status', 'u.mfa_enabled', 'u.last_login_at', 'm.created_at'])
    .where('m.customer_id', '=', customerId);
}

type MemberRow = Awaited<ReturnType<ReturnType<typeof memberQuery>['executeTakeFirstOrThrow']>>;
const presentMember = (r: MemberRow): AccountUser => ({ ...r, mfa_enabled: r.mfa_enabled === 1 });

export async function listMembers(ctx: AppContext, customerId: string, query: ListQuery) {
  const { rows, pagination } = await paginate(memberQuery(ctx, customerId), query, (x) => x.orderBy('m.created_at', 'asc').orderBy('u.id', 'asc'));
  return { data: rows.map(presentMember), pagination };
}

async function findMember(ctx: AppContext, customerId: string, userId: string): Promise<MemberRow> {
  const row = await memberQuery(ctx, customerId).where('u.id', '=', userId).executeTakeFirst();
  if (!row) throw notFound('User');
  return row;
}

async function keepAnAdmin(ctx: AppContext, customerId: string, userId: string) {
  const admins = await ctx.db.selectFrom('memberships').select('user_id').where('customer_id', '=', customerId).where('role', '=', 'customer_admin').execute();
  if (admins.length === 1 && admins[0]!.user_id === userId) throw conflict('The account must keep at least one customer_admin');
}

export async function updateMember(ctx: AppContext, actor: Actor, customerId: string, userId: string, role: CustomerRole): Promise<AccountUser> {
  if (actor.id === userId) throw forbidden('You cannot change your own role');
  const member = await findMember(ctx, customerId, userId);
  if (member.role === role) return presentMember(member);
  if (member.role === 'customer_admin') await keepAnAdmin(ctx, customerId, userId);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('memberships').set({ role }).where('customer_id', '=', customerId).where('user_id', '=', userId).execute();
    await audit(trx, actor, {
      action: 'user.role_change',
      customerId,
      targetType: 'user',
      targetId: userId,
      changes: { role: { from: member.role, to: role } },
    });
  });
  return presentMember({ ...member, role });
}

/** Removes the user from the account (their WARP login stays, for their other accounts). */
export async function removeMember(ctx: AppContext, actor: Actor, customerId: string, userId: string): Promise<void> {
  if (actor.id === userId) throw forbidden('You cannot remove yourself');
  const member = await findMember(ctx, customerId, userId);
  if (member.role === 'customer_admin') await keepAnAdmin(ctx, customerId, userId);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('memberships').where('customer_id', '=', customerId).where('user_id', '=', userId).execute();
    await audit(trx, actor, { action: 'user.remove', customerId, targetType: 'user', targetId: userId, changes: { email: member.email, role: member.role } });
  });
}

export async function listUsers(ctx: AppContext, query: z.output<typeof adminUserListQuery>) {
  let q = ctx.db.selectFrom('users').selectAll();
  if (query.type) q = q.where('type', '=', query.type);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.search) {
    const term = query.search;
    q = q.where((eb) => eb.or([containsInsensitive('email', term), containsInsensitive('name', term)]));
  }
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('created_at', 'desc').orderBy('id', 'desc'));
  return { data: await Promise.all(rows.map((r) => presentUser(ctx.db, r))), pagination };
}

export async function getUser(ctx: AppContext, id: string): Promise<User> {
  const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('User');
  return presentUser(ctx.db, row);
}

export async function updateUser(ctx: AppContext, actor: Actor, by: UserPrincipal, id: string, input: AdminUserUpdate): Promise<User> {
  if (by.userId === id) throw forbidden('You cannot change your own role or status');
  const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('User');
  if (input.role !== undefined && row.type !== 'staff')
    throw new AppError('VALIDATION_ERROR', 'Customer users have roles per account', [
      { field: 'role', message: "applies to staff only; change a customer user's role on the account" },
    ]);
  const touchesSuper = row.staff_role === 'super_admin' || input.role === 'super_admin';
  if (touchesSuper && by.staffRole !== 'super_admin') throw forbidden('Only a super_admin may grant, change or disable a super_admin');
  // Defence in depth: self-changes are refused above, so an acting super_admin is always another one.
  const demotesSuper = row.staff_role === 'super_admin' && ((input.role !== undefined && input.role !== 'super_admin') || input.status === 'disabled');
  if (demotesSuper) {
    const supers = await ctx.db.selectFrom('users').select('id').where('staff_role', '=', 'super_admin').where('status', '=', 'active').execute();
    if (supers.length <= 1) throw conflict('WARP must keep at least one active super_admin');
  }
  const changes: Record<string, unknown> = {};
  if (input.role !== undefined && input.role !== row.staff_role) changes.role = { from: row.staff_role, to: input.role };
  if (input.status !== undefined && input.status !== row.status) changes.status = { from: row.status, to: input.status };
  if (Object.keys(changes).length === 0) return presentUser(ctx.db, row);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ ...(input.role !== undefined && { staff_role: input.role }), ...(input.status !== undefined && { status: input.status }), updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
    if (input.status === 'disabled') await revokeUserSessions(trx, id, 'user_disabled');
    await audit(trx, actor, { action: 'user.update', customerId: null, targetType: 'user', targetId: id, changes });
  });
  return getUser(ctx, id);
}

/** Checks the current password, sets the new one, and ends every other session of the user. */
export async function changePassword(ctx: AppContext, actor: Actor, by: UserPrincipal, current: string, next: string): Promise<void> {
  const row = await ctx.db.selectFrom('users').select(['id', 'password_hash']).where('id', '=', by.userId).executeTakeFirstOrThrow();
  if (!row.password_hash || !(await verifyPassword(row.password_hash, current))) {
    throw new AppError('VALIDATION_ERROR', 'The current password is not correct', [{ field: 'current_password', message: 'is not correct' }]);
  }
  const hash = await hashPassword(next);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash, updated_at: nowIso() }).where('id', '=', row.id).execute();
    const others = await trx
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', row.id)
      .where('id', '!=', by.sessionId)
      .where('revoked_at', 'is', null)
      .execute();
    for (const s of others) await revokeSession(trx, s.id, 'password_changed');
    await audit(trx, actor, { action: 'user.password_change', customerId: null, targetType: 'user', targetId: row.id });
  });
}
