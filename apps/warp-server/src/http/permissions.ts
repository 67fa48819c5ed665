import type { CustomerRole, ScopeArea, StaffRole } from '@warp/contract';

/**
 * THE permission matrix: what each role may do in each area, by HTTP method. `read` allows GET,
 * `write` every method (write implies read); an area a role does not list is refused (403).
 * Routes name their area (`config.area`); one hook (auth.ts) applies this table. Change access
 * here and nowhere else; test/rbac-matrix.test.ts states every cell independently.
 */
export type Role = StaffRole | CustomerRole;
export type Access = 'read' | 'write';

/** Areas of the customer API: they act on one customer account (the caller's, or X-Customer-ID). */
export const CUSTOMER_AREAS = ['account', 'trunks', 'trunk_credentials', 'api_keys', 'webhooks', 'users', 'cdrs', 'cdr_exports', 'usage'] as const;
/** Areas of the admin API (/v1/admin/...): staff only. */
export const ADMIN_AREAS = [
  'admin_customers',
  'admin_customer_status',
  'admin_trunks',
  'admin_audit',
  'admin_users',
  // Least-cost routing (issue 13): providers, partitions, routes, overrides, exclusions; rate decks; the simulator.
  'admin_routing',
  'admin_rates',
  'admin_routing_simulate',
  // CDRs and rating (issue 15): CDR search, detail and re-rating; usage and provider performance; margins.
  'admin_cdrs',
  'admin_usage',
  'admin_margins',
] as const;
export type CustomerArea = (typeof CUSTOMER_AREAS)[number];
export type AdminArea = (typeof ADMIN_AREAS)[number];
export type Area = CustomerArea | AdminArea;

export const PERMISSIONS: Record<Role, Partial<Record<Area, Access>>> = {
  super_admin: {
    account: 'write',
    trunks: 'write',
    api_keys: 'write',
    webhooks: 'write',
    users: 'write',
    admin_customers: 'write',
    admin_customer_status: 'write',
    admin_trunks: 'read',
    admin_audit: 'read',
    admin_users: 'write',
    admin_routing: 'write',
    admin_rates: 'write',
    admin_routing_simulate: 'write',
    cdrs: 'read',
    cdr_exports: 'write',
    usage: 'read',
    admin_cdrs: 'write',
    admin_usage: 'read',
    admin_margins: 'read',
  },
  admin: {
    account: 'write',
    trunks: 'write',
    api_keys: 'write',
    webhooks: 'write',
    users: 'write',
    admin_customers: 'write',
    admin_customer_status: 'write',
    admin_trunks: 'read',
    admin_audit: 'read',
    admin_users: 'write',
    admin_routing: 'write',
    admin_rates: 'write',
    admin_routing_simulate: 'write',
    cdrs: 'read',
    cdr_exports: 'write',
    usage: 'read',
    admin_cdrs: 'write',
    admin_usage: 'read',
    admin_margins: 'read',
  },
  // The NOC: reads everything, fixes trunks.
  support: {
    account: 'read',
    trunks: 'write',
    api_keys: 'read',
    webhooks: 'read',
    users: 'read',
    admin_customers: 'read',
    admin_trunks: 'read',
    admin_audit: 'read',
    admin_users: 'read',
    // reads routing and decks, runs the simulator when troubleshooting
    admin_routing: 'read',
    admin_rates: 'read',
    admin_routing_simulate: 'write',
    // traces calls and provider quality; margins are not the NOC's business
    cdrs: 'read',
    cdr_exports: 'write',
    usage: 'read',
    admin_cdrs: 'read',
    admin_usage: 'read',
  },
  // Credit limits, terms, suspensions for non-payment.
  finance: {
    account: 'read',
    trunks: 'read',
    admin_customers: 'write',
    admin_customer_status: 'write',
    admin_trunks: 'read',
    admin_audit: 'read',
    admin_rates: 'read',
    // re-rates a period after a deck correction
    cdrs: 'read',
    cdr_exports: 'write',
    usage: 'read',
    admin_cdrs: 'write',
    admin_usage: 'read',
    admin_margins: 'read',
  },
  // Onboards customers (create, edit), cannot suspend or terminate them.
  sales: {
    account: 'read',
    trunks: 'read',
    admin_customers: 'write',
    admin_trunks: 'read',
    admin_rates: 'read',
    usage: 'read',
    admin_usage: 'read',
  },
  // Digest credentials are shown to the customer's own admin only.
  customer_admin: {
    account: 'write',
    trunks: 'write',
    trunk_credentials: 'read',
    api_keys: 'write',
    webhooks: 'write',
    users: 'write',
    cdrs: 'read',
    cdr_exports: 'write',
    usage: 'read',
  },
  developer: { account: 'read', trunks: 'write', api_keys: 'write', webhooks: 'write', cdrs: 'read', cdr_exports: 'write', usage: 'read' },
  billing: { account: 'read', trunks: 'read', cdrs: 'read', cdr_exports: 'write', usage: 'read' },
  viewer: { account: 'read', trunks: 'read', api_keys: 'read', webhooks: 'read', cdrs: 'read', cdr_exports: 'write', usage: 'read' },
};

/** The scope an API key needs for an area; areas without one are closed to keys. */
export const KEY_SCOPE_AREA: Partial<Record<CustomerArea, ScopeArea>> = {
  account: 'account',
  trunks: 'trunks',
  api_keys: 'api_keys',
  webhooks: 'webhooks',
  cdrs: 'cdrs',
  cdr_exports: 'cdrs',
  usage: 'cdrs',
};

export const isRead = (method: string) => method === 'GET' || method === 'HEAD';

export function roleAllows(role: Role, area: Area, method: string): boolean {
  const access = PERMISSIONS[role][area];
  return access === 'write' || (access === 'read' && isRead(method));
}

export function scopesAllow(scopes: readonly string[], area: CustomerArea, method: string): boolean {
  const scopeArea = KEY_SCOPE_AREA[area];
  if (!scopeArea) return false;
  return scopes.includes(`${scopeArea}:write`) || (isRead(method) && scopes.includes(`${scopeArea}:read`));
}
