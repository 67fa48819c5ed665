import { AppError, dummyPasswordHash, generateToken, newId, nowIso, sha256Hex, verifyPassword } from '@opbx/platform';
import type { AppContext } from '../../context.js';
import { findUserById } from '../users/users.queries.js';
import { presentUser, type UserView } from '../users/users.presenter.js';

export interface TokenGrant {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

async function issueToken(ctx: AppContext, userId: string, organizationId: string): Promise<TokenGrant> {
  const token = generateToken('opbx');
  const now = Date.now();
  await ctx.db
    .insertInto('api_tokens')
    .values({
      id: newId(),
      user_id: userId,
      organization_id: organizationId,
      token_hash: sha256Hex(token),
      expires_at: new Date(now + ctx.config.OPBX_TOKEN_TTL * 1000).toISOString(),
      revoked_at: null,
      created_at: new Date(now).toISOString(),
    })
    .execute();
  return { access_token: token, token_type: 'Bearer', expires_in: ctx.config.OPBX_TOKEN_TTL };
}

const tooMany = (retryAfter: number) =>
  new AppError('RATE_LIMIT_EXCEEDED', 'Too many login attempts; try again later', undefined, {
    'retry-after': String(retryAfter),
  });

export async function login(ctx: AppContext, email: string, password: string, ip: string): Promise<TokenGrant & { user: UserView }> {
  const normalized = email.toLowerCase();
  const window = ctx.config.OPBX_LOGIN_WINDOW;
  const byIp = await ctx.limiter.hit(`login:ip:${ip}`, ctx.config.OPBX_LOGIN_LIMIT_IP, window);
  if (!byIp.allowed) throw tooMany(byIp.retryAfter);
  const byEmail = await ctx.limiter.hit(`login:email:${sha256Hex(normalized)}`, ctx.config.OPBX_LOGIN_LIMIT_EMAIL, window);
  if (!byEmail.allowed) throw tooMany(byEmail.retryAfter);

  const row = await ctx.db
    .selectFrom('users as u')
    .innerJoin('organizations as o', 'o.id', 'u.organization_id')
    .select(['u.id', 'u.organization_id', 'u.password_hash', 'u.status', 'o.status as org_status'])
    .where('u.email', '=', normalized)
    .executeTakeFirst();
  // Verify against a dummy hash when the email is unknown, so timing does not reveal which emails exist.
  const ok = await verifyPassword(row?.password_hash ?? (await dummyPasswordHash()), password);
  if (!row || !ok) throw new AppError('UNAUTHORIZED', 'Invalid email or password');
  if (row.status !== 'active') throw new AppError('FORBIDDEN', 'This account is inactive');
  if (row.org_status !== 'active') throw new AppError('FORBIDDEN', 'This organization is inactive');

  const grant = await issueToken(ctx, row.id, row.organization_id);
  const user = await findUserById(ctx.db, row.organization_id, row.id);
  return { ...grant, user: presentUser(user!, ctx) };
}

export async function logout(ctx: AppContext, tokenId: string): Promise<void> {
  await ctx.db.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('id', '=', tokenId).execute();
}

/** Rotates the token: the new one is issued and the presented one revoked in one transaction. */
export async function refresh(ctx: AppContext, auth: { tokenId: string; userId: string; organizationId: string }): Promise<TokenGrant> {
  const revoked = await ctx.db
    .updateTable('api_tokens')
    .set({ revoked_at: nowIso() })
    .where('id', '=', auth.tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  // A concurrent refresh with the same token already rotated it.
  if (Number(revoked.numUpdatedRows) === 0) throw new AppError('UNAUTHORIZED', 'The token is invalid or has expired');
  return issueToken(ctx, auth.userId, auth.organizationId);
}
