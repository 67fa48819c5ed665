import { forbidden, sha256Hex, unauthorized } from '@opbx/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { AppContext } from '../context.js';
import type { UsersTable } from '../db/schema.js';

export type Role = UsersTable['role'];

export interface AuthInfo {
  userId: string;
  organizationId: string;
  role: Role;
  tokenId: string;
  tokenHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthInfo;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; absent on an authenticated route means every role. */
    roles?: readonly Role[];
    /** Routes that need no bearer token (login, health, webhooks with their own auth). */
    public?: boolean;
  }
}

export const ALL_ROLES: readonly Role[] = ['owner', 'admin', 'agent'];
export const MANAGERS: readonly Role[] = ['owner', 'admin'];
export const OWNER: readonly Role[] = ['owner'];

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** Resolve a bearer token to its user, or undefined when absent, expired, revoked or inactive. */
async function resolveToken(ctx: AppContext, token: string): Promise<AuthInfo | undefined> {
  const tokenHash = sha256Hex(token);
  const row = await ctx.db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .select([
      't.id as token_id',
      't.expires_at',
      't.revoked_at',
      'u.id as user_id',
      'u.role',
      'u.status as user_status',
      'o.id as org_id',
      'o.status as org_status',
    ])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= new Date().toISOString()) return undefined;
  if (row.user_status !== 'active' || row.org_status !== 'active') return undefined;
  return { userId: row.user_id, organizationId: row.org_id, role: row.role, tokenId: row.token_id, tokenHash };
}

/**
 * One hook authenticates and authorizes every API route from its declaration
 * (`config: { roles }` or `config: { public: true }`), so no handler can forget to.
 */
export function registerAuth(app: FastifyInstance, ctx: AppContext) {
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config?.public || !request.routeOptions.url) return;
    const token = bearerToken(request);
    if (!token) throw unauthorized('Authentication required: send a Bearer token');
    const auth = await resolveToken(ctx, token);
    if (!auth) throw unauthorized('The token is invalid or has expired');
    request.auth = auth;
    if (config?.roles && !config.roles.includes(auth.role)) throw forbidden();
  });
}

/** The authenticated caller; only valid on non-public routes. */
export function authOf(request: FastifyRequest): AuthInfo {
  if (!request.auth) throw unauthorized();
  return request.auth;
}
