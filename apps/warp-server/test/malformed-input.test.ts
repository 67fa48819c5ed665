import * as contract from '@warp/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { Api, type Reply, uniqueEmail } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff, createTestCustomer, PASSWORD, type TestCustomer } from './support/fixtures.js';

/**
 * Every write route gets dozens of bad bodies: wrong types, missing required fields, oversized
 * strings and lists, bad CIDRs and emails, unknown fields, non-object JSON. Each must be a 4xx
 * in WARP's error body (422 naming fields), never a 5xx, and the database must be unchanged.
 */
let server: TestServer;
let acme: TestCustomer;
let staff: Api;
const ids = {} as { trunk: string; webhook: string; target: string };

beforeAll(async () => {
  server = await createTestServer({ WARP_WEBHOOKS_ALLOW_PRIVATE: 'true' });
  acme = await createTestCustomer(server, 'Malformed Carrier');
  staff = (await createStaff(server, 'super_admin')).api;
  ids.trunk = (await acme.users.customer_admin.api.post('/trunks', { name: 'T', allowed_ips: ['192.0.2.1'] })).body.data.id;
  ids.webhook = (await acme.users.customer_admin.api.post('/webhooks', { url: 'http://127.0.0.1:9/h', events: ['trunk.created'] })).body.data.id;
  ids.target = (await staff.post('/admin/customers', { name: 'Target', type: 'prepaid' })).body.data.id;
}, 60_000);
afterAll(() => server?.close());

const TABLES = [
  'customers',
  'users',
  'memberships',
  'recovery_codes',
  'sessions',
  'refresh_tokens',
  'invitations',
  'audit_log',
  'trunks',
  'api_keys',
  'webhooks',
  'webhook_deliveries',
] as const;

async function snapshot(): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) {
    const rows = await server.ctx.db.selectFrom(t).selectAll().execute();
    out[t] = rows
      .map((r: any) => ({ ...r, last_used_at: undefined, last_used_ip: undefined, last_login_at: undefined }))
      .sort((x: any, y: any) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  }
  return JSON.stringify(out);
}

const address = { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };
const trunk = {
  name: 'Valid',
  auth_type: 'both',
  allowed_ips: ['203.0.113.0/24'],
  tech_prefix: '99',
  max_channels: 10,
  max_cps: 2,
  daily_spend_limit: '10.00',
  allowed_destinations: ['domestic'],
  blocked_prefixes: ['1900'],
  codecs: ['PCMU'],
  outbound_destinations: [{ host: 'sbc.example.com', port: 5060, transport: 'udp', priority: 1 }],
};

interface WriteRoute {
  name: string;
  method: 'POST' | 'PATCH';
  url: () => string;
  api: () => Api;
  valid: Record<string, unknown>;
  schema: z.ZodType;
  /** Fields that must be present. */
  required: string[];
}

const routes: WriteRoute[] = [
  {
    name: 'login',
    method: 'POST',
    url: () => '/auth/login',
    api: () => new Api(server.app),
    valid: { email: 'a@b.example', password: 'x', mfa_code: '123456' },
    schema: contract.loginRequest,
    required: ['email', 'password'],
  },
  {
    name: 'refresh',
    method: 'POST',
    url: () => '/auth/refresh',
    api: () => new Api(server.app),
    valid: { refresh_token: 'warp_rt_x' },
    schema: contract.refreshRequest,
    required: ['refresh_token'],
  },
  {
    name: 'accept invitation',
    method: 'POST',
    url: () => '/auth/invitations/accept',
    api: () => new Api(server.app),
    valid: { token: 'warp_inv_x', password: 'Valid-passw0rd', name: 'N' },
    schema: contract.invitationAcceptRequest,
    required: ['token', 'password'],
  },
  {
    name: 'mfa confirm',
    method: 'POST',
    url: () => '/auth/mfa/confirm',
    api: () => acme.users.viewer.api,
    valid: { code: '123456' },
    schema: contract.mfaConfirmRequest,
    required: ['code'],
  },
  {
    name: 'mfa disable',
    method: 'POST',
    url: () => '/auth/mfa/disable',
    api: () => acme.users.viewer.api,
    valid: { password: PASSWORD, code: '123456' },
    schema: contract.mfaDisableRequest,
    required: ['password', 'code'],
  },
  {
    name: 'account',
    method: 'PATCH',
    url: () => '/account',
    api: () => acme.users.customer_admin.api,
    valid: { contact: { name: 'N', email: 'c@d.example', phone: '+1 212 555 0100' }, address },
    schema: contract.accountUpdate,
    required: [],
  },
  {
    name: 'create customer',
    method: 'POST',
    url: () => '/admin/customers',
    api: () => staff,
    valid: { name: 'C', type: 'prepaid', contact: { email: 'e@f.example' }, address, credit_limit: '100', payment_terms: 30, currency: 'USD' },
    schema: contract.customerCreate,
    required: ['name', 'type'],
  },
  {
    name: 'update customer',
    method: 'PATCH',
    url: () => `/admin/customers/${ids.target}`,
    api: () => staff,
    valid: { name: 'C', type: 'postpaid', contact: { email: 'e@f.example' }, address, credit_limit: '100', payment_terms: 30, currency: 'EUR' },
    schema: contract.customerUpdate,
    required: [],
  },
  {
    name: 'suspend',
    method: 'POST',
    url: () => `/admin/customers/${ids.target}/suspend`,
    api: () => staff,
    valid: { reason: 'r' },
    schema: contract.statusChangeRequest,
    required: ['reason'],
  },
  {
    name: 'terminate',
    method: 'POST',
    url: () => `/admin/customers/${ids.target}/terminate`,
    api: () => staff,
    valid: { reason: 'r' },
    schema: contract.statusChangeRequest,
    required: ['reason'],
  },
  {
    name: 'create trunk',
    method: 'POST',
    url: () => '/trunks',
    api: () => acme.users.customer_admin.api,
    valid: trunk,
    schema: contract.trunkCreate,
    required: ['name'],
  },
  {
    name: 'create trunk (seed path)',
    method: 'POST',
    url: () => `/customers/${acme.id}/trunks`,
    api: () => acme.users.customer_admin.api,
    valid: trunk,
    schema: contract.trunkCreate,
    required: ['name'],
  },
  {
    name: 'update trunk',
    method: 'PATCH',
    url: () => `/trunks/${ids.trunk}`,
    api: () => acme.users.customer_admin.api,
    valid: { ...trunk, name: 'Renamed' },
    schema: contract.trunkUpdate,
    required: [],
  },
  {
    name: 'test trunk',
    method: 'POST',
    url: () => `/trunks/${ids.trunk}/test`,
    api: () => acme.users.customer_admin.api,
    valid: { test_number: '+12125550123' },
    schema: contract.trunkTestRequest,
    required: ['test_number'],
  },
  {
    name: 'create API key',
    method: 'POST',
    url: () => '/api-keys',
    api: () => acme.users.customer_admin.api,
    valid: { name: 'K', scopes: ['trunks:read'], allowed_ips: ['10.0.0.0/8'], expires_at: '2099-01-01T00:00:00Z' },
    schema: contract.apiKeyCreate,
    required: ['name', 'scopes'],
  },
  {
    name: 'create webhook',
    method: 'POST',
    url: () => '/webhooks',
    api: () => acme.users.customer_admin.api,
    valid: { url: 'https://example.com/h', events: ['trunk.created'], description: 'd' },
    schema: contract.webhookCreate,
    required: ['url', 'events'],
  },
  {
    name: 'update webhook',
    method: 'PATCH',
    url: () => `/webhooks/${ids.webhook}`,
    api: () => acme.users.customer_admin.api,
    valid: { url: 'https://example.com/h2', events: ['trunk.updated'], description: 'd', status: 'disabled' },
    schema: contract.webhookUpdate,
    required: [],
  },
  {
    name: 'invite (customer)',
    method: 'POST',
    url: () => '/invitations',
    api: () => acme.users.customer_admin.api,
    valid: { email: 'i@j.example', role: 'viewer', name: 'I' },
    schema: contract.customerInvitationCreate,
    required: ['email', 'role'],
  },
  {
    name: 'member role',
    method: 'PATCH',
    url: () => `/users/${acme.users.billing.id}`,
    api: () => acme.users.customer_admin.api,
    valid: { role: 'viewer' },
    schema: contract.accountUserUpdate,
    required: ['role'],
  },
  {
    name: 'staff user',
    method: 'PATCH',
    url: () => `/admin/users/${acme.users.billing.id}`,
    api: () => staff,
    valid: { role: 'support', status: 'active' },
    schema: contract.adminUserUpdate,
    required: [],
  },
  {
    name: 'password change',
    method: 'POST',
    url: () => '/auth/password',
    api: () => acme.users.viewer.api,
    valid: { current_password: PASSWORD, new_password: 'Another-passw0rd-2' },
    schema: contract.passwordChangeRequest,
    required: ['current_password', 'new_password'],
  },
  {
    name: 'invite (staff)',
    method: 'POST',
    url: () => '/admin/invitations',
    api: () => staff,
    valid: { email: 'k@l.example', role: 'support', name: 'K' },
    schema: contract.adminInvitationCreate,
    required: ['email', 'role'],
  },
];

const HUGE = 'x'.repeat(100_000);
const wrongTypes = (v: unknown): unknown[] => {
  if (typeof v === 'string') return [12345, true, {}, [], null, HUGE, '', ' ', 'a\u0000b', '\u0007'];
  if (typeof v === 'number') return ['12', true, {}, [], -1, 1e12, 1.5, null, Number.MAX_SAFE_INTEGER];
  if (Array.isArray(v)) return ['x', 1, {}, null, [{}], [null], Array(5000).fill(v[0] ?? 'x'), [HUGE]];
  if (v && typeof v === 'object') return ['x', 1, [], true, { bogus: 1 }];
  return ['x', 1, {}, []];
};

/** Bad bodies for a route: per-field mutations plus body-level ones; only those the contract rejects. */
function badBodies(route: WriteRoute): { label: string; body: unknown }[] {
  const out: { label: string; body: unknown }[] = [
    { label: 'unknown field', body: { ...route.valid, bogus_field: 1 } },
    { label: 'array body', body: [route.valid] },
    { label: 'string body', body: '"hello"' },
    { label: 'number body', body: '42' },
    { label: 'truncated JSON', body: '{"name":' },
    { label: 'mass assignment', body: { ...route.valid, id: 'x', customer_id: 'x', status_reason: 'x', role_id: 1 } },
  ];
  for (const field of route.required) {
    const { [field]: _drop, ...rest } = route.valid;
    out.push({ label: `missing ${field}`, body: rest });
  }
  for (const [field, value] of Object.entries(route.valid)) {
    for (const wrong of wrongTypes(value)) out.push({ label: `${field}=${JSON.stringify(wrong)?.slice(0, 30)}`, body: { ...route.valid, [field]: wrong } });
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        for (const wrong of wrongTypes(innerValue))
          out.push({ label: `${field}.${inner}=${JSON.stringify(wrong)?.slice(0, 30)}`, body: { ...route.valid, [field]: { ...value, [inner]: wrong } } });
      }
    }
  }
  for (const field of ['email'])
    if (field in route.valid)
      for (const bad of ['not-an-email', 'a@', '@b.example', 'a b@c.example', `${'x'.repeat(250)}@b.example`])
        out.push({ label: `email ${bad.slice(0, 20)}`, body: { ...route.valid, email: bad } });
  if ('contact' in route.valid) out.push({ label: 'contact.email bad', body: { ...route.valid, contact: { email: 'nope' } } });
  for (const field of ['allowed_ips']) {
    if (!(field in route.valid)) continue;
    for (const bad of ['10.0.0.0/33', '256.1.1.1', '2001:db8::/129', 'example.com', '10.0.0.0/8/8', '1.2.3', ':::1', '10.0.0.0/-1', ''])
      out.push({ label: `${field} ${bad}`, body: { ...route.valid, [field]: [bad] } });
  }
  // Keep only bodies the contract rejects (some "wrong" values are legitimately accepted, e.g. money as a number).
  return out.filter(({ body }) => typeof body === 'string' || !route.schema.safeParse(body).success);
}

function problems(res: Reply): string[] {
  const p: string[] = [];
  if (res.status < 400 || res.status >= 500) p.push(`status ${res.status}`);
  const b = res.body;
  if (!b || typeof b.code !== 'string' || typeof b.message !== 'string' || !Array.isArray(b.details) || b.requestId !== res.headers['x-request-id'])
    p.push('not the error body');
  if (res.status === 422 && !(b.details.length > 0 && b.details.every((d: any) => typeof d.field === 'string' && typeof d.message === 'string')))
    p.push('422 without field details');
  return p;
}

describe('malformed input on every write route', () => {
  for (const route of routes) {
    it(`${route.method} ${route.name}: at least 12 bad bodies, each a 4xx with details, nothing stored`, async () => {
      const bodies = badBodies(route);
      expect(bodies.length).toBeGreaterThanOrEqual(12);
      const before = await snapshot();
      const failures: string[] = [];
      for (const { label, body } of bodies) {
        const res = await route.api().request(route.method, route.url(), body);
        const p = problems(res);
        if (p.length) failures.push(`${label}: ${p.join(', ')} ${String(JSON.stringify(res.body)).slice(0, 200)}`);
      }
      expect(failures).toEqual([]);
      expect(await snapshot()).toBe(before);
    });
  }

  it('a huge body is refused with 413 and the error body', async () => {
    const res = await acme.users.customer_admin.api.post('/trunks', { name: 'x', description: 'y'.repeat(2_000_000) });
    expect(res.status).toBe(413);
    expect(problems(res)).toEqual([]);
  });

  it('bad query strings are 422 with the field, never 500', async () => {
    for (const url of ['/trunks?limit=0', '/trunks?limit=101', '/trunks?page=-1', '/trunks?page=abc', '/trunks?status=bogus']) {
      const res = await acme.users.viewer.api.get(url);
      expect(res.status, url).toBe(422);
      expect(problems(res), url).toEqual([]);
    }
    const res = await staff.get(`/admin/audit-log?customer_id=${'x'.repeat(100)}`);
    expect(res.status).toBe(422);
    // NUL bytes in an id: SQLite finds nothing (404), PostgreSQL refuses the value (422); never a 500.
    const nul = await acme.users.viewer.api.get(`/trunks/${'%00'.repeat(10)}`);
    expect([404, 422]).toContain(nul.status);
    expect(problems(nul)).toEqual([]);
    expect(uniqueEmail('x')).toContain('@');
  });
});
