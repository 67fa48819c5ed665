import { newId, nowIso, sha256Hex } from '@opbx/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Api, randomE164, type Reply, uniqueEmail } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createCredentialedOrg, created, type CredentialedOrg, expectEnvelope, insertCallLog, PASSWORD, type Role, send, seq } from './support/fixtures.js';
import { apiRoutes, listRoutes } from './support/routes.js';
import { diffSnapshots, snapshotDatabase } from './support/snapshot.js';

/**
 * Every (role, route) cell of /api/v1. The table below is the single statement of who may call
 * what; a route the router knows but the table does not (or the reverse) fails the suite.
 * Bodies are valid and targets exist, so only authorization decides the outcome.
 */

type Caller = Role | 'anonymous';
const CALLERS: readonly Caller[] = ['owner', 'admin', 'agent', 'anonymous'];

interface Cell {
  url: string;
  body?: unknown;
  /** The route ends the session it is called with (logout, refresh): use a throwaway one. */
  freshSession?: boolean;
}

interface Row {
  route: string;
  /** What the cell targets, when one route needs several rows (self vs. someone else). */
  target: string;
  expected: Record<Caller, number>;
  cell(caller: Caller): Promise<Cell> | Cell;
}

let server: TestServer;
let org: CredentialedOrg;
/** Fixtures in the organization: another agent with extension 301, a virtual extension and one of each routed resource. */
const f = { otherAgentId: '', otherAgentExtId: '', extId: '', didId: '', ringGroupId: '', hoursId: '', agentCallId: '', otherCallId: '', boxId: '' };

/** A message in the organization's general mailbox (as the voicemail callback stores it). */
async function boxMessage(): Promise<string> {
  const id = newId();
  await server.ctx.db
    .insertInto('voicemails')
    .values({
      id,
      organization_id: org.organizationId,
      extension_id: null,
      box_id: f.boxId,
      mailbox: f.boxId,
      call_id: `matrix-${id}`,
      from_number: '+15550109999',
      recording_url: `https://rec.example/${id}.wav`,
      duration: 3,
      read_at: null,
      created_at: nowIso(),
    })
    .execute();
  return id;
}

const cloudonixBody = () => ({
  domain_uuid: 'matrix-domain-uuid',
  domain_name: 'matrix.cloudonix.net',
  webhook_base_url: 'https://pbx.matrix.example',
  requests_key: 'matrix-requests-key-0001',
});
const newUser = () => ({ name: `Matrix User ${seq()}`, email: uniqueEmail('matrix'), password: PASSWORD, role: 'agent' });
const newExtension = () => ({ extension_number: String(7000 + seq()), type: 'virtual' });
const newDid = () => ({ phone_number: randomE164(), routing_type: 'extension', routing_config: { extension_id: f.extId } });
const newRingGroup = () => ({ name: `Matrix Group ${seq()}`, strategy: 'simultaneous', members: [{ extension_id: f.extId, priority: 1 }] });
const newHours = () => ({
  name: `Matrix Hours ${seq()}`,
  schedules: [{ day_of_week: 1, open_time: '09:00', close_time: '17:00' }],
  open_hours_routing: { type: 'extension', extension_id: f.extId },
  closed_hours_routing: { type: 'hangup' },
});
/** The caller's own user id (anonymous borrows the agent's, so the URL is a real one). */
const selfId = (caller: Caller) => ({ owner: org.ownerId, admin: org.adminId, agent: org.agentId, anonymous: org.agentId })[caller];

const all = (s: number) => ({ owner: s, admin: s, agent: s, anonymous: s });
const anyUser = (s: number) => ({ owner: s, admin: s, agent: s, anonymous: 401 });
const managers = (s: number) => ({ owner: s, admin: s, agent: 403, anonymous: 401 });
const ownerOnly = (s: number) => ({ owner: s, admin: 403, agent: 403, anonymous: 401 });

const row = (route: string, target: string, expected: Record<Caller, number>, cell: Row['cell']): Row => ({ route, target, expected, cell });

// prettier-ignore
const MATRIX: Row[] = [
  row('GET /api/v1/health', 'public', all(200), () => ({ url: '/health' })),
  row('POST /api/v1/auth/login', 'own credentials', all(200), (c) => ({ url: '/auth/login', body: { email: org.emails[c === 'anonymous' ? 'agent' : c], password: PASSWORD } })),
  row('POST /api/v1/auth/logout', 'own session', anyUser(204), () => ({ url: '/auth/logout', freshSession: true })),
  row('POST /api/v1/auth/refresh', 'own session', anyUser(200), () => ({ url: '/auth/refresh', freshSession: true })),
  row('GET /api/v1/auth/me', 'self', anyUser(200), () => ({ url: '/auth/me' })),

  row('GET /api/v1/organization', 'own organization', anyUser(200), () => ({ url: '/organization' })),
  row('PATCH /api/v1/organization', 'own organization', ownerOnly(200), () => ({ url: '/organization', body: { name: `Matrix Org ${seq()}` } })),

  row('GET /api/v1/users', 'list', managers(200), () => ({ url: '/users' })),
  row('POST /api/v1/users', 'new agent', managers(201), () => ({ url: '/users', body: newUser() })),
  row('GET /api/v1/users/:id', 'another agent', managers(200), () => ({ url: `/users/${f.otherAgentId}` })),
  row('GET /api/v1/users/:id', 'self', anyUser(200), (c) => ({ url: `/users/${selfId(c)}` })),
  row('PATCH /api/v1/users/:id', 'another agent', managers(200), () => ({ url: `/users/${f.otherAgentId}`, body: { name: `Other Agent ${seq()}` } })),
  row('PATCH /api/v1/users/:id', 'self, name only', anyUser(200), (c) => ({ url: `/users/${selfId(c)}`, body: { name: `Self ${seq()}` } })),
  row('DELETE /api/v1/users/:id', 'a fresh agent', managers(204), async () => ({ url: `/users/${await created(org.owner, '/users', newUser())}` })),

  row('GET /api/v1/extensions', 'list', anyUser(200), () => ({ url: '/extensions' })),
  row('POST /api/v1/extensions', 'new virtual extension', managers(201), () => ({ url: '/extensions', body: newExtension() })),
  row('GET /api/v1/extensions/:id', 'a virtual extension', anyUser(200), () => ({ url: `/extensions/${f.extId}` })),
  row('PATCH /api/v1/extensions/:id', "the agent's own, voicemail + forwarding", anyUser(200), () => ({
    url: `/extensions/${org.agentExtensionId}`,
    body: { voicemail_enabled: true, call_forwarding: { enabled: true, destination: '301', on_no_answer: true } },
  })),
  row('PATCH /api/v1/extensions/:id', "the agent's own, status", managers(200), () => ({ url: `/extensions/${org.agentExtensionId}`, body: { status: 'active' } })),
  row('PATCH /api/v1/extensions/:id', "another agent's, voicemail", managers(200), () => ({ url: `/extensions/${f.otherAgentExtId}`, body: { voicemail_enabled: true } })),
  row('DELETE /api/v1/extensions/:id', 'a fresh virtual extension', managers(204), async () => ({ url: `/extensions/${await created(org.owner, '/extensions', newExtension())}` })),
  row('POST /api/v1/extensions/:id/reset-sip-password', 'a virtual extension', managers(200), () => ({ url: `/extensions/${f.extId}/reset-sip-password` })),
  row('POST /api/v1/extensions/:id/reset-sip-password', "the agent's own", managers(200), () => ({ url: `/extensions/${org.agentExtensionId}/reset-sip-password` })),
  row('GET /api/v1/extensions/:id/voicemails', "the agent's own", anyUser(200), () => ({ url: `/extensions/${org.agentExtensionId}/voicemails` })),
  row('GET /api/v1/extensions/:id/voicemails', "another agent's", managers(200), () => ({ url: `/extensions/${f.otherAgentExtId}/voicemails` })),
  // The general mailbox is the managers' (README, Decisions): agents read their own extension's box only.
  row('GET /api/v1/voicemail-boxes', 'list', managers(200), () => ({ url: '/voicemail-boxes' })),
  row('GET /api/v1/voicemail-boxes/:id', 'the general mailbox', managers(200), () => ({ url: `/voicemail-boxes/${f.boxId}` })),
  row('PATCH /api/v1/voicemail-boxes/:id', 'the general mailbox', managers(200), () => ({ url: `/voicemail-boxes/${f.boxId}`, body: { name: `Front desk ${seq()}` } })),
  row('GET /api/v1/voicemail-boxes/:id/messages', 'the general mailbox', managers(200), () => ({ url: `/voicemail-boxes/${f.boxId}/messages` })),
  row('PATCH /api/v1/voicemail-boxes/:id/messages/:messageId', 'a message', managers(200), async () => ({
    url: `/voicemail-boxes/${f.boxId}/messages/${await boxMessage()}`,
    body: { read: true },
  })),
  row('DELETE /api/v1/voicemail-boxes/:id/messages/:messageId', 'a message', managers(204), async () => ({
    url: `/voicemail-boxes/${f.boxId}/messages/${await boxMessage()}`,
  })),

  row('GET /api/v1/dids', 'list', anyUser(200), () => ({ url: '/dids' })),
  row('POST /api/v1/dids', 'new number', managers(201), () => ({ url: '/dids', body: newDid() })),
  row('GET /api/v1/dids/:id', 'a number', anyUser(200), () => ({ url: `/dids/${f.didId}` })),
  row('PATCH /api/v1/dids/:id', 'a number', managers(200), () => ({ url: `/dids/${f.didId}`, body: { friendly_name: `Line ${seq()}` } })),
  row('DELETE /api/v1/dids/:id', 'a fresh number', managers(204), async () => ({ url: `/dids/${await created(org.owner, '/dids', newDid())}` })),

  row('GET /api/v1/ring-groups', 'list', anyUser(200), () => ({ url: '/ring-groups' })),
  row('POST /api/v1/ring-groups', 'new group', managers(201), () => ({ url: '/ring-groups', body: newRingGroup() })),
  row('GET /api/v1/ring-groups/:id', 'a group', anyUser(200), () => ({ url: `/ring-groups/${f.ringGroupId}` })),
  row('PATCH /api/v1/ring-groups/:id', 'a group', managers(200), () => ({ url: `/ring-groups/${f.ringGroupId}`, body: { timeout: 10 + (seq() % 50) } })),
  row('DELETE /api/v1/ring-groups/:id', 'a fresh group', managers(204), async () => ({ url: `/ring-groups/${await created(org.owner, '/ring-groups', newRingGroup())}` })),

  row('GET /api/v1/business-hours', 'list', anyUser(200), () => ({ url: '/business-hours' })),
  row('POST /api/v1/business-hours', 'new schedule', managers(201), () => ({ url: '/business-hours', body: newHours() })),
  row('GET /api/v1/business-hours/:id', 'a schedule', anyUser(200), () => ({ url: `/business-hours/${f.hoursId}` })),
  row('PATCH /api/v1/business-hours/:id', 'a schedule', managers(200), () => ({ url: `/business-hours/${f.hoursId}`, body: { name: `Matrix Hours ${seq()}` } })),
  row('DELETE /api/v1/business-hours/:id', 'a fresh schedule', managers(204), async () => ({ url: `/business-hours/${await created(org.owner, '/business-hours', newHours())}` })),

  row('GET /api/v1/settings/cloudonix', 'own settings', anyUser(200), () => ({ url: '/settings/cloudonix' })),
  row('PUT /api/v1/settings/cloudonix', 'own settings', ownerOnly(200), () => ({ url: '/settings/cloudonix', body: cloudonixBody() })),
  row('POST /api/v1/settings/cloudonix/verify', 'own settings', ownerOnly(200), () => ({ url: '/settings/cloudonix/verify' })),
  row('POST /api/v1/call-path', 'a number of the organization', managers(200), () => ({ url: '/call-path', body: { to: '+15550100001' } })),
  row('GET /api/v1/settings/outbound-policy', 'own policy', managers(200), () => ({ url: '/settings/outbound-policy' })),
  row('PUT /api/v1/settings/outbound-policy', 'own policy', ownerOnly(200), () => ({ url: '/settings/outbound-policy', body: { allow_international: false } })),

  row('GET /api/v1/call-logs', 'list', anyUser(200), () => ({ url: '/call-logs' })),
  row('GET /api/v1/call-logs/export', 'CSV', anyUser(200), () => ({ url: '/call-logs/export' })),
  row('GET /api/v1/call-logs/:id', "a call of the agent's extension", anyUser(200), () => ({ url: `/call-logs/${f.agentCallId}` })),
  // Out of an agent's scope reads as absent, like another tenant's row.
  row('GET /api/v1/call-logs/:id', 'a call of another extension', { owner: 200, admin: 200, agent: 404, anonymous: 401 }, () => ({ url: `/call-logs/${f.otherCallId}` })),
  row('GET /api/v1/dashboard/stats', 'own organization', anyUser(200), () => ({ url: '/dashboard/stats' })),
  row('GET /api/v1/dashboard/recent-calls', 'own organization', anyUser(200), () => ({ url: '/dashboard/recent-calls' })),
  row('GET /api/v1/dashboard/call-volume', 'own organization', anyUser(200), () => ({ url: '/dashboard/call-volume' })),
  row('GET /api/v1/dashboard/live-calls', 'own organization', anyUser(200), () => ({ url: '/dashboard/live-calls' })),
  row('GET /api/v1/dashboard/agents', 'own organization', anyUser(200), () => ({ url: '/dashboard/agents' })),
  row('GET /api/v1/dashboard/ring-groups', 'own organization', anyUser(200), () => ({ url: '/dashboard/ring-groups' })),
  row('GET /api/v1/directory', 'own organization', anyUser(200), () => ({ url: '/directory' })),
  row('GET /api/v1/client-config', 'public', all(200), () => ({ url: '/client-config' })),

  // Outside /api/v1 but behind the same role hook: laravel-echo's channel authorization.
  row('POST /broadcasting/auth', 'own calls channel', anyUser(200), () => ({
    url: '/broadcasting/auth',
    body: { socket_id: '1234.5678', channel_name: `private-organization.${org.organizationId}.calls` },
  })),
];
/** Authenticated routes outside /api/v1 that the matrix covers as well. */
const EXTRA_ROUTES = ['POST /broadcasting/auth'];

beforeAll(async () => {
  server = await createTestServer();
  org = await createCredentialedOrg(server.app, server.ctx, 'Matrix Org');
  const other = await org.owner.post('/users', {
    name: 'Other Agent',
    email: uniqueEmail('other'),
    password: PASSWORD,
    role: 'agent',
    extension_number: '301',
  });
  if (other.status !== 201) throw new Error(JSON.stringify(other.body));
  f.otherAgentId = other.body.id;
  f.otherAgentExtId = other.body.extension.id;
  f.extId = await created(org.owner, '/extensions', { extension_number: '400', type: 'virtual' });
  f.didId = await created(org.owner, '/dids', newDid());
  f.ringGroupId = await created(org.owner, '/ring-groups', newRingGroup());
  f.hoursId = await created(org.owner, '/business-hours', newHours());
  const settings = await org.owner.request('PUT', '/settings/cloudonix', cloudonixBody());
  if (settings.status !== 200) throw new Error(JSON.stringify(settings.body));
  f.agentCallId = await insertCallLog(server.ctx, org.organizationId, org.agentExtensionId);
  f.otherCallId = await insertCallLog(server.ctx, org.organizationId, f.otherAgentExtId);
  f.boxId = (await org.owner.get('/voicemail-boxes')).body.data[0].id;
});
afterAll(() => server?.close());

async function callerApi(caller: Caller, fresh: boolean): Promise<Api> {
  if (caller === 'anonymous') return org.anon;
  return fresh ? org.login(caller) : org[caller];
}

async function runCell(method: string, r: Row, caller: Caller) {
  const expected = r.expected[caller];
  const cell = await r.cell(caller);
  const api = await callerApi(caller, Boolean(cell.freshSession));
  const denied = expected >= 400;
  const before = denied ? await snapshotDatabase(server.ctx) : undefined;
  const res: Reply = await send(api, method, cell.url, cell.body);
  const context = `${method} ${cell.url} as ${caller}`;
  if (denied) {
    const code = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[expected];
    if (method !== 'HEAD') expectEnvelope(res, expected, code, context);
    else expect(res.status, context).toBe(expected);
    expect(diffSnapshots(before!, await snapshotDatabase(server.ctx)), `${context} changed the database`).toEqual([]);
  } else {
    expect(res.status, `${context} → ${JSON.stringify(res.body)?.slice(0, 400)}`).toBe(expected);
    if (method !== 'HEAD' && expected !== 204) expect(res.body?.error, context).toBeUndefined();
  }
}

describe('RBAC matrix', () => {
  it('covers every /api/v1 route the app registers, and nothing else', () => {
    const covered = new Set<string>();
    for (const r of MATRIX) {
      covered.add(r.route);
      if (r.route.startsWith('GET ')) covered.add(`HEAD ${r.route.slice(4)}`);
    }
    const registered = [...apiRoutes(server.app), ...EXTRA_ROUTES.filter((e) => listRoutes(server.app).includes(e))].sort();
    expect([...covered].sort(), 'a route is missing from (or stale in) the RBAC matrix').toEqual(registered);
  });

  for (const r of MATRIX) {
    const [method, path] = r.route.split(' ') as [string, string];
    const methods = method === 'GET' ? ['GET', 'HEAD'] : [method];
    describe(`${path} [${r.target}]`, () => {
      for (const m of methods) {
        for (const caller of CALLERS) {
          it(`${m} as ${caller} → ${r.expected[caller]}`, () => runCell(m, r, caller));
        }
      }
    });
  }

  it('a malformed, unknown or revoked bearer token is 401 on every protected route', async () => {
    const revoked = await org.login('agent');
    await revoked.post('/auth/logout');
    const tokens = ['garbage', 'opbx_0000000000000000000000000000', revoked.token!];
    for (const r of MATRIX.filter((x) => x.expected.anonymous === 401)) {
      const [method] = r.route.split(' ') as [string];
      const cell = await r.cell('agent');
      for (const token of tokens) {
        const res = await send(org.anon.as(token), method, cell.url, cell.body);
        expectEnvelope(res, 401, 'UNAUTHORIZED', `${r.route} with token ${token.slice(0, 12)}`);
      }
      const basic = await send(org.anon, method, cell.url, cell.body, {
        authorization: `Basic ${Buffer.from(`${org.emails.owner}:${PASSWORD}`).toString('base64')}`,
      });
      expectEnvelope(basic, 401, 'UNAUTHORIZED', `${r.route} with Basic credentials`);
    }
  });
});

describe('role rules beyond the route declarations', () => {
  const user = async (role: 'owner' | 'admin' | 'agent') => {
    const res = await org.owner.post('/users', { name: `Rule ${role} ${seq()}`, email: uniqueEmail(`rule-${role}`), password: PASSWORD, role });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  it('admins cannot manage owners nor grant the owner role; owners can', async () => {
    const before = await snapshotDatabase(server.ctx);
    const agentId = await user('agent');
    const mid = await snapshotDatabase(server.ctx);
    expectEnvelope(await org.admin.patch(`/users/${org.ownerId}`, { name: 'Not yours' }), 403, 'FORBIDDEN');
    expectEnvelope(await org.admin.patch(`/users/${org.ownerId}`, { status: 'inactive' }), 403, 'FORBIDDEN');
    expectEnvelope(await org.admin.delete(`/users/${org.ownerId}`), 403, 'FORBIDDEN');
    expectEnvelope(await org.admin.post('/users', { ...newUser(), role: 'owner' }), 403, 'FORBIDDEN');
    expectEnvelope(await org.admin.patch(`/users/${agentId}`, { role: 'owner' }), 403, 'FORBIDDEN');
    expect(diffSnapshots(mid, await snapshotDatabase(server.ctx))).toEqual([]);
    expect(before).not.toEqual(mid);

    // An admin manages agents and other admins.
    expect((await org.admin.patch(`/users/${agentId}`, { role: 'admin' })).status).toBe(200);
    expect((await org.admin.patch(`/users/${agentId}`, { role: 'agent' })).status).toBe(200);
    // An owner grants the owner role.
    const promoted = await org.owner.patch(`/users/${agentId}`, { role: 'owner' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('owner');
    expectEnvelope(await org.admin.delete(`/users/${agentId}`), 403, 'FORBIDDEN');
    expect((await org.owner.delete(`/users/${agentId}`)).status).toBe(204);
  });

  it('nobody changes their own role or deletes their own account', async () => {
    const before = await snapshotDatabase(server.ctx);
    expectEnvelope(await org.owner.patch(`/users/${org.ownerId}`, { role: 'admin' }), 403, 'FORBIDDEN');
    expectEnvelope(await org.admin.patch(`/users/${org.adminId}`, { role: 'agent' }), 403, 'FORBIDDEN');
    expectEnvelope(await org.admin.patch(`/users/${org.adminId}`, { role: 'owner' }), 403, 'FORBIDDEN');
    expectEnvelope(await org.agent.patch(`/users/${org.agentId}`, { role: 'admin' }), 403, 'FORBIDDEN');
    expectEnvelope(await org.owner.delete(`/users/${org.ownerId}`), 403, 'FORBIDDEN');
    expectEnvelope(await org.admin.delete(`/users/${org.adminId}`), 403, 'FORBIDDEN');
    expect(diffSnapshots(before, await snapshotDatabase(server.ctx))).toEqual([]);
    // Sending one's current role is not a change.
    expect((await org.admin.patch(`/users/${org.adminId}`, { role: 'admin', name: 'Matrix Admin' })).status).toBe(200);
  });

  it('the last active owner cannot be deactivated; demoting or deleting owners keeps one active owner', async () => {
    const before = await snapshotDatabase(server.ctx);
    const last = await org.owner.patch(`/users/${org.ownerId}`, { status: 'inactive' });
    expectEnvelope(last, 409, 'CONFLICT');
    expect(diffSnapshots(before, await snapshotDatabase(server.ctx))).toEqual([]);

    // A second, inactive owner does not count as an active one.
    const dormant = await user('owner');
    expect((await org.owner.patch(`/users/${dormant}`, { status: 'inactive' })).status).toBe(200);
    expectEnvelope(await org.owner.patch(`/users/${org.ownerId}`, { status: 'inactive' }), 409, 'CONFLICT');

    // With two active owners one may be demoted, deactivated or deleted, never the last.
    const second = await user('owner');
    expect((await org.owner.patch(`/users/${second}`, { role: 'admin' })).status).toBe(200);
    expect((await org.owner.patch(`/users/${second}`, { role: 'owner' })).status).toBe(200);
    expect((await org.owner.patch(`/users/${second}`, { status: 'inactive' })).status).toBe(200);
    expect((await org.owner.patch(`/users/${second}`, { status: 'active' })).status).toBe(200);
    expect((await org.owner.delete(`/users/${second}`)).status).toBe(204);
    expect((await org.owner.delete(`/users/${dormant}`)).status).toBe(204);
    expectEnvelope(await org.owner.patch(`/users/${org.ownerId}`, { status: 'inactive' }), 409, 'CONFLICT');
    const owners = await server.ctx.db
      .selectFrom('users')
      .select('id')
      .where('organization_id', '=', org.organizationId)
      .where('role', '=', 'owner')
      .where('status', '=', 'active')
      .execute();
    expect(owners.map((o) => o.id)).toEqual([org.ownerId]);
  });

  it('two owners demoting each other at the same moment still leave one active owner', async () => {
    for (let round = 0; round < 5; round++) {
      const email = uniqueEmail('rival');
      const rivalId = (await org.owner.post('/users', { name: `Rival ${round}`, email, password: PASSWORD, role: 'owner' })).body.id as string;
      const login = await org.anon.post('/auth/login', { email, password: PASSWORD });
      const rival = org.anon.as(login.body.access_token);
      const demote = (api: Api, id: string, i: number) =>
        i % 2 ? api.patch(`/users/${id}`, { role: 'admin' }) : api.patch(`/users/${id}`, { status: 'inactive' });
      try {
        const [a, b] = await Promise.all([demote(org.owner, rivalId, round), demote(rival, org.ownerId, round)]);
        const owners = await server.ctx.db
          .selectFrom('users')
          .select('id')
          .where('organization_id', '=', org.organizationId)
          .where('role', '=', 'owner')
          .where('status', '=', 'active')
          .execute();
        expect(owners.length, `round ${round}: answers ${a.status}/${b.status}, active owners left: ${owners.length}`).toBeGreaterThanOrEqual(1);
      } finally {
        // Back to one active owner (org.owner) and no rival, whatever happened.
        await server.ctx.db.updateTable('users').set({ role: 'owner', status: 'active' }).where('id', '=', org.ownerId).execute();
        // A deactivation revokes the owner's tokens: give the shared owner session back.
        await server.ctx.db.updateTable('api_tokens').set({ revoked_at: null }).where('token_hash', '=', sha256Hex(org.owner.token!)).execute();
        await server.ctx.db.deleteFrom('api_tokens').where('user_id', '=', rivalId).execute();
        await server.ctx.db.deleteFrom('users').where('id', '=', rivalId).execute();
      }
    }
  });

  it('agents change only voicemail and forwarding, and only on their own extension', async () => {
    const before = await snapshotDatabase(server.ctx);
    const own = `/extensions/${org.agentExtensionId}`;
    for (const body of [
      { extension_number: '399' },
      { status: 'inactive' },
      { user_id: null },
      { sip_config: { username: 'agent-own' } },
      { sip_config: { password: 'NewSipPassw0rd99' } },
      { voicemail_enabled: false, status: 'active' },
    ]) {
      expectEnvelope(await org.agent.patch(own, body), 403, 'FORBIDDEN', JSON.stringify(body));
    }
    for (const id of [f.extId, f.otherAgentExtId]) {
      expectEnvelope(await org.agent.patch(`/extensions/${id}`, { voicemail_enabled: false }), 403, 'FORBIDDEN');
      expectEnvelope(await org.agent.patch(`/extensions/${id}`, { call_forwarding: null }), 403, 'FORBIDDEN');
    }
    expectEnvelope(await org.agent.get(`/users/${org.ownerId}`), 403, 'FORBIDDEN');
    expectEnvelope(await org.agent.get(`/users/${org.adminId}`), 403, 'FORBIDDEN');
    expect(diffSnapshots(before, await snapshotDatabase(server.ctx))).toEqual([]);

    const ok = await org.agent.patch(own, { voicemail_enabled: false, call_forwarding: { enabled: true, destination: '+15550100999', on_no_answer: false } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ voicemail_enabled: false, call_forwarding: { enabled: true, destination: '+15550100999' } });
    expect((await org.agent.patch(own, { call_forwarding: null })).body.call_forwarding).toBeNull();
  });

  it('an agent without an extension reads no call at all: list, total, detail, export, dashboard', async () => {
    const unassigned = await insertCallLog(server.ctx, org.organizationId, null);
    const email = uniqueEmail('lone-agent');
    expect((await org.owner.post('/users', { name: `Lone ${seq()}`, email, password: PASSWORD, role: 'agent' })).status).toBe(201);
    const lone = org.anon.as((await org.anon.post('/auth/login', { email, password: PASSWORD })).body.access_token);
    const list = await lone.get('/call-logs');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    expect(list.body.meta.total).toBe(0);
    for (const id of [unassigned, f.agentCallId, f.otherCallId]) expect((await lone.get(`/call-logs/${id}`)).status).toBe(404);
    const csv = await lone.get('/call-logs/export');
    expect(csv.status).toBe(200);
    expect(String(csv.body).trim().split('\n')).toHaveLength(1);
    expect((await lone.get('/dashboard/stats')).body.calls_today).toBe(0);
  });

  it('the SIP password is returned by a reset only, and only to managers', async () => {
    const reset = await org.admin.post(`/extensions/${f.extId}/reset-sip-password`);
    expect(reset.status).toBe(200);
    expect(reset.body.sip_config.password).toMatch(/^\S{16,}$/);
    for (const api of [org.owner, org.admin, org.agent]) {
      const read = await api.get(`/extensions/${f.extId}`);
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body)).not.toContain(reset.body.sip_config.password);
      expect(read.body.sip_config?.password).toBeUndefined();
    }
  });
});
