import { AppError, generateToken, newId, nowIso, sha256Hex } from '@opbx/platform';
import type { AuthTokens } from '@warp/contract';

import type { AppContext } from '../../context.js';
import type { Db } from '../../db/db.js';
import type { SessionsTable } from '../../db/schema.js';

const invalid = () => new AppError('UNAUTHORIZED', 'The refresh token is invalid or has expired');

/** A new pair for the session: a short-lived access token and a refresh token of the same family. */
async function issueTokens(ctx: AppContext, db: Db, sessionId: string, userId: string): Promise<AuthTokens> {
  const access = generateToken('warp_at');
  const refresh = generateToken('warp_rt');
  const now = Date.now();
  const created_at = new Date(now).toISOString();
  await db
    .insertInto('access_tokens')
    .values({
      token_hash: sha256Hex(access),
      session_id: sessionId,
      user_id: userId,
      expires_at: new Date(now + ctx.config.WARP_ACCESS_TOKEN_TTL * 1000).toISOString(),
      created_at,
    })
    .execute();
  await db
    .insertInto('refresh_tokens')
    .values({
      id: newId(),
      session_id: sessionId,
      token_hash: sha256Hex(refresh),
      expires_at: new Date(now + ctx.config.WARP_REFRESH_TOKEN_TTL * 1000).toISOString(),
      rotated_at: null,
      created_at,
    })
    .execute();
  return { access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: ctx.config.WARP_ACCESS_TOKEN_TTL };
}

export async function startSession(ctx: AppContext, userId: string, method: SessionsTable['method'], ip: string | null): Promise<AuthTokens> {
  return ctx.db.transaction().execute(async (trx) => {
    const sessionId = newId();
    await trx
      .insertInto('sessions')
      .values({ id: sessionId, user_id: userId, method, ip, created_at: nowIso(), revoked_at: null, revoked_reason: null })
      .execute();
    await trx.updateTable('users').set({ last_login_at: nowIso() }).where('id', '=', userId).execute();
    return issueTokens(ctx, trx, sessionId, userId);
  });
}

export async function revokeSession(db: Db, sessionId: string, reason: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: nowIso(), revoked_reason: reason }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/**
 * Exchanges a refresh token for a new pair. A token already exchanged is a stolen copy or a
 * replay: the whole session (every token of the family) is revoked.
 */
export async function refreshSession(ctx: AppContext, refreshToken: string): Promise<AuthTokens> {
  const row = await ctx.db
    .selectFrom('refresh_tokens as r')
    .innerJoin('sessions as s', 's.id', 'r.session_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['r.id', 'r.expires_at', 'r.rotated_at', 's.id as session_id', 's.revoked_at', 'u.id as user_id', 'u.status'])
    .where('r.token_hash', '=', sha256Hex(refreshToken))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.status !== 'active') throw invalid();
  if (row.rotated_at) {
    await revokeSession(ctx.db, row.session_id, 'refresh_token_reuse');
    throw invalid();
  }
  if (row.expires_at <= nowIso()) throw invalid();
  const tokens = await ctx.db.transaction().execute(async (trx) => {
    const rotated = await trx
      .updateTable('refresh_tokens')
      .set({ rotated_at: nowIso() })
      .where('id', '=', row.id)
      .where('rotated_at', 'is', null)
      .executeTakeFirst();
    if (Number(rotated.numUpdatedRows) === 0) return undefined;
    return issueTokens(ctx, trx, row.session_id, row.user_id);
  });
  if (!tokens) {
    // Another request exchanged it in the meantime: the same reuse, seen a moment later.
    await revokeSession(ctx.db, row.session_id, 'refresh_token_reuse');
    throw invalid();
  }
  return tokens;
}

/** Ends every session of a user (password set, account disabled). */
export async function revokeUserSessions(db: Db, userId: string, reason: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: nowIso(), revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
