import { AppError, dummyPasswordHash, generateToken, invalid, newId, sha256Hex, unauthorized, verifyPassword } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import type { Db } from '../../db/db.js';
import { presentUser, type UserView } from '../users/users.presenter.js';
import { findUserById } from '../users/users.queries.js';
import { publishSessionsEnded } from './session-events.js';

interface TokenGrant {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * A token of the session begun at `sessionStartedAt`. It never outlives the session: at
 * OPBX_SESSION_MAX_AGE the session ends however often it was refreshed.
 */
async function issueToken(db: Db, ctx: AppContext, userId: string, organizationId: string, sessionStartedAt: string): Promise<TokenGrant> {
  const token = generateToken('opbx');
  const now = Date.now();
  const sessionEnds = Date.parse(sessionStartedAt) + ctx.config.OPBX_SESSION_MAX_AGE * 1000;
  const expiresAt = Math.min(now + ctx.config.OPBX_TOKEN_TTL * 1000, sessionEnds);
  await db
    .insertInto('api_tokens')
    .values({
      id: newId(),
      user_id: userId,
      organization_id: organizationId,
      token_hash: sha256Hex(token),
      expires_at: new Date(expiresAt).toISOString(),
      revoked_at: null,
      created_at: new Date(now).toISOString(),
      session_started_at: sessionStartedAt,
    })
    .execute();
  return { access_token: token, token_type: 'Bearer', expires_in: Math.max(1, Math.floor((expiresAt - now) / 1000)) };
}

const tooMany = (retryAfter: number) =>
  new AppError('RATE_LIMIT_EXCEEDED', 'Too many login attempts; try again later', undefined, {
    'retry-after': String(Math.max(1, retryAfter)),
  });

/**
 * Wrong password, unknown email, inactive account or organization: one answer (422 on `email`,
 * as Laravel answers), so it tells nobody which emails exist or that a password was right.
 * Not 401: clients treat a 401 as an expired session and would drop the form's message.
 */
const INVALID_CREDENTIALS = 'These credentials do not match our records.';
const invalidCredentials = () => invalid([{ field: 'email', message: INVALID_CREDENTIALS }], INVALID_CREDENTIALS);

/** Failed password checks of one account (sign-in, or current_password on a profile change). */
const passwordFailuresKey = (email: string) => `login:fail:${sha256Hex(email.toLowerCase())}`;

/**
 * Whether the account may have its password checked now: refused for the rest of the window once
 * OPBX_LOGIN_LIMIT_EMAIL checks failed in it. Only failures count, and refused attempts do not,
 * so the lock ends with the window that began at the first failure.
 */
export async function assertPasswordChecksAllowed(ctx: AppContext, email: string): Promise<void> {
  const state = await ctx.limiter.peek(passwordFailuresKey(email), ctx.config.OPBX_LOGIN_LIMIT_EMAIL);
  if (!state.allowed) throw tooMany(state.retryAfter);
}

export async function recordPasswordFailure(ctx: AppContext, email: string): Promise<void> {
  await ctx.limiter.hit(passwordFailuresKey(email), ctx.config.OPBX_LOGIN_LIMIT_EMAIL, ctx.config.OPBX_LOGIN_WINDOW);
}

export async function login(ctx: AppContext, email: string, password: string, ip: string): Promise<TokenGrant & { user: UserView }> {
  const normalized = email.toLowerCase();
  // Every attempt counts against the address; only failures count against the account.
  const byIp = await ctx.limiter.hit(`login:ip:${ip}`, ctx.config.OPBX_LOGIN_LIMIT_IP, ctx.config.OPBX_LOGIN_WINDOW);
  if (!byIp.allowed) throw tooMany(byIp.retryAfter);
  await assertPasswordChecksAllowed(ctx, normalized);

  const row = await ctx.db
    .selectFrom('users as u')
    .innerJoin('organizations as o', 'o.id', 'u.organization_id')
    .select(['u.id', 'u.organization_id', 'u.password_hash', 'u.status', 'o.status as org_status'])
    .where('u.email', '=', normalized)
    .executeTakeFirst();
  // Verify against a dummy hash when the email is unknown, so timing does not reveal which emails exist.
  const ok = await verifyPassword(row?.password_hash ?? (await dummyPasswordHash()), password);
  if (!row || !ok || row.status !== 'active' || row.org_status !== 'active') {
    await recordPasswordFailure(ctx, normalized);
    throw invalidCredentials();
  }

  const grant = await issueToken(ctx.db, ctx, row.id, row.organization_id, new Date().toISOString());
  // The owner got in: earlier failures (theirs or a guesser's) no longer count against the account.
  await ctx.limiter.reset(passwordFailuresKey(normalized));
  const user = await findUserById(ctx.db, row.organization_id, row.id);
  return { ...grant, user: presentUser(user!, ctx) };
}

export async function logout(ctx: AppContext, auth: { tokenId: string; userId: string; organizationId: string }): Promise<void> {
  await ctx.db.updateTable('api_tokens').set({ revoked_at: new Date().toISOString() }).where('id', '=', auth.tokenId).execute();
  await publishSessionsEnded(ctx, { organization_id: auth.organizationId, user_id: auth.userId, token_ids: [auth.tokenId], reason: 'logout' });
}

const sessionOver = () => unauthorized('The session has expired; sign in again');

/**
 * Rotates the token in one transaction: the presented one is revoked and its successor, of the
 * same session, issued together (or neither). Past OPBX_SESSION_MAX_AGE there is no successor.
 */
export async function refresh(ctx: AppContext, auth: { tokenId: string; userId: string; organizationId: string }): Promise<TokenGrant> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const current = await trx.selectFrom('api_tokens').select(['session_started_at', 'created_at']).where('id', '=', auth.tokenId).executeTakeFirst();
    const revoked = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', auth.tokenId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    // A concurrent refresh with the same token already rotated it.
    if (!current || Number(revoked.numUpdatedRows) === 0) throw unauthorized('The token is invalid or has expired');
    const started = current.session_started_at ?? current.created_at;
    if (Date.parse(started) + ctx.config.OPBX_SESSION_MAX_AGE * 1000 <= Date.now()) throw sessionOver();
    return issueToken(trx, ctx, auth.userId, auth.organizationId, started);
  });
}
