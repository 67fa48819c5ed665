import { BlockList, isIPv6 } from 'node:net';

import { AppError, constantTimeEqual, forbidden, invalidField, notFound, sha256Hex, unauthorized } from '@opbx/platform';
import type { CustomerRole, StaffRole } from '@warp/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { AppContext } from '../context.js';
import type { CustomersTable } from '../db/schema.js';
import { findCustomer } from '../modules/customers/customers.queries.js';
import { ADMIN_AREAS, type AdminArea, type Area, type CustomerArea, isRead, type Role, roleAllows, scopesAllow } from './permissions.js';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  email: string;
  type: 'staff' | 'customer';
  staffRole: StaffRole | null;
  sessionId: string;
  memberships: { customerId: string; role: CustomerRole }[];
}

export interface KeyPrincipal {
  kind: 'api_key';
  keyId: string;
  name: string;
  customerId: string;
  scopes: string[];
}

export type Principal = UserPrincipal | KeyPrincipal;

/** The customer account a customer-API request acts on, and the caller's role there. */
export interface Tenant {
  customer: CustomersTable;
  /** The effective role (a staff member keeps their staff role); null for API keys. */
  role: Role | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    tenant?: Tenant;
  }
  interface FastifyContextConfig {
    /** No credentials needed (login, health, OIDC callback). */
    public?: boolean;
    /** The permission area (permissions.ts); `self` = any signed-in user acting on themselves. */
    area?: Area | 'self';
  }
}

export const API_KEY_PREFIX = 'warp_live_';

export function bearerToken(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

async function resolveUserToken(ctx: AppContext, token: string): Promise<UserPrincipal | undefined> {
  const row = await ctx.db
    .selectFrom('access_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.expires_at', 's.id as session_id', 's.revoked_at', 'u.id as user_id', 'u.email', 'u.type', 'u.staff_role', 'u.status'])
    .where('t.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= new Date().toISOString() || row.status !== 'active') return undefined;
  const memberships =
    row.type === 'customer'
      ? await ctx.db.selectFrom('memberships').select(['customer_id as customerId', 'role']).where('user_id', '=', row.user_id).execute()
      : [];
  return { kind: 'user', userId: row.user_id, email: row.email, type: row.type, staffRole: row.staff_role, sessionId: row.session_id, memberships };
}

/** An API key, if live: not revoked, not expired, and called from an allowed address. */
async function resolveApiKey(ctx: AppContext, token: string, ip: string): Promise<KeyPrincipal | undefined> {
  const prefix = token.slice(0, API_KEY_PREFIX.length + 8);
  const row = await ctx.db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
  if (!row || !constantTimeEqual(row.key_hash, sha256Hex(token))) return undefined;
  if (row.revoked_at) return undefined;
  if (row.expires_at && row.expires_at <= new Date().toISOString()) return undefined;
  const allowed = JSON.parse(row.allowed_ips) as string[];
  if (allowed.length && !ipAllowed(allowed, ip)) return undefined;
  // Bookkeeping only: a failed write must not fail the request.
  void ctx.db
    .updateTable('api_keys')
    .set({ last_used_at: new Date().toISOString(), last_used_ip: ip })
    .where('id', '=', row.id)
    .execute()
    .catch(() => undefined);
  return { kind: 'api_key', keyId: row.id, name: row.name, customerId: row.customer_id, scopes: JSON.parse(row.scopes) as string[] };
}

export function ipAllowed(cidrs: string[], ip: string): boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/');
    list.addSubnet(net!, Number(bits), net!.includes(':') ? 'ipv6' : 'ipv4');
  }
  const address = ip.startsWith('::ffff:') && !ip.slice(7).includes(':') ? ip.slice(7) : ip;
  return list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

/**
 * Which customer the request names: a `:customerId` path parameter, else X-Customer-ID
 * (id or BAN). Another customer's account is always 404, never 403.
 */
async function resolveTenant(ctx: AppContext, request: FastifyRequest, principal: Principal): Promise<CustomersTable> {
  const fromPath = (request.params as { customerId?: string } | undefined)?.customerId;
  const header = request.headers['x-customer-id'];
  const named = fromPath ?? (typeof header === 'string' && header.trim() ? header.trim() : undefined);
  if (named !== undefined && named.length > 64) throw notFound('Customer');
  const load = async (idOrBan: string) => {
    const customer = await findCustomer(ctx.db, idOrBan);
    if (!customer) throw notFound('Customer');
    return customer;
  };
  if (principal.kind === 'api_key') {
    const own = await load(principal.customerId);
    if (named !== undefined && named.toLowerCase() !== own.id && named.toUpperCase() !== own.ban) throw notFound('Customer');
    return own;
  }
  if (principal.type === 'staff') {
    if (named === undefined) throw invalidField('X-Customer-ID', 'Staff must name the customer account (id or BAN) in the X-Customer-ID header');
    return load(named);
  }
  if (named === undefined) {
    if (principal.memberships.length === 1) return load(principal.memberships[0]!.customerId);
    if (principal.memberships.length === 0) throw forbidden('This user belongs to no customer account');
    throw invalidField('X-Customer-ID', 'This user belongs to several customer accounts: name one (id or BAN) in the X-Customer-ID header');
  }
  const customer = await findCustomer(ctx.db, named);
  if (!customer || !principal.memberships.some((m) => m.customerId === customer.id)) throw notFound('Customer');
  return customer;
}

const suspended = (customer: CustomersTable) => new AppError('FORBIDDEN', `The customer account ${customer.ban} is ${customer.status}: only reads are allowed`);

/**
 * One hook authenticates and authorizes every route from its declaration (`config.area`, or
 * `config.public`), so no handler can forget to. Routes without either are refused.
 */
export function registerAuth(app: FastifyInstance, ctx: AppContext) {
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config?.public || !request.routeOptions.url) return;
    const token = bearerToken(request);
    if (!token) throw unauthorized('Authentication required: send a Bearer token or API key');
    const principal = token.startsWith(API_KEY_PREFIX) ? await resolveApiKey(ctx, token, request.ip) : await resolveUserToken(ctx, token);
    if (!principal)
      throw unauthorized(
        token.startsWith(API_KEY_PREFIX) ? 'The API key is invalid, revoked, expired or not allowed from this address' : 'The token is invalid or has expired',
      );
    request.principal = principal;
    const area = config?.area;
    if (!area) throw forbidden();
    if (area === 'self') {
      if (principal.kind !== 'user') throw forbidden('API keys cannot use this endpoint');
      return;
    }
    if ((ADMIN_AREAS as readonly string[]).includes(area)) {
      if (principal.kind !== 'user' || principal.type !== 'staff' || !principal.staffRole) throw forbidden();
      if (!roleAllows(principal.staffRole, area as AdminArea, request.method)) throw forbidden();
      return;
    }
    const customer = await resolveTenant(ctx, request, principal);
    if (principal.kind === 'api_key') {
      if (customer.status !== 'active') throw suspended(customer);
      if (!scopesAllow(principal.scopes, area as CustomerArea, request.method)) throw forbidden(`This API key lacks the scope for ${request.method} here`);
      request.tenant = { customer, role: null };
      return;
    }
    const role: Role = principal.type === 'staff' ? principal.staffRole! : principal.memberships.find((m) => m.customerId === customer.id)!.role;
    if (!roleAllows(role, area as CustomerArea, request.method)) throw forbidden();
    if (customer.status !== 'active' && principal.type === 'customer' && !isRead(request.method)) throw suspended(customer);
    request.tenant = { customer, role };
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

export function userOf(request: FastifyRequest): UserPrincipal {
  const p = principalOf(request);
  if (p.kind !== 'user') throw forbidden();
  return p;
}

export function tenantOf(request: FastifyRequest): Tenant {
  if (!request.tenant) throw forbidden();
  return request.tenant;
}

/** Who did it, for the audit log. */
export interface Actor {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
  label: string | null;
  requestId: string | null;
  ip: string | null;
}

export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  const base = { requestId: String(request.id), ip: request.ip };
  if (!p) return { type: 'system', id: null, label: null, ...base };
  return p.kind === 'user' ? { type: 'user', id: p.userId, label: p.email, ...base } : { type: 'api_key', id: p.keyId, label: p.name, ...base };
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, label: 'cli', requestId: null, ip: null };
