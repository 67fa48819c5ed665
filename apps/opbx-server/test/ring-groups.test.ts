import { newId, nowIso } from '@opbx/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRingGroup, listRingGroups } from '../src/modules/ring-groups/ring-groups.service.js';
import { type Api, createTestOrg, randomE164, type TestOrg } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';

let server: TestServer;
let org: TestOrg;
let other: TestOrg;

let nextNumber = 1000;
/** A fresh virtual extension in the org of `api`; returns its id. */
async function extension(api: Api, status: 'active' | 'inactive' = 'active'): Promise<string> {
  const res = await api.post('/extensions', { extension_number: String(nextNumber++), type: 'virtual', status });
  if (res.status !== 201) throw new Error(`extension setup failed: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

type Detail = { field: string; message: string };
/**
 * The detail naming `field`. An unknown key may be reported on its parent with the key quoted in
 * the message (how the platform's error handler currently renders zod's unrecognized_keys).
 */
function detailFor(details: Detail[], field: string): Detail | undefined {
  const parent = field.includes('.') ? field.slice(0, field.lastIndexOf('.')) : 'body';
  const leaf = field.slice(field.lastIndexOf('.') + 1);
  return details.find((d) => d.field === field) ?? details.find((d) => d.field === parent && d.message.includes(`"${leaf}"`));
}

let groupCounter = 0;
const uniqueName = (label = 'Group') => `${label} ${++groupCounter}`;

async function counts(organizationId: string) {
  const db = server.ctx.db;
  const [groups, members] = await Promise.all([
    db
      .selectFrom('ring_groups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organization_id', '=', organizationId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('ring_group_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organization_id', '=', organizationId)
      .executeTakeFirstOrThrow(),
  ]);
  return { groups: Number(groups.n), members: Number(members.n) };
}

async function configVersion(organizationId: string): Promise<number> {
  const row = await server.ctx.db.selectFrom('config_versions').select('version').where('organization_id', '=', organizationId).executeTakeFirst();
  return Number(row?.version ?? 0);
}

let active: string[];
let inactive: string;
let otherOrgExtension: string;

beforeAll(async () => {
  server = await createTestServer();
  org = await createTestOrg(server.app, server.ctx, 'Ring Org');
  other = await createTestOrg(server.app, server.ctx, 'Other Org');
  active = [];
  for (let i = 0; i < 4; i++) active.push(await extension(org.owner));
  inactive = await extension(org.owner, 'inactive');
  otherOrgExtension = await extension(other.owner);
});
afterAll(() => server.close());

async function createGroup(api: Api = org.owner, overrides: Record<string, unknown> = {}) {
  const res = await api.post('/ring-groups', {
    name: uniqueName(),
    strategy: 'simultaneous',
    members: [{ extension_id: active[0], priority: 1 }],
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`ring group setup failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('ring groups: CRUD', () => {
  it('creates, reads, updates, replaces members and deletes', async () => {
    const before = await configVersion(org.organizationId);
    const created = await org.owner.post('/ring-groups', {
      name: '  Sales Team  ',
      strategy: 'sequential',
      timeout: 45,
      members: [
        { extension_id: active[2], priority: 2 },
        { extension_id: active[1], priority: 1 },
        { extension_id: active[0], priority: 2 },
      ],
      fallback_action: { type: 'extension', extension_id: active[3] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      organization_id: org.organizationId,
      name: 'Sales Team',
      strategy: 'sequential',
      timeout: 45,
      // priority first, then extension number (active[0] has the lower number)
      members: [
        { extension_id: active[1], priority: 1 },
        { extension_id: active[0], priority: 2 },
        { extension_id: active[2], priority: 2 },
      ],
      fallback_action: { type: 'extension', extension_id: active[3] },
      status: 'active',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(created.body).not.toHaveProperty('rotation');
    expect(await configVersion(org.organizationId)).toBeGreaterThan(before);
    const id = created.body.id;

    const stored = await server.ctx.db.selectFrom('ring_groups').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ rotation: 0, fallback_type: 'extension', fallback_extension_id: active[3] });

    const got = await org.owner.get(`/ring-groups/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const v1 = await configVersion(org.organizationId);
    const patched = await org.admin.patch(`/ring-groups/${id}`, { name: 'Sales', strategy: 'round_robin', timeout: 5, status: 'inactive' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Sales', strategy: 'round_robin', timeout: 5, status: 'inactive', members: created.body.members });
    expect(patched.body.fallback_action).toEqual({ type: 'extension', extension_id: active[3] });
    expect(await configVersion(org.organizationId)).toBeGreaterThan(v1);

    const replaced = await org.owner.patch(`/ring-groups/${id}`, {
      members: [
        { extension_id: active[3], priority: 10 },
        { extension_id: active[0], priority: 5 },
      ],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.members).toEqual([
      { extension_id: active[0], priority: 5 },
      { extension_id: active[3], priority: 10 },
    ]);
    const memberRows = await server.ctx.db.selectFrom('ring_group_members').selectAll().where('ring_group_id', '=', id).execute();
    expect(memberRows).toHaveLength(2);
    expect(memberRows.every((m) => m.organization_id === org.organizationId)).toBe(true);
    expect((await org.owner.get(`/ring-groups/${id}`)).body.members).toEqual(replaced.body.members);

    const cleared = await org.owner.patch(`/ring-groups/${id}`, { fallback_action: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('fallback_action');
    expect(cleared.body.name).toBe('Sales');

    const v2 = await configVersion(org.organizationId);
    const deleted = await org.owner.delete(`/ring-groups/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(await configVersion(org.organizationId)).toBeGreaterThan(v2);
    expect((await org.owner.get(`/ring-groups/${id}`)).status).toBe(404);
    expect(await server.ctx.db.selectFrom('ring_group_members').selectAll().where('ring_group_id', '=', id).execute()).toHaveLength(0);
  });

  it('defaults timeout to 30 and status to active, and omits an absent fallback', async () => {
    const res = await org.owner.post('/ring-groups', { name: uniqueName(), strategy: 'simultaneous', members: [{ extension_id: active[0], priority: 1 }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ timeout: 30, status: 'active' });
    expect(res.body).not.toHaveProperty('fallback_action');
    const withNull = await org.owner.post('/ring-groups', {
      name: uniqueName(),
      strategy: 'simultaneous',
      members: [{ extension_id: active[0], priority: 1 }],
      fallback_action: null,
    });
    expect(withNull.status).toBe(201);
    expect(withNull.body).not.toHaveProperty('fallback_action');
  });

  it('accepts the voicemail fallback with or without a mailbox, and an inactive mailbox', async () => {
    const plain = await createGroup(org.owner, { fallback_action: { type: 'voicemail' } });
    expect(plain.fallback_action).toEqual({ type: 'voicemail' });
    const mailbox = await createGroup(org.owner, { fallback_action: { type: 'voicemail', extension_id: active[1] } });
    expect(mailbox.fallback_action).toEqual({ type: 'voicemail', extension_id: active[1] });
    const dormant = await createGroup(org.owner, { fallback_action: { type: 'voicemail', extension_id: inactive } });
    expect(dormant.fallback_action).toEqual({ type: 'voicemail', extension_id: inactive });
    const hangup = await createGroup(org.owner, { fallback_action: { type: 'hangup' } });
    expect(hangup.fallback_action).toEqual({ type: 'hangup' });
    const switched = await org.owner.patch(`/ring-groups/${mailbox.id}`, { fallback_action: { type: 'hangup' } });
    expect(switched.status).toBe(200);
    expect(switched.body.fallback_action).toEqual({ type: 'hangup' });
    const row = await server.ctx.db.selectFrom('ring_groups').selectAll().where('id', '=', mailbox.id).executeTakeFirstOrThrow();
    expect(row.fallback_extension_id).toBeNull();
  });

  it('is what the demo seed calls: createRingGroup returns the presented group', async () => {
    const auth = { userId: org.ownerId, organizationId: org.organizationId, role: 'owner' as const, tokenId: '', tokenHash: '' };
    const group = await createRingGroup(server.ctx, auth, {
      name: uniqueName('Seeded'),
      strategy: 'round_robin',
      timeout: 20,
      members: [active[1]!, active[0]!].map((extension_id, i) => ({ extension_id, priority: i + 1 })),
      fallback_action: { type: 'voicemail' },
    });
    expect(group).toMatchObject({ strategy: 'round_robin', timeout: 20, status: 'active', fallback_action: { type: 'voicemail' } });
    expect(group.members).toEqual([
      { extension_id: active[1], priority: 1 },
      { extension_id: active[0], priority: 2 },
    ]);
    // The service enforces the membership rules itself, not only the HTTP schema.
    await expect(
      createRingGroup(server.ctx, auth, {
        name: uniqueName('Seeded'),
        strategy: 'simultaneous',
        members: [
          { extension_id: active[0]!, priority: 1 },
          { extension_id: active[0]!, priority: 2 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'members.1.extension_id', message: 'is listed more than once' }] });
  });

  it('replaces members atomically under concurrent updates', async () => {
    const group = await createGroup();
    const lists = [[active[0], active[1]], [active[2]], [active[3], active[0], active[2]], [active[1], active[3]]].map((ids) =>
      ids.map((extension_id, i) => ({ extension_id, priority: i + 1 })),
    );
    const results = await Promise.all(lists.map((members) => org.owner.patch(`/ring-groups/${group.id}`, { members })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const final = (await org.owner.get(`/ring-groups/${group.id}`)).body.members;
    expect(lists).toContainEqual(final);
  });
});

describe('ring groups: validation', () => {
  /** Expect 422 naming `field`, with no ring group or member row written. */
  async function rejects(body: Record<string, unknown>, field: string, message?: RegExp) {
    const before = await counts(org.organizationId);
    const res = await org.owner.post('/ring-groups', body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    const detail = detailFor(res.body.error.details, field);
    expect(detail, JSON.stringify(res.body.error.details)).toBeTruthy();
    if (message) expect(detail!.message).toMatch(message);
    expect(await counts(org.organizationId)).toEqual(before);
    return res;
  }
  const valid = () => ({ name: uniqueName('Valid'), strategy: 'simultaneous', members: [{ extension_id: active[0], priority: 1 }] });

  it('rejects bad names', async () => {
    await rejects({ ...valid(), name: undefined }, 'name');
    await rejects({ ...valid(), name: '   ' }, 'name');
    await rejects({ ...valid(), name: 'x'.repeat(101) }, 'name');
    await rejects({ ...valid(), name: 42 }, 'name');
  });

  it('rejects a bad strategy, status or timeout', async () => {
    await rejects({ ...valid(), strategy: undefined }, 'strategy');
    await rejects({ ...valid(), strategy: 'longest_idle' }, 'strategy');
    await rejects({ ...valid(), status: 'paused' }, 'status');
    for (const timeout of [4, 301, 0, -30, 30.5, '30', null]) await rejects({ ...valid(), timeout }, 'timeout');
  });

  it('accepts the timeout bounds 5 and 300', async () => {
    expect((await createGroup(org.owner, { timeout: 5 })).timeout).toBe(5);
    expect((await createGroup(org.owner, { timeout: 300 })).timeout).toBe(300);
  });

  it('requires 1 to 50 members', async () => {
    await rejects({ ...valid(), members: undefined }, 'members');
    await rejects({ ...valid(), members: [] }, 'members', /at least one/);
    const many = Array.from({ length: 51 }, (_, i) => ({ extension_id: newId(), priority: (i % 100) + 1 }));
    await rejects({ ...valid(), members: many }, 'members', /at most 50/);
  });

  it('accepts exactly 50 members', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await extension(org.owner));
    const group = await createGroup(org.owner, { members: ids.map((extension_id, i) => ({ extension_id, priority: (i % 3) + 1 })) });
    expect(group.members).toHaveLength(50);
    expect(group.members.map((m: { priority: number }) => m.priority)).toEqual(
      [...group.members.map((m: { priority: number }) => m.priority)].sort((a, b) => a - b),
    );
  });

  it('rejects duplicate, missing, inactive and foreign members', async () => {
    await rejects(
      {
        ...valid(),
        members: [
          { extension_id: active[0], priority: 1 },
          { extension_id: active[1], priority: 2 },
          { extension_id: active[0], priority: 3 },
        ],
      },
      'members.2.extension_id',
      /more than once/,
    );
    await rejects(
      {
        ...valid(),
        members: [
          { extension_id: active[0], priority: 1 },
          { extension_id: inactive, priority: 1 },
        ],
      },
      'members.1.extension_id',
      /inactive/,
    );
    await rejects({ ...valid(), members: [{ extension_id: newId(), priority: 1 }] }, 'members.0.extension_id', /does not exist/);
    await rejects({ ...valid(), members: [{ extension_id: otherOrgExtension, priority: 1 }] }, 'members.0.extension_id', /does not exist/);
    await rejects({ ...valid(), members: [{ extension_id: 'not-a-uuid', priority: 1 }] }, 'members.0.extension_id');
    await rejects({ ...valid(), members: [{ priority: 1 }] }, 'members.0.extension_id');
  });

  it('reports every member problem at once', async () => {
    const res = await rejects(
      {
        ...valid(),
        members: [
          { extension_id: inactive, priority: 1 },
          { extension_id: otherOrgExtension, priority: 2 },
          { extension_id: active[0], priority: 3 },
        ],
      },
      'members.0.extension_id',
    );
    expect(res.body.error.details).toEqual([
      { field: 'members.0.extension_id', message: 'extension is inactive' },
      { field: 'members.1.extension_id', message: 'extension does not exist' },
    ]);
  });

  it('rejects bad priorities', async () => {
    for (const priority of [0, 101, 1.5, '1', undefined]) {
      await rejects({ ...valid(), members: [{ extension_id: active[0], priority }] }, 'members.0.priority');
    }
    expect((await createGroup(org.owner, { members: [{ extension_id: active[0], priority: 100 }] })).members[0].priority).toBe(100);
  });

  it('rejects unknown fields, in the body and in members', async () => {
    await rejects({ ...valid(), rotation: 3 }, 'rotation');
    await rejects({ ...valid(), organization_id: other.organizationId }, 'organization_id');
    await rejects({ ...valid(), members: [{ extension_id: active[0], priority: 1, ring: true }] }, 'members.0.ring');
  });

  it('enforces the fallback rules', async () => {
    const fallback = (fallback_action: unknown) => ({ ...valid(), fallback_action });
    await rejects(fallback({ type: 'extension' }), 'fallback_action.extension_id', /required/);
    await rejects(fallback({ type: 'extension', extension_id: inactive }), 'fallback_action.extension_id', /inactive/);
    await rejects(fallback({ type: 'extension', extension_id: newId() }), 'fallback_action.extension_id', /does not exist/);
    await rejects(fallback({ type: 'extension', extension_id: otherOrgExtension }), 'fallback_action.extension_id', /does not exist/);
    await rejects(fallback({ type: 'hangup', extension_id: active[1] }), 'fallback_action.extension_id', /not allowed/);
    await rejects(fallback({ type: 'voicemail', extension_id: otherOrgExtension }), 'fallback_action.extension_id', /does not exist/);
    await rejects(fallback({ type: 'voicemail', extension_id: newId() }), 'fallback_action.extension_id', /does not exist/);
    await rejects(fallback({ type: 'ring_group' }), 'fallback_action.type');
    await rejects(fallback({ type: 'hangup', ring_group_id: newId() }), 'fallback_action.ring_group_id');
    await rejects(fallback('hangup'), 'fallback_action');
  });

  it('rejects invalid updates without changing anything', async () => {
    const group = await createGroup(org.owner, {
      members: [
        { extension_id: active[0], priority: 1 },
        { extension_id: active[1], priority: 2 },
      ],
      fallback_action: { type: 'voicemail' },
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'Renamed', timeout: 301 }, 'timeout'],
      [{ name: 'Renamed', members: [] }, 'members'],
      [
        {
          name: 'Renamed',
          members: [
            { extension_id: active[2], priority: 1 },
            { extension_id: inactive, priority: 2 },
          ],
        },
        'members.1.extension_id',
      ],
      [
        {
          name: 'Renamed',
          members: [
            { extension_id: active[2], priority: 1 },
            { extension_id: active[2], priority: 2 },
          ],
        },
        'members.1.extension_id',
      ],
      [{ name: 'Renamed', members: [{ extension_id: otherOrgExtension, priority: 1 }] }, 'members.0.extension_id'],
      [{ name: 'Renamed', members: [{ extension_id: active[2], priority: 0 }] }, 'members.0.priority'],
      [{ name: 'Renamed', fallback_action: { type: 'extension' } }, 'fallback_action.extension_id'],
      [{ name: 'Renamed', fallback_action: { type: 'hangup', extension_id: active[2] } }, 'fallback_action.extension_id'],
      [{ name: '' }, 'name'],
      [{ strategy: 'random' }, 'strategy'],
      [{ rotation: 1 }, 'rotation'],
    ];
    for (const [body, field] of cases) {
      const res = await org.owner.patch(`/ring-groups/${group.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(detailFor(res.body.error.details, field), JSON.stringify(res.body.error.details)).toBeTruthy();
    }
    expect((await org.owner.get(`/ring-groups/${group.id}`)).body).toEqual(group);
  });
});

describe('ring groups: names', () => {
  it('is 409 on a duplicate name within the organization, on create and on rename', async () => {
    const name = uniqueName('Unique');
    const first = await createGroup(org.owner, { name });
    const before = await counts(org.organizationId);
    const dup = await org.owner.post('/ring-groups', { name: `  ${name} `, strategy: 'sequential', members: [{ extension_id: active[1], priority: 1 }] });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'CONFLICT', details: [{ field: 'name', message: 'is already in use' }] });
    expect(await counts(org.organizationId)).toEqual(before);

    const second = await createGroup(org.owner);
    const rename = await org.owner.patch(`/ring-groups/${second.id}`, { name, members: [{ extension_id: active[2], priority: 1 }] });
    expect(rename.status).toBe(409);
    expect(rename.body.error.details).toEqual([{ field: 'name', message: 'is already in use' }]);
    expect((await org.owner.get(`/ring-groups/${second.id}`)).body).toEqual(second);

    // Keeping its own name is not a conflict; another organization may use the same name.
    expect((await org.owner.patch(`/ring-groups/${first.id}`, { name })).status).toBe(200);
    expect(
      (await other.owner.post('/ring-groups', { name, strategy: 'simultaneous', members: [{ extension_id: otherOrgExtension, priority: 1 }] })).status,
    ).toBe(201);
  });
});

describe('ring groups: list', () => {
  let listOrg: TestOrg;
  let names: string[];

  beforeAll(async () => {
    listOrg = await createTestOrg(server.app, server.ctx, 'List Org');
    const a = await extension(listOrg.owner);
    const b = await extension(listOrg.owner);
    const specs: [string, string, string][] = [
      ['Support Tier 1', 'round_robin', 'active'],
      ['support tier 2', 'round_robin', 'inactive'],
      ['Sales East', 'simultaneous', 'active'],
      ['Sales West', 'sequential', 'active'],
      ['Billing', 'sequential', 'inactive'],
      ['After_Hours 100%', 'simultaneous', 'active'],
      ['Reception', 'simultaneous', 'active'],
    ];
    for (const [name, strategy, status] of specs) {
      const res = await listOrg.owner.post('/ring-groups', {
        name,
        strategy,
        status,
        members: [
          { extension_id: b, priority: 1 },
          { extension_id: a, priority: 1 },
        ],
      });
      expect(res.status).toBe(201);
    }
    names = specs.map((s) => s[0]);
  });

  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  it('lists the organization’s groups sorted by name with their members', async () => {
    const res = await listOrg.agent.get('/ring-groups');
    expect(res.status).toBe(200);
    expect(res.body.data.map((g: { name: string }) => g.name)).toEqual([...names].sort(byName));
    expect(res.body.meta).toMatchObject({ current_page: 1, per_page: 20, total: 7, last_page: 1, from: 1, to: 7, next_cursor: null, has_more: false });
    for (const g of res.body.data) {
      expect(g.organization_id).toBe(listOrg.organizationId);
      expect(g.members).toHaveLength(2);
      expect(g).not.toHaveProperty('rotation');
    }
  });

  it('filters by search (case-insensitive, literal), strategy and status', async () => {
    const names = async (query: string) => {
      const res = await listOrg.owner.get(`/ring-groups?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return { names: res.body.data.map((g: { name: string }) => g.name), total: res.body.meta.total };
    };
    expect(await names('search=SUPPORT')).toEqual({ names: ['Support Tier 1', 'support tier 2'].sort(byName), total: 2 });
    expect(await names('search=sales')).toEqual({ names: ['Sales East', 'Sales West'], total: 2 });
    expect(await names(`search=${encodeURIComponent('100%')}`)).toEqual({ names: ['After_Hours 100%'], total: 1 });
    expect((await names('search=_')).names).toEqual(['After_Hours 100%']);
    expect(await names('strategy=sequential')).toEqual({ names: ['Billing', 'Sales West'], total: 2 });
    expect(await names('status=inactive')).toEqual({ names: ['Billing', 'support tier 2'].sort(byName), total: 2 });
    expect(await names('strategy=round_robin&status=active&search=tier')).toEqual({ names: ['Support Tier 1'], total: 1 });
    expect(await names('search=nothing-matches')).toEqual({ names: [], total: 0 });
  });

  it('rejects bad filters', async () => {
    expect((await listOrg.owner.get('/ring-groups?strategy=fastest')).status).toBe(422);
    expect((await listOrg.owner.get('/ring-groups?status=on')).status).toBe(422);
    expect((await listOrg.owner.get('/ring-groups?per_page=0')).status).toBe(422);
    const bad = await listOrg.owner.get('/ring-groups?cursor=garbage');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe('cursor');
  });

  it('paginates by page', async () => {
    const sorted = [...names].sort(byName);
    const p1 = await listOrg.owner.get('/ring-groups?per_page=3');
    const p3 = await listOrg.owner.get('/ring-groups?per_page=3&page=3');
    expect(p1.body.data.map((g: { name: string }) => g.name)).toEqual(sorted.slice(0, 3));
    expect(p1.body.meta).toMatchObject({ current_page: 1, per_page: 3, total: 7, last_page: 3, from: 1, to: 3, has_more: true });
    expect(p3.body.data.map((g: { name: string }) => g.name)).toEqual(sorted.slice(6));
    expect(p3.body.meta).toMatchObject({ current_page: 3, total: 7, from: 7, to: 7, has_more: false, next_cursor: null });
    const beyond = await listOrg.owner.get('/ring-groups?per_page=3&page=4');
    expect(beyond.body.data).toEqual([]);
  });

  it('walks every cursor page exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/ring-groups?per_page=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await listOrg.owner.get(url);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((g: { name: string }) => g.name));
      expect(res.body.meta.total).toBe(7);
      expect(res.body.meta.has_more).toBe(res.body.meta.next_cursor !== null);
      cursor = res.body.meta.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual([...names].sort(byName));
  });

  it('walks cursor pages with a filter applied', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: any } = await listOrg.owner.get(`/ring-groups?status=active&per_page=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...res.body.data.map((g: { name: string }) => g.name));
      cursor = res.body.meta.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['After_Hours 100%', 'Reception', 'Sales East', 'Sales West', 'Support Tier 1']);
  });

  it('fetches members for a whole page in one query', async () => {
    const queries: string[] = [];
    const spy = server.ctx.db.withPlugin({
      transformQuery: (args) => {
        queries.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const page = await listRingGroups(
      { ...server.ctx, db: spy },
      { userId: '', organizationId: listOrg.organizationId, role: 'owner', tokenId: '', tokenHash: '' },
      {},
    );
    expect(page.data).toHaveLength(7);
    // rows + count + members, whatever the page size
    expect(queries.filter((k) => k === 'SelectQueryNode')).toHaveLength(3);
  });
});

describe('ring groups: roles and tenancy', () => {
  it('lets agents read but not write', async () => {
    const group = await createGroup();
    expect((await org.agent.get('/ring-groups')).status).toBe(200);
    const got = await org.agent.get(`/ring-groups/${group.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(group);

    const before = await counts(org.organizationId);
    const post = await org.agent.post('/ring-groups', { name: uniqueName(), strategy: 'simultaneous', members: [{ extension_id: active[0], priority: 1 }] });
    expect(post.status).toBe(403);
    expect(post.body.error.code).toBe('FORBIDDEN');
    expect((await org.agent.patch(`/ring-groups/${group.id}`, { name: 'Agent was here' })).status).toBe(403);
    expect((await org.agent.delete(`/ring-groups/${group.id}`)).status).toBe(403);
    expect(await counts(org.organizationId)).toEqual(before);
    expect((await org.owner.get(`/ring-groups/${group.id}`)).body).toEqual(group);
  });

  it('lets admins write', async () => {
    const group = await createGroup(org.admin);
    expect((await org.admin.patch(`/ring-groups/${group.id}`, { timeout: 60 })).body.timeout).toBe(60);
    expect((await org.admin.delete(`/ring-groups/${group.id}`)).status).toBe(204);
  });

  it('requires authentication', async () => {
    expect((await org.anon.get('/ring-groups')).status).toBe(401);
    expect((await org.anon.post('/ring-groups', {})).status).toBe(401);
  });

  it('answers 404 for another organization’s group everywhere, and for non-uuid ids', async () => {
    const foreign = await createGroup(other.owner, { members: [{ extension_id: otherOrgExtension, priority: 1 }] });
    for (const id of [foreign.id, newId(), 'not-a-uuid', '1']) {
      for (const api of [org.owner, org.admin, org.agent]) {
        const get = await api.get(`/ring-groups/${id}`);
        expect(get.status).toBe(404);
        expect(get.body.error.code).toBe('NOT_FOUND');
      }
      expect((await org.owner.patch(`/ring-groups/${id}`, { name: 'Hijacked' })).status).toBe(404);
      expect((await org.owner.delete(`/ring-groups/${id}`)).status).toBe(404);
    }
    expect((await other.owner.get(`/ring-groups/${foreign.id}`)).body).toEqual(foreign);
    const list = await org.owner.get('/ring-groups?per_page=100');
    expect(list.body.data.some((g: { id: string }) => g.id === foreign.id)).toBe(false);
  });
});

describe('ring groups: delete safety', () => {
  async function insertDid(ringGroupId: string) {
    const now = nowIso();
    const phone = randomE164();
    await server.ctx.db
      .insertInto('dids')
      .values({
        id: newId(),
        organization_id: org.organizationId,
        phone_number: phone,
        friendly_name: null,
        routing_type: 'ring_group',
        extension_id: null,
        ring_group_id: ringGroupId,
        business_hours_id: null,
        fallback_extension_id: null,
        voicemail_greeting: null,
        status: 'active',
        cloudonix_dnid: null,
        cloudonix_voice_application_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return phone;
  }

  it('is 409 while a phone number routes to the group', async () => {
    const group = await createGroup();
    const phone = await insertDid(group.id);
    const res = await org.owner.delete(`/ring-groups/${group.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    const didId = (await server.ctx.db.selectFrom('dids').select('id').where('phone_number', '=', phone).executeTakeFirstOrThrow()).id;
    expect(res.body.error.details).toEqual([
      { field: 'dids', message: `Routing target of phone number ${phone}`, used_by: { type: 'did', id: didId, name: phone } },
    ]);
    expect((await org.owner.get(`/ring-groups/${group.id}`)).body).toEqual(group);
    await server.ctx.db.deleteFrom('dids').where('phone_number', '=', phone).execute();
    expect((await org.owner.delete(`/ring-groups/${group.id}`)).status).toBe(204);
  });

  it('is 409 while business hours route to the group', async () => {
    const group = await createGroup();
    const now = nowIso();
    const hoursId = newId();
    await server.ctx.db
      .insertInto('business_hours')
      .values({
        id: hoursId,
        organization_id: org.organizationId,
        name: 'Office',
        timezone: 'UTC',
        schedules: '[]',
        holidays: '[]',
        open_type: 'ring_group',
        open_extension_id: null,
        open_ring_group_id: group.id,
        closed_type: 'hangup',
        closed_extension_id: null,
        closed_ring_group_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const res = await org.owner.delete(`/ring-groups/${group.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual([
      { field: 'business_hours', message: 'Routing target of business hours "Office"', used_by: { type: 'business_hours', id: hoursId, name: 'Office' } },
    ]);
    await server.ctx.db.deleteFrom('business_hours').where('id', '=', hoursId).execute();
    expect((await org.owner.delete(`/ring-groups/${group.id}`)).status).toBe(204);
  });

  it('keeps extensions that are members or the fallback of a group from being deleted', async () => {
    const member = await extension(org.owner);
    const target = await extension(org.owner);
    const name = uniqueName('Guarded');
    const group = await createGroup(org.owner, {
      name,
      members: [{ extension_id: member, priority: 1 }],
      fallback_action: { type: 'extension', extension_id: target },
    });

    const delMember = await org.owner.delete(`/extensions/${member}`);
    expect(delMember.status).toBe(409);
    const usedBy = { type: 'ring_group', id: group.id, name };
    expect(delMember.body.error.details).toEqual([{ field: 'ring_groups', message: `Member of ring group "${name}"`, used_by: usedBy }]);
    const delTarget = await org.owner.delete(`/extensions/${target}`);
    expect(delTarget.status).toBe(409);
    expect(delTarget.body.error.details).toEqual([{ field: 'ring_groups', message: `Fallback of ring group "${name}"`, used_by: usedBy }]);
    expect((await org.owner.get(`/ring-groups/${group.id}`)).body).toEqual(group);

    // Once the group lets go, both can be deleted.
    await org.owner.patch(`/ring-groups/${group.id}`, { members: [{ extension_id: active[0], priority: 1 }], fallback_action: { type: 'hangup' } });
    expect((await org.owner.delete(`/extensions/${member}`)).status).toBe(204);
    expect((await org.owner.delete(`/extensions/${target}`)).status).toBe(204);
  });

  it('deleting a group removes its members with it', async () => {
    const group = await createGroup(org.owner, {
      members: [
        { extension_id: active[0], priority: 1 },
        { extension_id: active[1], priority: 2 },
      ],
    });
    expect((await org.owner.delete(`/ring-groups/${group.id}`)).status).toBe(204);
    expect(await server.ctx.db.selectFrom('ring_group_members').selectAll().where('ring_group_id', '=', group.id).execute()).toEqual([]);
    expect((await org.owner.delete(`/ring-groups/${group.id}`)).status).toBe(404);
  });
});
