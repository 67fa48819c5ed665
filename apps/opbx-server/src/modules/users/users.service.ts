import {
  conflict,
  containsInsensitive,
  countRows,
  forbidden,
  hashPassword,
  invalidField,
  isUniqueViolation,
  isUuid,
  newId,
  notFound,
  nowIso,
  type Page,
  paginate,
  verifyPassword,
} from '@opbx/platform';
import type { Transaction } from 'kysely';

import type { AppContext } from '../../context.js';
import type { Db } from '../../db/db.js';
import type { Database, UsersTable } from '../../db/schema.js';
import type { AuthInfo } from '../../http/auth.js';
import { assertPasswordChecksAllowed, recordPasswordFailure } from '../auth/auth.service.js';
import { publishSessionsEnded, type SessionsEndedMessage } from '../auth/session-events.js';
import { insertExtension } from '../extensions/extensions.service.js';
import { presentUser, type UserView } from './users.presenter.js';
import { countActiveOwners, findUserById, type UserRow, type UserWithExtension, withExtensions } from './users.queries.js';
import type { CreateUserInput, ListUsersQuery, UpdateUserInput } from './users.schema.js';

const emailTaken = () => conflict('The email address is already in use', [{ field: 'email', message: 'is already in use' }]);

async function requireUser(db: Db, organizationId: string, id: string): Promise<UserWithExtension> {
  const user = isUuid(id) ? await findUserById(db, organizationId, id) : undefined;
  if (!user) throw notFound('User');
  return user;
}

/** Admins manage everyone but owners; only an owner grants or touches the owner role. */
function assertMayManage(auth: AuthInfo, target: { role: UsersTable['role'] }, newRole?: UsersTable['role']) {
  if (auth.role === 'owner') return;
  if (auth.role !== 'admin') throw forbidden();
  if (target.role === 'owner') throw forbidden('Only an owner can manage an owner');
  if (newRole === 'owner') throw forbidden('Only an owner can grant the owner role');
}

/**
 * User changes of one organization run one at a time (PostgreSQL: a lock on the organization row;
 * SQLite transactions are serial anyway), and with the caller's role as it is now: two owners
 * demoting each other at once cannot leave the organization without an owner.
 */
async function lockAndReloadActor(ctx: AppContext, trx: Transaction<Database>, auth: AuthInfo): Promise<AuthInfo> {
  if (ctx.dialect === 'postgres') {
    await trx.selectFrom('organizations').select('id').where('id', '=', auth.organizationId).forUpdate().execute();
  }
  const me = await trx
    .selectFrom('users')
    .select(['role', 'status'])
    .where('id', '=', auth.userId)
    .where('organization_id', '=', auth.organizationId)
    .executeTakeFirst();
  if (!me || me.status !== 'active') throw forbidden('Your account is no longer active');
  return { ...auth, role: me.role };
}

export async function getUser(ctx: AppContext, auth: AuthInfo, id: string): Promise<UserView> {
  if (auth.role === 'agent' && id !== auth.userId) throw forbidden('Agents may only view their own user');
  return presentUser(await requireUser(ctx.db, auth.organizationId, id), ctx);
}

export async function listUsers(ctx: AppContext, auth: AuthInfo, query: ListUsersQuery): Promise<Page<UserView>> {
  const filtered = ctx.db
    .selectFrom('users')
    .where('organization_id', '=', auth.organizationId)
    .$if(Boolean(query.role), (q) => q.where('role', '=', query.role!))
    .$if(Boolean(query.status), (q) => q.where('status', '=', query.status!))
    .$if(Boolean(query.search), (q) => q.where((eb) => eb.or([containsInsensitive('name', query.search!), containsInsensitive('email', query.search!)])));
  const page = await paginate(filtered.selectAll(), query, { column: 'name', idColumn: 'id', direction: 'asc' }, () => countRows(filtered));
  const users = await withExtensions(ctx.db, auth.organizationId, page.data as UserRow[]);
  return { data: users.map((u) => presentUser(u, ctx)), meta: page.meta };
}

export async function createUser(ctx: AppContext, auth: AuthInfo, input: CreateUserInput): Promise<UserView> {
  assertMayManage(auth, { role: 'agent' }, input.role);
  const passwordHash = await hashPassword(input.password);
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    const now = nowIso();
    try {
      await trx
        .insertInto('users')
        .values({
          id,
          organization_id: auth.organizationId,
          email: input.email,
          name: input.name,
          password_hash: passwordHash,
          role: input.role,
          status: input.status ?? 'active',
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    if (input.extension_number) {
      await insertExtension(trx, ctx, auth.organizationId, { extension_number: input.extension_number, type: 'user', user_id: id });
    }
  });
  if (input.extension_number) await ctx.configChanged(auth.organizationId);
  return presentUser((await findUserById(ctx.db, auth.organizationId, id))!, ctx);
}

const wrongCurrentPassword = () => invalidField('current_password', 'is incorrect');

/**
 * Users changing their own password or email prove it is them (a stolen or unattended session
 * must not take the account over). Returns the hash the proof was checked against, or undefined
 * when the change needs none. Failures count against the account like failed sign-ins.
 */
async function verifyCurrentPassword(ctx: AppContext, auth: AuthInfo, input: UpdateUserInput): Promise<string | undefined> {
  if (input.password === undefined && input.email === undefined) return undefined;
  const me = await ctx.db
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('id', '=', auth.userId)
    .where('organization_id', '=', auth.organizationId)
    .executeTakeFirst();
  if (!me) throw notFound('User');
  if (input.password === undefined && input.email === me.email) return undefined;
  if (!input.current_password) throw invalidField('current_password', 'is required to change your own password or email');
  await assertPasswordChecksAllowed(ctx, me.email);
  if (!(await verifyPassword(me.password_hash, input.current_password))) {
    await recordPasswordFailure(ctx, me.email);
    throw wrongCurrentPassword();
  }
  return me.password_hash;
}

/**
 * Revokes the target's live tokens (all, or all but `keep`) and says which ended: their ids when
 * one is kept, else none (every session of the user).
 */
async function revokeTokens(trx: Transaction<Database>, userId: string, keep?: string): Promise<string[] | undefined> {
  const now = nowIso();
  if (!keep) {
    await trx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    return undefined;
  }
  const others = await trx
    .selectFrom('api_tokens')
    .select('id')
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('id', '!=', keep)
    .where('expires_at', '>', now)
    .execute();
  const ids = others.map((t) => t.id);
  await trx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).where('id', '!=', keep).execute();
  return ids;
}

export async function updateUser(ctx: AppContext, auth: AuthInfo, id: string, input: UpdateUserInput): Promise<UserView> {
  const self = id === auth.userId;
  // Agents reach only themselves: refused before any lookup, as for GET.
  if (auth.role === 'agent' && !self) throw forbidden('Agents may only change their own user');
  const provenHash = self ? await verifyCurrentPassword(ctx, auth, input) : undefined;
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const actor = await lockAndReloadActor(ctx, trx, auth);
    const target = await requireUser(trx, auth.organizationId, id);
    if (self) {
      if (input.role !== undefined && input.role !== target.role) throw forbidden('You cannot change your own role');
      if (actor.role === 'agent' && input.status !== undefined && input.status !== target.status) throw forbidden('Agents cannot change their own status');
      // The password changed between the check and now: the proof no longer holds.
      if (provenHash !== undefined && target.password_hash !== provenHash) throw wrongCurrentPassword();
    } else {
      assertMayManage(actor, target, input.role);
    }
    const losesOwner = target.role === 'owner' && target.status === 'active' && ((input.role && input.role !== 'owner') || input.status === 'inactive');
    if (losesOwner && (await countActiveOwners(trx, auth.organizationId)) <= 1) {
      throw conflict('The organization must keep at least one active owner', [
        { field: input.role ? 'role' : 'status', message: 'would remove the last active owner' },
      ]);
    }
    const patch: Partial<UsersTable> = { updated_at: nowIso() };
    if (input.name !== undefined) patch.name = input.name;
    if (input.email !== undefined) patch.email = input.email;
    if (input.role !== undefined) patch.role = input.role;
    if (input.status !== undefined) patch.status = input.status;
    if (passwordHash) patch.password_hash = passwordHash;
    try {
      await trx.updateTable('users').set(patch).where('id', '=', target.id).where('organization_id', '=', auth.organizationId).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    // Deactivation ends every session for good (reactivation revives none). A new password or
    // email ends the user's sessions, except the one making the change to itself.
    const emailChanged = input.email !== undefined && input.email !== target.email;
    let ended: Omit<SessionsEndedMessage, 'organization_id' | 'user_id'> | undefined;
    if (input.status === 'inactive' && target.status !== 'inactive') {
      await revokeTokens(trx, target.id);
      ended = { reason: 'deactivated' };
    } else if (passwordHash || emailChanged) {
      const tokenIds = await revokeTokens(trx, target.id, self ? auth.tokenId : undefined);
      const reason = passwordHash ? 'password_changed' : 'email_changed';
      if (!tokenIds) ended = { reason };
      else if (tokenIds.length > 0) ended = { reason, token_ids: tokenIds };
    }
    const statusChanged = input.status !== undefined && input.status !== target.status;
    return { routingChanged: statusChanged || (input.name !== undefined && input.name !== target.name), ended };
  });
  if (outcome.ended) await publishSessionsEnded(ctx, { organization_id: auth.organizationId, user_id: id, ...outcome.ended });
  // A user's status decides whether their extension rings and may dial out: routing must know now
  // (and the snapshot's name is what the live board shows).
  if (outcome.routingChanged) await ctx.configChanged(auth.organizationId);
  return presentUser((await findUserById(ctx.db, auth.organizationId, id))!, ctx);
}

export async function deleteUser(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  let hadExtension = false;
  await ctx.db.transaction().execute(async (trx) => {
    const actor = await lockAndReloadActor(ctx, trx, auth);
    const target = await requireUser(trx, auth.organizationId, id);
    assertMayManage(actor, target);
    if (target.id === auth.userId) throw forbidden('You cannot delete your own account');
    if (target.role === 'owner' && target.status === 'active' && (await countActiveOwners(trx, auth.organizationId)) <= 1) {
      throw conflict('The organization must keep at least one active owner');
    }
    // The extension stays (it may be routed to) but is no longer assigned to anyone.
    hadExtension = Boolean(target.extension);
    await trx.updateTable('extensions').set({ user_id: null, updated_at: nowIso() }).where('user_id', '=', target.id).execute();
    // Its tokens go with it (foreign key cascade).
    await trx.deleteFrom('users').where('id', '=', target.id).where('organization_id', '=', auth.organizationId).execute();
  });
  await publishSessionsEnded(ctx, { organization_id: auth.organizationId, user_id: id, reason: 'deleted' });
  if (hadExtension) await ctx.configChanged(auth.organizationId);
}
