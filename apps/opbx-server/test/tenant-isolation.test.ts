import { randomUUID } from 'node:crypto';

import { newId, nowIso } from '@opbx/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Api, randomE164, uniqueEmail } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import {
  createCredentialedOrg,
  created,
  type CredentialedOrg,
  expectEnvelope,
  insertCallLog,
  PASSWORD,
  type Role,
  ROLES,
  send,
  seq,
} from './support/fixtures.js';
import { apiRoutes, fill } from './support/routes.js';
import { diffSnapshots, snapshotDatabase } from './support/snapshot.js';

/**
 * Organization A's owner, admin and agent against organization B's rows: every id route answers
 * exactly as for an id that does not exist (404, or the role's 403 that never looks the id up),
 * nothing of B changes, no list of A shows B, and no write in A can point at B.
 */

let server: TestServer;
let a: CredentialedOrg;
let b: CredentialedOrg;

interface Rows {
  ext: string;
  ext2: string;
  ringGroup: string;
  hours: string;
  did: string;
  didNumber: string;
  user: string;
  call: string;
  /** The general voicemail box and a message in it. */
  box: string;
  boxMessage: string;
}
const A = {} as Rows;
const B = {} as Rows;

async function populate(org: CredentialedOrg, rows: Rows, label: string) {
  const api = org.owner;
  rows.ext = await created(api, '/extensions', { extension_number: '500', type: 'virtual', voicemail_enabled: true });
  rows.ext2 = await created(api, '/extensions', { extension_number: '501', type: 'virtual' });
  rows.ringGroup = await created(api, '/ring-groups', {
    name: `${label} Sales`,
    strategy: 'sequential',
    members: [
      { extension_id: org.agentExtensionId, priority: 1 },
      { extension_id: rows.ext, priority: 2 },
    ],
    fallback_action: { type: 'voicemail', extension_id: rows.ext },
  });
  rows.hours = await created(api, '/business-hours', {
    name: `${label} Office`,
    timezone: 'Europe/Paris',
    schedules: [{ day_of_week: 2, open_time: '08:00', close_time: '18:00' }],
    holidays: [{ date: '2026-07-14', name: 'Fete nationale' }],
    open_hours_routing: { type: 'ring_group', ring_group_id: rows.ringGroup },
    closed_hours_routing: { type: 'voicemail', extension_id: rows.ext },
  });
  rows.didNumber = randomE164();
  rows.did = await created(api, '/dids', {
    phone_number: rows.didNumber,
    friendly_name: `${label} main line`,
    routing_type: 'business_hours',
    routing_config: { business_hours_id: rows.hours, fallback_extension_id: rows.ext2 },
  });
  rows.user = await created(api, '/users', {
    name: `${label} Person`,
    email: uniqueEmail(label.toLowerCase()),
    password: PASSWORD,
    role: 'agent',
    extension_number: '502',
  });
  rows.call = await insertCallLog(server.ctx, org.organizationId, org.agentExtensionId);
  await server.ctx.db
    .insertInto('voicemails')
    .values({
      id: newId(),
      organization_id: org.organizationId,
      extension_id: org.agentExtensionId,
      box_id: null,
      mailbox: org.agentExtensionId,
      call_id: `vm-${rows.call}`,
      from_number: '+15550107777',
      recording_url: `https://rec.example/${label}.wav`,
      duration: 12,
      read_at: null,
      created_at: nowIso(),
    })
    .execute();
  rows.box = (await api.get('/voicemail-boxes')).body.data[0].id;
  rows.boxMessage = newId();
  await server.ctx.db
    .insertInto('voicemails')
    .values({
      id: rows.boxMessage,
      organization_id: org.organizationId,
      extension_id: null,
      box_id: rows.box,
      mailbox: rows.box,
      call_id: `vm-general-${rows.call}`,
      from_number: '+15550107778',
      recording_url: `https://rec.example/${label}-general.wav`,
      duration: 7,
      read_at: null,
      created_at: nowIso(),
    })
    .execute();
  const settings = await api.request('PUT', '/settings/cloudonix', {
    domain_uuid: `${label}-domain`,
    domain_name: `${label.toLowerCase()}.cloudonix.net`,
    webhook_base_url: `https://${label.toLowerCase()}.example.com`,
    requests_key: `${label}-requests-key-0123456789`,
  });
  if (settings.status !== 200) throw new Error(JSON.stringify(settings.body));
}

beforeAll(async () => {
  server = await createTestServer();
  // Same extension numbers on purpose: numbers are unique per organization only.
  a = await createCredentialedOrg(server.app, server.ctx, 'Alpha');
  b = await createCredentialedOrg(server.app, server.ctx, 'Bravo');
  await populate(a, A, 'Alpha');
  await populate(b, B, 'Bravo');
});
afterAll(() => server?.close());

/** Which of B's ids goes into each `:id` route, by the collection the route belongs to. */
const idFor = (route: string): string | undefined => {
  const path = route.split(' ')[1]!;
  if (path.startsWith('/api/v1/users/')) return B.user;
  if (path.startsWith('/api/v1/extensions/')) return b.agentExtensionId;
  if (path.startsWith('/api/v1/dids/')) return B.did;
  if (path.startsWith('/api/v1/ring-groups/')) return B.ringGroup;
  if (path.startsWith('/api/v1/business-hours/')) return B.hours;
  if (path.startsWith('/api/v1/call-logs/')) return B.call;
  if (path.startsWith('/api/v1/voicemail-boxes/')) return B.box;
  return undefined;
};

/** Valid bodies, so nothing but the id can make a write fail (the extension one is what agents may send). */
const bodyFor = (route: string): unknown => {
  const [method, path] = route.split(' ') as [string, string];
  if (method !== 'PATCH' && method !== 'PUT') return undefined;
  if (path.startsWith('/api/v1/users/')) return { name: 'Hijacked', status: 'inactive' };
  if (path.startsWith('/api/v1/extensions/')) return { voicemail_enabled: false, call_forwarding: { enabled: true, destination: '+15550106666' } };
  if (path.startsWith('/api/v1/dids/')) return { friendly_name: 'Hijacked', status: 'inactive' };
  if (path.startsWith('/api/v1/ring-groups/')) return { name: 'Hijacked', status: 'inactive' };
  if (path.startsWith('/api/v1/business-hours/')) return { name: 'Hijacked' };
  if (path.endsWith('/messages/:messageId')) return { read: true };
  if (path.startsWith('/api/v1/voicemail-boxes/')) return { name: 'Hijacked', greeting: 'Hijacked' };
  return {};
};

/**
 * Routes an agent may not call at all: the role hook answers 403 before any lookup, which reveals
 * nothing about the id (checked below by comparing with an id that does not exist).
 */
const AGENT_FORBIDDEN = new Set([
  'GET /api/v1/users/:id', // agents may read only themselves: refused before the lookup
  'PATCH /api/v1/users/:id',
  'DELETE /api/v1/users/:id',
  'DELETE /api/v1/extensions/:id',
  'POST /api/v1/extensions/:id/reset-sip-password',
  'PATCH /api/v1/dids/:id',
  'DELETE /api/v1/dids/:id',
  'PATCH /api/v1/ring-groups/:id',
  'DELETE /api/v1/ring-groups/:id',
  'PATCH /api/v1/business-hours/:id',
  'DELETE /api/v1/business-hours/:id',
  // The general mailbox is the managers' (README, Decisions).
  'GET /api/v1/voicemail-boxes/:id',
  'PATCH /api/v1/voicemail-boxes/:id',
  'GET /api/v1/voicemail-boxes/:id/messages',
  'PATCH /api/v1/voicemail-boxes/:id/messages/:messageId',
  'DELETE /api/v1/voicemail-boxes/:id/messages/:messageId',
]);

const idRoutes = () => apiRoutes(server.app).filter((r) => r.includes(':id') && !r.startsWith('HEAD '));

describe('ids of another organization', () => {
  it('every :id route is mapped to a row of organization B', () => {
    const routes = idRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(
      routes.filter((r) => !idFor(r)),
      'an :id route has no cross-tenant case',
    ).toEqual([]);
  });

  for (const role of ROLES) {
    it(`as A's ${role}: answer as for a missing id, 404 wherever the role reaches the lookup, and B is unchanged`, async () => {
      const api: Api = a[role];
      const before = await snapshotDatabase(server.ctx);
      const checked: string[] = [];
      for (const route of idRoutes()) {
        const [method] = route.split(' ') as [string];
        const body = bodyFor(route);
        const res = await send(api, method, fill(route, idFor(route)!), body);
        const missing = await send(api, method, fill(route, randomUUID()), body);
        const expected = role === 'agent' && AGENT_FORBIDDEN.has(route) ? 403 : 404;
        expectEnvelope(res, expected, expected === 404 ? 'NOT_FOUND' : 'FORBIDDEN', `${route} as A's ${role}`);
        expect(
          { status: missing.status, code: missing.body?.error?.code, message: missing.body?.error?.message },
          `${route}: B's id must be indistinguishable from a missing one`,
        ).toEqual({
          status: res.status,
          code: res.body.error.code,
          message: res.body.error.message,
        });
        const head = method === 'GET' ? await send(api, 'HEAD', fill(route, idFor(route)!)) : undefined;
        if (head) expect(head.status, `HEAD ${route}`).toBe(expected);
        checked.push(route);
      }
      expect(checked.length).toBe(idRoutes().length);
      expect(diffSnapshots(before, await snapshotDatabase(server.ctx)), 'a cross-tenant request changed the database').toEqual([]);
    });
  }

  it("B's rows are still intact and reachable by B", async () => {
    for (const [url, id] of [
      [`/users/${B.user}`, B.user],
      [`/extensions/${b.agentExtensionId}`, b.agentExtensionId],
      [`/dids/${B.did}`, B.did],
      [`/ring-groups/${B.ringGroup}`, B.ringGroup],
      [`/business-hours/${B.hours}`, B.hours],
      [`/call-logs/${B.call}`, B.call],
    ] as const) {
      const res = await b.owner.get(url);
      expect(res.status, url).toBe(200);
      expect(res.body.id).toBe(id);
      expect(res.body.organization_id).toBe(b.organizationId);
      expect(JSON.stringify(res.body)).not.toContain('Hijacked');
    }
    expect((await b.owner.get(`/extensions/${b.agentExtensionId}/voicemails`)).body.data).toHaveLength(1);
    expect((await b.owner.get(`/voicemail-boxes/${B.box}/messages`)).body.data).toEqual([expect.objectContaining({ id: B.boxMessage, read: false })]);
  });

  it("A's managers cannot reach B's general-box message through A's own box", async () => {
    for (const api of [a.owner, a.admin]) {
      for (const [method, body] of [
        ['PATCH', { read: true }],
        ['DELETE', undefined],
      ] as const) {
        const res = await send(api, method, `/api/v1/voicemail-boxes/${A.box}/messages/${B.boxMessage}`, body);
        expectEnvelope(res, 404, 'NOT_FOUND', `${method} B's message via A's box`);
      }
    }
    expect((await b.owner.get(`/voicemail-boxes/${B.box}/messages`)).body.data).toEqual([expect.objectContaining({ id: B.boxMessage, read: false })]);
  });
});

describe('lists', () => {
  /** Every id of organization B, in any table. */
  const bIds = async () => {
    const ids = new Set<string>([b.organizationId]);
    for (const table of ['users', 'extensions', 'dids', 'ring_groups', 'business_hours', 'call_logs', 'voicemails'] as const) {
      for (const row of await server.ctx.db.selectFrom(table).select('id').where('organization_id', '=', b.organizationId).execute()) ids.add(row.id);
    }
    return ids;
  };

  const LISTS = [
    '/users?per_page=100',
    '/users?search=Bravo',
    '/extensions?per_page=100',
    '/extensions?search=50',
    '/dids?per_page=100',
    '/dids?search=Bravo',
    '/ring-groups?per_page=100',
    '/ring-groups?search=Bravo',
    '/business-hours',
    '/business-hours?search=Bravo',
    '/call-logs?per_page=100',
    '/dashboard/recent-calls?limit=100',
    '/dashboard/agents?period=month',
    '/dashboard/ring-groups?period=month',
    '/directory',
    '/dashboard/live-calls',
    '/voicemail-boxes',
  ];

  for (const role of ROLES) {
    it(`A's ${role} never sees a row of B`, async () => {
      const foreign = await bIds();
      const urls = [
        ...LISTS,
        `/users?search=${encodeURIComponent(b.emails.agent)}`,
        `/dids?search=${encodeURIComponent(B.didNumber)}`,
        `/extensions?user_id=${b.agentId}`,
        `/call-logs?extension_id=${b.agentExtensionId}`,
        `/extensions/${a.agentExtensionId}/voicemails`,
      ];
      for (const url of urls) {
        const res = await a[role].get(url);
        if (role === 'agent' && (url.startsWith('/users') || url.startsWith('/voicemail-boxes'))) {
          expectEnvelope(res, 403, 'FORBIDDEN', url);
          continue;
        }
        expect(res.status, `${url} → ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
        const items: any[] = res.body.data;
        expect(items, url).toBeInstanceOf(Array);
        const text = JSON.stringify(res.body);
        for (const id of foreign) expect(text.includes(id), `${url} shows B's ${id}`).toBe(false);
        expect(text).not.toContain('Bravo');
        for (const item of items) if ('organization_id' in item) expect(item.organization_id, url).toBe(a.organizationId);
      }
      const csv = await a[role].get('/call-logs/export');
      expect(csv.status).toBe(200);
      for (const id of foreign) expect(String(csv.body).includes(id)).toBe(false);
      // Everything else that is read "as the caller's organization".
      for (const url of ['/organization', '/auth/me', '/dashboard/stats', '/dashboard/call-volume']) {
        const res = await a[role].get(url);
        expect(res.status, url).toBe(200);
        expect(JSON.stringify(res.body), url).not.toContain(b.organizationId);
      }
      expect((await a[role].get('/organization')).body.id).toBe(a.organizationId);
    });
  }

  it('counts are per organization', async () => {
    const stats = await a.owner.get('/dashboard/stats');
    const extensions = await server.ctx.db.selectFrom('extensions').select('id').where('organization_id', '=', a.organizationId).execute();
    const dids = await server.ctx.db.selectFrom('dids').select('id').where('organization_id', '=', a.organizationId).execute();
    expect(stats.body).toMatchObject({ total_extensions: extensions.length, total_dids: dids.length });
    expect((await a.owner.get('/extensions?per_page=1')).body.meta.total).toBe(extensions.length);
    expect((await a.owner.get('/dids?per_page=1')).body.meta.total).toBe(dids.length);
  });

  it('cloudonix settings are per organization and the B key does not open A', async () => {
    const res = await a.owner.get('/settings/cloudonix');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ domain_uuid: 'Alpha-domain', domain_name: 'alpha.cloudonix.net' });
    expect(JSON.stringify(res.body)).not.toContain('Bravo');
  });
});

describe('references across organizations', () => {
  type Case = { label: string; method: 'POST' | 'PATCH'; url: () => string; body: () => unknown; field: string };
  const hours = (open: unknown, closed: unknown) => ({
    name: `Cross ${seq()}`,
    schedules: [{ day_of_week: 1, open_time: '09:00', close_time: '17:00' }],
    open_hours_routing: open,
    closed_hours_routing: closed,
  });
  const group = (members: unknown, fallback?: unknown) => ({
    name: `Cross ${seq()}`,
    strategy: 'simultaneous',
    members,
    ...(fallback ? { fallback_action: fallback } : {}),
  });

  // prettier-ignore
  const CASES: Case[] = [
    { label: "ring group member is B's extension", method: 'POST', url: () => '/ring-groups', body: () => group([{ extension_id: A.ext, priority: 1 }, { extension_id: B.ext, priority: 2 }]), field: 'members.1.extension_id' },
    { label: "ring group fallback extension is B's", method: 'POST', url: () => '/ring-groups', body: () => group([{ extension_id: A.ext, priority: 1 }], { type: 'extension', extension_id: B.ext }), field: 'fallback_action.extension_id' },
    { label: "ring group voicemail fallback is B's mailbox", method: 'POST', url: () => '/ring-groups', body: () => group([{ extension_id: A.ext, priority: 1 }], { type: 'voicemail', extension_id: B.ext }), field: 'fallback_action.extension_id' },
    { label: "ring group update adds B's extension", method: 'PATCH', url: () => `/ring-groups/${A.ringGroup}`, body: () => ({ members: [{ extension_id: b.agentExtensionId, priority: 1 }] }), field: 'members.0.extension_id' },
    { label: "ring group update falls back to B's extension", method: 'PATCH', url: () => `/ring-groups/${A.ringGroup}`, body: () => ({ fallback_action: { type: 'extension', extension_id: B.ext2 } }), field: 'fallback_action.extension_id' },

    { label: "DID routes to B's extension", method: 'POST', url: () => '/dids', body: () => ({ phone_number: randomE164(), routing_type: 'extension', routing_config: { extension_id: B.ext } }), field: 'routing_config.extension_id' },
    { label: "DID routes to B's ring group", method: 'POST', url: () => '/dids', body: () => ({ phone_number: randomE164(), routing_type: 'ring_group', routing_config: { ring_group_id: B.ringGroup } }), field: 'routing_config.ring_group_id' },
    { label: "DID routes to B's business hours", method: 'POST', url: () => '/dids', body: () => ({ phone_number: randomE164(), routing_type: 'business_hours', routing_config: { business_hours_id: B.hours } }), field: 'routing_config.business_hours_id' },
    { label: "DID voicemail goes to B's mailbox", method: 'POST', url: () => '/dids', body: () => ({ phone_number: randomE164(), routing_type: 'voicemail', routing_config: { extension_id: B.ext } }), field: 'routing_config.extension_id' },
    { label: "DID falls back to B's extension", method: 'POST', url: () => '/dids', body: () => ({ phone_number: randomE164(), routing_type: 'extension', routing_config: { extension_id: A.ext, fallback_extension_id: B.ext } }), field: 'routing_config.fallback_extension_id' },
    { label: "DID update routes to B's ring group", method: 'PATCH', url: () => `/dids/${A.did}`, body: () => ({ routing_type: 'ring_group', routing_config: { ring_group_id: B.ringGroup } }), field: 'routing_config.ring_group_id' },
    { label: "DID update routes to B's business hours", method: 'PATCH', url: () => `/dids/${A.did}`, body: () => ({ routing_config: { business_hours_id: B.hours } }), field: 'routing_config.business_hours_id' },
    { label: "DID update routes to B's extension", method: 'PATCH', url: () => `/dids/${A.did}`, body: () => ({ routing_type: 'extension', routing_config: { extension_id: b.agentExtensionId } }), field: 'routing_config.extension_id' },
    { label: "DID update falls back to B's extension", method: 'PATCH', url: () => `/dids/${A.did}`, body: () => ({ routing_config: { fallback_extension_id: B.ext2 } }), field: 'routing_config.fallback_extension_id' },

    { label: "business hours open to B's extension", method: 'POST', url: () => '/business-hours', body: () => hours({ type: 'extension', extension_id: B.ext }, { type: 'hangup' }), field: 'open_hours_routing.extension_id' },
    { label: "business hours open to B's ring group", method: 'POST', url: () => '/business-hours', body: () => hours({ type: 'ring_group', ring_group_id: B.ringGroup }, { type: 'hangup' }), field: 'open_hours_routing.ring_group_id' },
    { label: "business hours closed to B's extension", method: 'POST', url: () => '/business-hours', body: () => hours({ type: 'extension', extension_id: A.ext }, { type: 'extension', extension_id: B.ext }), field: 'closed_hours_routing.extension_id' },
    { label: "business hours closed to B's ring group", method: 'POST', url: () => '/business-hours', body: () => hours({ type: 'extension', extension_id: A.ext }, { type: 'ring_group', ring_group_id: B.ringGroup }), field: 'closed_hours_routing.ring_group_id' },
    { label: "business hours closed to B's mailbox", method: 'POST', url: () => '/business-hours', body: () => hours({ type: 'extension', extension_id: A.ext }, { type: 'voicemail', extension_id: B.ext }), field: 'closed_hours_routing.extension_id' },
    { label: "business hours update opens to B's ring group", method: 'PATCH', url: () => `/business-hours/${A.hours}`, body: () => ({ open_hours_routing: { type: 'ring_group', ring_group_id: B.ringGroup } }), field: 'open_hours_routing.ring_group_id' },
    { label: "business hours update closes to B's extension", method: 'PATCH', url: () => `/business-hours/${A.hours}`, body: () => ({ closed_hours_routing: { type: 'extension', extension_id: b.agentExtensionId } }), field: 'closed_hours_routing.extension_id' },

    { label: "extension assigned to B's user", method: 'POST', url: () => '/extensions', body: () => ({ extension_number: String(800 + seq()), type: 'user', user_id: b.adminId }), field: 'user_id' },
    { label: "extension update assigned to B's user", method: 'PATCH', url: () => `/extensions/${a.agentExtensionId}`, body: () => ({ user_id: b.adminId }), field: 'user_id' },
    { label: "forwarding to an extension number only B has", method: 'PATCH', url: () => `/extensions/${A.ext}`, body: () => ({ call_forwarding: { enabled: true, destination: '777' } }), field: 'call_forwarding.destination' },
  ];

  beforeAll(async () => {
    // 777 exists in B only, so forwarding to it from A must not resolve.
    await created(b.owner, '/extensions', { extension_number: '777', type: 'virtual' });
  });

  for (const role of ['owner', 'admin'] as Role[]) {
    it(`A's ${role} cannot point anything at B (422 on the field, nothing written)`, async () => {
      const before = await snapshotDatabase(server.ctx);
      for (const c of CASES) {
        const res = await a[role].request(c.method, c.url(), c.body());
        expectEnvelope(res, 422, 'VALIDATION_ERROR', `${c.label} as ${role}`);
        expect(
          res.body.error.details.map((d: { field: string }) => d.field),
          c.label,
        ).toContain(c.field);
      }
      expect(diffSnapshots(before, await snapshotDatabase(server.ctx))).toEqual([]);
    });
  }

  it('the same bodies with A-owned targets are accepted (only the foreign id was wrong)', async () => {
    const swap = (value: unknown): unknown => {
      const map = new Map<string, string>([
        [B.ext, A.ext2],
        [B.ext2, A.ext2],
        [B.ringGroup, A.ringGroup],
        [B.hours, A.hours],
        [b.agentExtensionId, a.agentExtensionId],
        [b.adminId, ''],
      ]);
      return JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === 'string' && map.has(v) ? map.get(v) : v));
    };
    for (const c of CASES.filter((x) => !x.field.startsWith('user_id') && !x.field.startsWith('call_forwarding') && !x.label.includes('adds B'))) {
      const res = await a.owner.request(c.method, c.url(), swap(c.body()));
      expect(res.status, `${c.label} with A's own target → ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(300);
    }
    // Forwarding to A's own number works; the member case swaps to the agent's own extension.
    expect((await a.owner.patch(`/extensions/${A.ext}`, { call_forwarding: { enabled: true, destination: '501' } })).status).toBe(200);
    expect((await a.owner.patch(`/ring-groups/${A.ringGroup}`, { members: [{ extension_id: a.agentExtensionId, priority: 1 }] })).status).toBe(200);
  });

  it('numbers and names are unique per organization only', async () => {
    expect((await a.owner.post('/extensions', { extension_number: '777', type: 'virtual' })).status).toBe(201);
    expect((await a.owner.post('/ring-groups', { ...group([{ extension_id: A.ext, priority: 1 }]), name: 'Bravo Sales' })).status).toBe(201);
    expect(
      (await a.owner.post('/business-hours', { ...hours({ type: 'extension', extension_id: A.ext }, { type: 'hangup' }), name: 'Bravo Office' })).status,
    ).toBe(201);
  });

  it("B's login cannot be used against A, nor A's token against B's organization", async () => {
    const me = await b.agent.get('/auth/me');
    expect(me.body.organization_id).toBe(b.organizationId);
    const channel = await send(a.agent, 'POST', '/broadcasting/auth', { socket_id: '1.2', channel_name: `private-organization.${b.organizationId}.calls` });
    expectEnvelope(channel, 403, 'FORBIDDEN', "A's agent joining B's calls channel");
    const presence = await send(a.owner, 'POST', '/broadcasting/auth', { socket_id: '1.2', channel_name: `presence-organization.${b.organizationId}` });
    expectEnvelope(presence, 403, 'FORBIDDEN', "A's owner joining B's presence channel");
  });
});
