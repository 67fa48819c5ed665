import { AppError, conflict, forbidden, generateToken, invalidField, newId, notFound, nowIso, sha256Hex, verifyPassword } from '@opbx/platform';
import {
  type AuthResponse,
  CUSTOMER_ROLES,
  type CustomerRole,
  type Invitation,
  type InvitationAcceptRequest,
  type InvitationCreated,
  type ListQuery,
  STAFF_ROLES,
  type StaffRole,
} from '@warp/contract';

import type { AppContext } from '../../context.js';
import type { InvitationsTable } from '../../db/schema.js';
import type { Actor, UserPrincipal } from '../../http/auth.js';
import { paginate } from '../../http/envelope.js';
import { audit } from '../audit/audit.service.js';
import { startSession } from '../auth/sessions.js';
import { getCustomer } from '../customers/customers.service.js';
import { addMembership, findUserByEmail, insertUser, presentUser } from '../users/users.service.js';

const TTL_MS = 7 * 24 * 3600 * 1000;

const isStaffRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);
const isCustomerRole = (role: string): role is CustomerRole => (CUSTOMER_ROLES as readonly string[]).includes(role);

export function presentInvitation(row: InvitationsTable): Invitation {
  const status = row.accepted_at ? 'accepted' : row.revoked_at ? 'revoked' : row.expires_at <= nowIso() ? 'expired' : 'pending';
  return { id: row.id, email: row.email, role: row.role, customer_id: row.customer_id, status, expires_at: row.expires_at, created_at: row.created_at };
}

interface InviteInput {
  email: string;
  role: StaffRole | CustomerRole;
  customerId: string | null;
  name?: string | undefined;
}

/** Staff invite staff or a customer's user; only a super_admin may invite a super_admin. */
export async function inviteAsStaff(
  ctx: AppContext,
  actor: Actor,
  inviter: UserPrincipal,
  input: { email: string; role: StaffRole | CustomerRole; customer_id?: string | undefined; name?: string | undefined },
) {
  if (isStaffRole(input.role)) {
    if (input.customer_id !== undefined) throw invalidField('customer_id', 'must be omitted for a staff role');
    if (input.role === 'super_admin' && inviter.staffRole !== 'super_admin') throw forbidden('Only a super_admin may invite a super_admin');
    return createInvitation(ctx, actor, { email: input.email, role: input.role, customerId: null, name: input.name });
  }
  if (input.customer_id === undefined) throw invalidField('customer_id', 'is required for a customer role');
  const customer = await getCustomer(ctx, input.customer_id).catch(() => {
    throw invalidField('customer_id', 'does not name a customer');
  });
  return createInvitation(ctx, actor, { email: input.email, role: input.role, customerId: customer.id, name: input.name });
}

export async function createInvitation(ctx: AppContext, actor: Actor, input: InviteInput): Promise<InvitationCreated> {
  const existing = await findUserByEmail(ctx.db, input.email);
  if (existing && (isStaffRole(input.role) || existing.type === 'staff'))
    throw conflict('A user with this email already exists', [{ field: 'email', message: 'is already taken' }]);
  if (existing && input.customerId) {
    const member = await ctx.db
      .selectFrom('memberships')
      .select('role')
      .where('user_id', '=', existing.id)
      .where('customer_id', '=', input.customerId)
      .executeTakeFirst();
    if (member) throw conflict('This user already belongs to the account', [{ field: 'email', message: 'is already a member' }]);
  }
  const token = generateToken('warp_inv');
  const now = Date.now();
  const row: InvitationsTable = {
    id: newId(),
    email: input.email,
    name: input.name ?? null,
    role: input.role,
    customer_id: input.customerId,
    token_hash: sha256Hex(token),
    invited_by: actor.type === 'user' ? actor.id : null,
    expires_at: new Date(now + TTL_MS).toISOString(),
    accepted_at: null,
    revoked_at: null,
    created_at: new Date(now).toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('invitations').values(row).execute();
    await audit(trx, actor, {
      action: 'invitation.create',
      customerId: row.customer_id,
      targetType: 'invitation',
      targetId: row.id,
      changes: { email: row.email, role: row.role },
    });
  });
  const accept_url = `${ctx.config.WARP_PORTAL_URL.replace(/\/$/, '')}/accept-invitation?token=${encodeURIComponent(token)}`;
  return { ...presentInvitation(row), token, accept_url };
}

export async function listInvitations(ctx: AppContext, customerId: string | null, query: ListQuery) {
  let q = ctx.db.selectFrom('invitations').selectAll();
  q = customerId ? q.where('customer_id', '=', customerId) : q.where('customer_id', 'is', null);
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('created_at', 'desc').orderBy('id', 'desc'));
  return { data: rows.map(presentInvitation), pagination };
}

export async function revokeInvitation(ctx: AppContext, actor: Actor, customerId: string | null, id: string): Promise<void> {
  let q = ctx.db.selectFrom('invitations').selectAll().where('id', '=', id);
  q = customerId ? q.where('customer_id', '=', customerId) : q.where('customer_id', 'is', null);
  const row = await q.executeTakeFirst();
  if (!row || row.accepted_at || row.revoked_at) throw notFound('Invitation');
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('invitations').set({ revoked_at: nowIso() }).where('id', '=', row.id).execute();
    await audit(trx, actor, {
      action: 'invitation.revoke',
      customerId: row.customer_id,
      targetType: 'invitation',
      targetId: row.id,
      changes: { email: row.email },
    });
  });
}

/**
 * Accepting sets the password of a new user (or, for someone who already has a WARP login,
 * checks it) and signs them in. A token works once, for 7 days.
 */
export async function acceptInvitation(ctx: AppContext, body: InvitationAcceptRequest, ip: string): Promise<AuthResponse> {
  const row = await ctx.db.selectFrom('invitations').selectAll().where('token_hash', '=', sha256Hex(body.token)).executeTakeFirst();
  if (!row || row.accepted_at || row.revoked_at || row.expires_at <= nowIso()) throw invalidField('token', 'is invalid, used or expired');
  const existing = await findUserByEmail(ctx.db, row.email);
  if (existing) {
    const ok = existing.password_hash ? await verifyPassword(existing.password_hash, body.password) : false;
    if (!ok || existing.type === 'staff' || !row.customer_id)
      throw new AppError('UNAUTHORIZED', 'This email already has a WARP login: enter its current password to join the account');
  }
  const userId = await ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('invitations')
      .set({ accepted_at: nowIso() })
      .where('id', '=', row.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw invalidField('token', 'is invalid, used or expired');
    const user =
      existing ??
      (await insertUser(trx, {
        email: row.email,
        name: body.name ?? row.name ?? row.email.split('@')[0]!,
        type: isStaffRole(row.role) ? 'staff' : 'customer',
        ...(isStaffRole(row.role) && { staffRole: row.role }),
        password: body.password,
      }));
    if (row.customer_id && isCustomerRole(row.role)) await addMembership(trx, user.id, row.customer_id, row.role);
    const actor: Actor = { type: 'user', id: user.id, label: user.email, requestId: null, ip };
    await audit(trx, actor, {
      action: 'invitation.accept',
      customerId: row.customer_id,
      targetType: 'invitation',
      targetId: row.id,
      changes: { role: row.role },
    });
    return user.id;
  });
  const tokens = await startSession(ctx, userId, 'invitation', ip);
  const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  return { ...tokens, user: await presentUser(ctx.db, user) };
}
