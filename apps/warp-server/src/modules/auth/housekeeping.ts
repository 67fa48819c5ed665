import type { AppContext } from '../../context.js';

/**
 * Drops credentials that can no longer be used: expired access tokens, refresh tokens past their
 * expiry, abandoned OIDC sign-ins. Sessions stay (they are the sign-in history).
 */
export async function purgeExpired(ctx: AppContext, now = new Date()): Promise<number> {
  const iso = now.toISOString();
  const results = await Promise.all([
    ctx.db.deleteFrom('access_tokens').where('expires_at', '<', iso).executeTakeFirst(),
    ctx.db.deleteFrom('refresh_tokens').where('expires_at', '<', iso).executeTakeFirst(),
    ctx.db.deleteFrom('oidc_states').where('expires_at', '<', iso).executeTakeFirst(),
  ]);
  return results.reduce((n, r) => n + Number(r.numDeletedRows), 0);
}
