import { AppError, dummyPasswordHash, sha256Hex, verifyPassword } from '@opbx/platform';
import type { AuthResponse, LoginRequest } from '@warp/contract';

import type { AppContext } from '../../context.js';
import { findUserByEmail, presentUser } from '../users/users.service.js';
import { verifySecondFactor } from './mfa.js';
import { startSession } from './sessions.js';

const tooMany = (retryAfter: number) =>
  new AppError('RATE_LIMIT_EXCEEDED', 'Too many login attempts; try again later', undefined, { 'retry-after': String(retryAfter) });

const badCredentials = () => new AppError('UNAUTHORIZED', 'Invalid email or password');

export async function login(ctx: AppContext, body: LoginRequest, ip: string): Promise<AuthResponse> {
  const { WARP_LOGIN_WINDOW: window, WARP_LOGIN_LIMIT_IP, WARP_LOGIN_LIMIT_EMAIL } = ctx.config;
  const byIp = await ctx.limiter.hit(`login:ip:${ip}`, WARP_LOGIN_LIMIT_IP, window);
  if (!byIp.allowed) throw tooMany(byIp.retryAfter);
  const byEmail = await ctx.limiter.hit(`login:email:${sha256Hex(body.email)}`, WARP_LOGIN_LIMIT_EMAIL, window);
  if (!byEmail.allowed) throw tooMany(byEmail.retryAfter);

  const user = await findUserByEmail(ctx.db, body.email);
  // Verify against a dummy hash when the email is unknown (or has no password), so timing does not tell.
  const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), body.password);
  if (!user || !user.password_hash || !ok) throw badCredentials();
  if (user.status !== 'active') throw new AppError('FORBIDDEN', 'This user is disabled');
  if (user.mfa_enabled) {
    if (!body.mfa_code) {
      throw new AppError('UNAUTHORIZED', 'A two-factor code is required', [
        { field: 'mfa_code', message: 'is required: this account uses two-factor authentication' },
      ]);
    }
    if (!(await verifySecondFactor(ctx, ctx.db, user, body.mfa_code))) {
      throw new AppError('UNAUTHORIZED', 'The two-factor code is not valid', [{ field: 'mfa_code', message: 'is not valid' }]);
    }
  }
  const tokens = await startSession(ctx, user.id, 'password', ip);
  return { ...tokens, user: await presentUser(ctx.db, user) };
}
