import { AppError, nowIso, sha256Hex } from '@opbx/platform';
import type { AuthResponse } from '@warp/contract';
import * as client from 'openid-client';

import type { AppContext } from '../../context.js';
import { startSession } from '../auth/sessions.js';
import { findUserByEmail, presentUser } from '../users/users.service.js';

const STATE_TTL_MS = 10 * 60 * 1000;

/**
 * Sign-in through an external OpenID Connect provider: authorization code with PKCE, state and
 * nonce kept server-side (any instance can finish the flow), the ID token's signature and claims
 * verified by openid-client against the issuer's keys, and the user matched by a verified email.
 * Nothing the browser posts about the user is trusted.
 */
export class OidcSignIn {
  private discovered?: Promise<client.Configuration>;

  constructor(private readonly ctx: AppContext) {}

  get enabled(): boolean {
    const c = this.ctx.config;
    return Boolean(c.WARP_OIDC_ISSUER && c.WARP_OIDC_CLIENT_ID && c.WARP_OIDC_REDIRECT_URI);
  }

  private configuration(): Promise<client.Configuration> {
    const c = this.ctx.config;
    if (!this.enabled) throw new AppError('NOT_FOUND', 'OpenID Connect sign-in is not configured');
    this.discovered ??= client
      .discovery(
        new URL(c.WARP_OIDC_ISSUER!),
        c.WARP_OIDC_CLIENT_ID!,
        c.WARP_OIDC_CLIENT_SECRET,
        undefined,
        c.WARP_OIDC_ALLOW_HTTP ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err) => {
        this.discovered = undefined; // try again on the next request
        throw err;
      });
    return this.discovered.catch(() => {
      throw new AppError('SERVICE_UNAVAILABLE', 'The identity provider cannot be reached', undefined, { 'retry-after': '30' });
    });
  }

  async authorizationUrl(): Promise<string> {
    const config = await this.configuration();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    const now = Date.now();
    await this.ctx.db.deleteFrom('oidc_states').where('expires_at', '<', new Date(now).toISOString()).execute();
    await this.ctx.db
      .insertInto('oidc_states')
      .values({
        state_hash: sha256Hex(state),
        code_verifier: verifier,
        nonce,
        expires_at: new Date(now + STATE_TTL_MS).toISOString(),
        created_at: new Date(now).toISOString(),
      })
      .execute();
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: this.ctx.config.WARP_OIDC_REDIRECT_URI!,
        scope: 'openid email profile',
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      })
      .toString();
  }

  /** Finishes the flow from the query the provider redirected with (`code`, `state`, or `error`). */
  async callback(query: Record<string, string>, ip: string): Promise<AuthResponse> {
    const config = await this.configuration();
    const refused = (message: string) => new AppError('UNAUTHORIZED', message);
    if (!query.state) throw refused('The sign-in response has no state');
    // Single use: the state row is taken whether or not the rest succeeds.
    const taken = await this.ctx.db.deleteFrom('oidc_states').where('state_hash', '=', sha256Hex(query.state)).returningAll().executeTakeFirst();
    if (!taken || taken.expires_at <= nowIso()) throw refused('The sign-in attempt is unknown or has expired; start again');
    const current = new URL(this.ctx.config.WARP_OIDC_REDIRECT_URI!);
    for (const [k, v] of Object.entries(query)) current.searchParams.set(k, v);
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: taken.code_verifier,
        expectedState: query.state,
        expectedNonce: taken.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      claims = idToken;
      // Providers may leave email out of the ID token (OIDC Core 5.4): then ask userinfo, which
      // openid-client binds to the ID token's subject.
      if (idToken && typeof idToken.email !== 'string') claims = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    } catch (err) {
      throw refused(`The identity provider's answer was not accepted (${(err as { code?: string }).code ?? 'invalid response'})`);
    }
    const email = typeof claims?.email === 'string' ? claims.email.toLowerCase() : undefined;
    if (!email || claims?.email_verified !== true) throw refused('The identity provider did not vouch for a verified email address');
    const user = await findUserByEmail(this.ctx.db, email);
    if (!user || user.status !== 'active') throw refused('No active WARP user has this email address');
    const session = await startSession(this.ctx, user.id, 'oidc', ip);
    return { ...session, user: await presentUser(this.ctx.db, user) };
  }
}
