import { API_KEY_SCOPES } from '@warp/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SYSTEM_ACTOR } from '../src/http/auth.js';
import { createCustomer } from '../src/modules/customers/customers.service.js';
import { Api } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createAllStaff, createTestCustomer, login, type TestCustomer } from './support/fixtures.js';

/**
 * Every route × every caller, stated here independently of src/http/permissions.ts: a cell is
 * either allowed (anything but 401/403: 2xx, 404 for a made-up id, 409, 422 for the empty body)
 * or refused with exactly 403. A route missing from this table fails the test.
 *
 * Callers: SA super_admin, A admin, SU support, F finance, SL sales (staff; on customer routes
 * with X-Customer-ID), CA customer_admin, D developer, B billing, V viewer, K an API key holding
 * every scope.
 */
const ALL = 'SA A SU F SL CA D B V';
const USERS = ALL;
const EXPECTED: Record<string, string> = {
  'GET /v1/account': `${ALL} K`,
  'PATCH /v1/account': 'SA A CA K',
  'GET /v1/trunks': `${ALL} K`,
  'POST /v1/trunks': 'SA A SU CA D K',
  'GET /v1/customers/{customerId}/trunks': `${ALL} K`,
  'POST /v1/customers/{customerId}/trunks': 'SA A SU CA D K',
  'GET /v1/trunks/{id}': `${ALL} K`,
  'PATCH /v1/trunks/{id}': 'SA A SU CA D K',
  'DELETE /v1/trunks/{id}': 'SA A SU CA D K',
  'GET /v1/trunks/{id}/credentials': 'CA',
  'POST /v1/trunks/{id}/test': 'SA A SU CA D K',
  'GET /v1/api-keys': 'SA A SU CA D V K',
  'POST /v1/api-keys': 'SA A CA D K',
  'DELETE /v1/api-keys/{id}': 'SA A CA D K',
  'GET /v1/webhooks': 'SA A SU CA D V K',
  'POST /v1/webhooks': 'SA A CA D K',
  'GET /v1/webhooks/{id}': 'SA A SU CA D V K',
  'PATCH /v1/webhooks/{id}': 'SA A CA D K',
  'DELETE /v1/webhooks/{id}': 'SA A CA D K',
  'POST /v1/webhooks/{id}/rotate-secret': 'SA A CA D K',
  'GET /v1/webhooks/{id}/deliveries': 'SA A SU CA D V K',
  'GET /v1/webhooks/{id}/deliveries/{deliveryId}': 'SA A SU CA D V K',
  'POST /v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': 'SA A CA D K',
  'GET /v1/users': 'SA A SU CA',
  'PATCH /v1/users/{id}': 'SA A CA',
  'DELETE /v1/users/{id}': 'SA A CA',
  'GET /v1/admin/users': 'SA A SU',
  'GET /v1/admin/users/{id}': 'SA A SU',
  'PATCH /v1/admin/users/{id}': 'SA A',
  'POST /v1/auth/password': USERS,
  'GET /v1/invitations': 'SA A SU CA',
  'POST /v1/invitations': 'SA A CA',
  'DELETE /v1/invitations/{id}': 'SA A CA',
  'GET /v1/admin/customers': 'SA A SU F SL',
  'POST /v1/admin/customers': 'SA A F SL',
  'GET /v1/admin/customers/{id}': 'SA A SU F SL',
  'PATCH /v1/admin/customers/{id}': 'SA A F SL',
  'POST /v1/admin/customers/{id}/suspend': 'SA A F',
  'POST /v1/admin/customers/{id}/terminate': 'SA A F',
  'POST /v1/admin/customers/{id}/reactivate': 'SA A F',
  'GET /v1/admin/customers/{id}/trunks': 'SA A SU F SL',
  'GET /v1/admin/trunks': 'SA A SU F SL',
  'GET /v1/admin/audit-log': 'SA A SU F',
  'GET /v1/admin/invitations': 'SA A SU',
  'POST /v1/admin/invitations': 'SA A',
  'DELETE /v1/admin/invitations/{id}': 'SA A',
  // Least-cost routing (issue 13): admins configure; support reads and simulates; finance and sales read decks.
  'GET /v1/admin/providers': 'SA A SU',
  'POST /v1/admin/providers': 'SA A',
  'PATCH /v1/admin/providers/{id}': 'SA A',
  'DELETE /v1/admin/providers/{id}': 'SA A',
  'POST /v1/admin/providers/{id}/rates/import': 'SA A',
  'POST /v1/admin/rates/import': 'SA A',
  'GET /v1/admin/rates': 'SA A SU F SL',
  'GET /v1/admin/partitions': 'SA A SU',
  'POST /v1/admin/partitions': 'SA A',
  'PATCH /v1/admin/partitions/{id}': 'SA A',
  'POST /v1/admin/trunks/{id}/partition': 'SA A',
  'GET /v1/admin/trunks/{id}/sip-status': 'SA A SU F SL',
  'GET /v1/admin/routes': 'SA A SU',
  'GET /v1/admin/overrides': 'SA A SU',
  'POST /v1/admin/overrides': 'SA A',
  'DELETE /v1/admin/overrides/{id}': 'SA A',
  'GET /v1/admin/exclusions': 'SA A SU',
  'POST /v1/admin/exclusions': 'SA A',
  'DELETE /v1/admin/exclusions/{id}': 'SA A',
  'POST /v1/admin/routing/simulate': 'SA A SU',
  // CDRs and rating (issue 15): every customer role reads its CDRs and usage; sales see usage, not calls;
  // support traces CDRs but not margins; finance re-rates.
  'GET /v1/cdrs': 'SA A SU F CA D B V K',
  'POST /v1/cdrs/export': 'SA A SU F CA D B V K',
  'GET /v1/cdrs/exports/{id}': 'SA A SU F CA D B V K',
  'GET /v1/usage/summary': `${ALL} K`,
  'GET /v1/metrics/current': `${ALL} K`,
  'GET /v1/admin/cdrs': 'SA A SU F',
  'GET /v1/admin/cdrs/{id}': 'SA A SU F',
  'POST /v1/admin/cdrs/rerate': 'SA A F',
  'GET /v1/admin/customers/{id}/usage': 'SA A SU F SL',
  'GET /v1/admin/providers/{id}/performance': 'SA A SU F SL',
  'GET /v1/admin/margins/analysis': 'SA A F',
  'GET /v1/auth/me': USERS,
  'POST /v1/auth/logout': USERS,
  'POST /v1/auth/mfa/enroll': USERS,
  'POST /v1/auth/mfa/confirm': USERS,
  'POST /v1/auth/mfa/disable': USERS,
};
/** Routes that need no credentials at all. */
const PUBLIC = new Set([
  'GET /v1/health',
  'POST /v1/auth/login',
  'POST /v1/auth/refresh',
  'POST /v1/auth/invitations/accept',
  'GET /v1/auth/oidc/authorize',
  'GET /v1/auth/oidc/callback',
  // the signed, expiring link is the credential
  'GET /v1/cdrs/exports/{id}/download',
]);

const CALLERS = ['SA', 'A', 'SU', 'F', 'SL', 'CA', 'D', 'B', 'V', 'K'] as const;
type Caller = (typeof CALLERS)[number];

let server: TestServer;
let acme: TestCustomer;
let target: string;
const apis = {} as Record<Caller, { api: Api; email?: string; staff: boolean }>;

beforeAll(async () => {
  server = await createTestServer();
  acme = await createTestCustomer(server, 'Matrix Carrier');
  target = (await createCustomer(server.ctx, SYSTEM_ACTOR, { name: 'Admin Target', type: 'postpaid', contact: {} })).id;
  const staff = await createAllStaff(server);
  const s = (k: Caller, v: { api: Api; email: string }, isStaff: boolean) => (apis[k] = { ...v, staff: isStaff });
  s('SA', staff.super_admin, true);
  s('A', staff.admin, true);
  s('SU', staff.support, true);
  s('F', staff.finance, true);
  s('SL', staff.sales, true);
  s('CA', acme.users.customer_admin, false);
  s('D', acme.users.developer, false);
  s('B', acme.users.billing, false);
  s('V', acme.users.viewer, false);
  const key = await acme.users.customer_admin.api.post('/api-keys', { name: 'all', scopes: API_KEY_SCOPES });
  apis.K = { api: new Api(server.app, key.body.data.secret), staff: false };
}, 60_000);
afterAll(() => server?.close());

const FAKE = '01900000-0000-7000-8000-00000000abcd';

function concrete(path: string): string {
  return path
    .replace('{customerId}', acme.id)
    .replace('/admin/customers/{id}', `/admin/customers/${target}`)
    .replace('{deliveryId}', FAKE)
    .replace('{id}', FAKE);
}

describe('RBAC matrix', () => {
  it('the table covers exactly the routes the server has', async () => {
    const doc = (await new Api(server.app).get('/v1/docs/json')).body;
    const routes: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(ops)) routes.push(`${method.toUpperCase()} ${path}`);
    }
    expect(routes.sort()).toEqual([...Object.keys(EXPECTED), ...PUBLIC].sort());
  });

  for (const [route, allowedList] of Object.entries(EXPECTED)) {
    const allowed = new Set(allowedList.split(' '));
    it(route, async () => {
      const [method, path] = route.split(' ') as [string, string];
      for (const caller of CALLERS) {
        let { api } = apis[caller];
        // Logging out ends the session: use a fresh one.
        if (route === 'POST /v1/auth/logout' && apis[caller].email) api = await login(server, apis[caller].email!);
        const customerRoute = !path.startsWith('/v1/admin') && !path.startsWith('/v1/auth');
        if (apis[caller].staff && customerRoute) api = api.for(acme.id);
        const res = await api.request(method, concrete(path), method === 'GET' || method === 'DELETE' ? undefined : {});
        const cell = `${caller} ${route} → ${res.status} ${String(JSON.stringify(res.body)).slice(0, 200)}`;
        if (allowed.has(caller)) expect([401, 403], cell).not.toContain(res.status);
        else expect(res.status, cell).toBe(403);
      }
    });
  }

  it('public routes answer without credentials (never 401/403)', async () => {
    const anon = new Api(server.app);
    for (const route of PUBLIC) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await anon.request(method, path, method === 'POST' ? {} : undefined);
      expect([401, 403], `${route} → ${res.status}`).not.toContain(res.status);
    }
  });
});
