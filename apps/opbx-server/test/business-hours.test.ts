import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Api, createTestOrg, randomE164, type TestOrg } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';

let server: TestServer;
let org: TestOrg;
let other: TestOrg;

/** Targets in `org`, and one of each in `other` (which must count as "does not exist"). */
const t = { ext: '', mailbox: '', ringGroup: '', otherExt: '', otherRingGroup: '' };

let nextNumber = 700;
async function extension(api: Api): Promise<string> {
  const res = await api.post('/extensions', { extension_number: String(nextNumber++), type: 'virtual', voicemail_enabled: true });
  if (res.status !== 201) throw new Error(`extension setup failed: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

let groupCounter = 0;
async function ringGroup(api: Api, memberId: string): Promise<string> {
  const res = await api.post('/ring-groups', { name: `Group ${++groupCounter}`, strategy: 'simultaneous', members: [{ extension_id: memberId, priority: 1 }] });
  if (res.status !== 201) throw new Error(`ring group setup failed: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

let nameCounter = 0;
const uniqueName = (label = 'Hours') => `${label} ${++nameCounter}`;

const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day_of_week: day, open_time: '09:00', close_time: '17:00' }));
const allWeek = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day_of_week: day, open_time: '00:00', close_time: '24:00' }));

function validBody(overrides: Record<string, unknown> = {}) {
  return {
    name: uniqueName(),
    timezone: 'America/New_York',
    schedules: weekdays,
    holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
    open_hours_routing: { type: 'ring_group', ring_group_id: t.ringGroup },
    closed_hours_routing: { type: 'voicemail', extension_id: t.mailbox },
    ...overrides,
  };
}

async function rowCount(organizationId: string): Promise<number> {
  const row = await server.ctx.db
    .selectFrom('business_hours')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function configVersion(organizationId: string): Promise<number> {
  const row = await server.ctx.db.selectFrom('config_versions').select('version').where('organization_id', '=', organizationId).executeTakeFirst();
  return Number(row?.version ?? 0);
}

type Detail = { field: string; message: string };
const fields = (body: { error: { details?: Detail[] } }) => (body.error.details ?? []).map((d) => d.field);

async function create(api: Api, overrides: Record<string, unknown> = {}) {
  const res = await api.post('/business-hours', validBody(overrides));
  if (res.status !== 201) throw new Error(`business hours setup failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

beforeAll(async () => {
  server = await createTestServer();
  org = await createTestOrg(server.app, server.ctx, 'Hours Org');
  other = await createTestOrg(server.app, server.ctx, 'Other Org');
  t.ext = await extension(org.owner);
  t.mailbox = await extension(org.owner);
  t.ringGroup = await ringGroup(org.owner, org.agentExtensionId);
  t.otherExt = await extension(other.owner);
  t.otherRingGroup = await ringGroup(other.owner, other.agentExtensionId);
});
afterAll(() => server.close());

describe('business hours CRUD', () => {
  it('creates, reads, lists, updates and deletes', async () => {
    const versionBefore = await configVersion(org.organizationId);
    const name = uniqueName('Office');
    const created = await org.owner.post('/business-hours', {
      name: `  ${name}  `,
      timezone: 'Europe/Berlin',
      // Deliberately unordered: storage normalizes by day, then opening time.
      schedules: [
        { day_of_week: 5, open_time: '22:00', close_time: '02:00' },
        { day_of_week: 1, open_time: '13:00', close_time: '17:00' },
        { day_of_week: 1, open_time: '09:00', close_time: '12:00' },
        { day_of_week: 0, open_time: '10:00', close_time: '24:00' },
      ],
      holidays: [
        { date: '2026-12-26', name: 'Boxing Day' },
        { date: '2026-12-25', name: 'Christmas Day' },
      ],
      // The ring group id does not match the type: accepted but not stored.
      open_hours_routing: { type: 'extension', extension_id: t.ext, ring_group_id: t.ringGroup },
      closed_hours_routing: { type: 'hangup', extension_id: t.ext },
    });
    expect(created.status).toBe(201);
    const hours = created.body;
    expect(Object.keys(hours).sort()).toEqual(
      [
        'id',
        'organization_id',
        'name',
        'timezone',
        'schedules',
        'holidays',
        'open_hours_routing',
        'closed_hours_routing',
        'is_open_now',
        'current_status',
        'created_at',
        'updated_at',
      ].sort(),
    );
    expect(hours).toMatchObject({
      organization_id: org.organizationId,
      name,
      timezone: 'Europe/Berlin',
      schedules: [
        { day_of_week: 0, open_time: '10:00', close_time: '24:00' },
        { day_of_week: 1, open_time: '09:00', close_time: '12:00' },
        { day_of_week: 1, open_time: '13:00', close_time: '17:00' },
        { day_of_week: 5, open_time: '22:00', close_time: '02:00' },
      ],
      holidays: [
        { date: '2026-12-25', name: 'Christmas Day' },
        { date: '2026-12-26', name: 'Boxing Day' },
      ],
    });
    expect(hours.open_hours_routing).toEqual({ type: 'extension', extension_id: t.ext });
    expect(hours.closed_hours_routing).toEqual({ type: 'hangup' });
    expect(typeof hours.is_open_now).toBe('boolean');
    expect(hours.current_status).toBe(hours.is_open_now ? 'open' : 'closed');
    expect(await configVersion(org.organizationId)).toBeGreaterThan(versionBefore);

    const row = await server.ctx.db.selectFrom('business_hours').selectAll().where('id', '=', hours.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      open_type: 'extension',
      open_extension_id: t.ext,
      open_ring_group_id: null,
      closed_type: 'hangup',
      closed_extension_id: null,
      closed_ring_group_id: null,
    });

    const fetched = await org.owner.get(`/business-hours/${hours.id}`);
    expect(fetched.status).toBe(200);
    expect({ ...fetched.body, is_open_now: undefined, current_status: undefined }).toEqual({ ...hours, is_open_now: undefined, current_status: undefined });

    const list = await org.owner.get('/business-hours');
    expect(list.status).toBe(200);
    expect(list.body.data.map((h: { id: string }) => h.id)).toContain(hours.id);

    const versionBeforePatch = await configVersion(org.organizationId);
    const patched = await org.admin.patch(`/business-hours/${hours.id}`, {
      name: `${name} (renamed)`,
      closed_hours_routing: { type: 'ring_group', ring_group_id: t.ringGroup },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: `${name} (renamed)`,
      timezone: 'Europe/Berlin',
      schedules: hours.schedules,
      holidays: hours.holidays,
      open_hours_routing: { type: 'extension', extension_id: t.ext },
      closed_hours_routing: { type: 'ring_group', ring_group_id: t.ringGroup },
      created_at: hours.created_at,
    });
    expect(patched.body.updated_at >= hours.updated_at).toBe(true);
    expect(await configVersion(org.organizationId)).toBeGreaterThan(versionBeforePatch);
    expect((await org.owner.get(`/business-hours/${hours.id}`)).body.closed_hours_routing).toEqual({ type: 'ring_group', ring_group_id: t.ringGroup });

    const onlyHolidays = await org.owner.patch(`/business-hours/${hours.id}`, { holidays: [] });
    expect(onlyHolidays.status).toBe(200);
    expect(onlyHolidays.body.holidays).toEqual([]);
    expect(onlyHolidays.body.schedules).toEqual(hours.schedules);

    const versionBeforeDelete = await configVersion(org.organizationId);
    const deleted = await org.owner.delete(`/business-hours/${hours.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(await configVersion(org.organizationId)).toBeGreaterThan(versionBeforeDelete);
    expect((await org.owner.get(`/business-hours/${hours.id}`)).status).toBe(404);
    expect((await org.owner.delete(`/business-hours/${hours.id}`)).status).toBe(404);
  });

  it('accepts every closed routing type and keeps only the id that matches it', async () => {
    const cases = [
      { input: { type: 'voicemail', extension_id: t.mailbox, ring_group_id: t.ringGroup }, output: { type: 'voicemail', extension_id: t.mailbox } },
      { input: { type: 'extension', extension_id: t.ext }, output: { type: 'extension', extension_id: t.ext } },
      { input: { type: 'ring_group', ring_group_id: t.ringGroup, extension_id: null }, output: { type: 'ring_group', ring_group_id: t.ringGroup } },
      { input: { type: 'hangup', ring_group_id: t.ringGroup }, output: { type: 'hangup' } },
    ];
    for (const { input, output } of cases) {
      const res = await org.owner.post('/business-hours', validBody({ closed_hours_routing: input }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.closed_hours_routing).toEqual(output);
    }
  });

  it('defaults the time zone to the organization’s', async () => {
    await server.ctx.db.updateTable('organizations').set({ timezone: 'Asia/Kolkata' }).where('id', '=', other.organizationId).execute();
    const { timezone: _omitted, ...body } = validBody({
      open_hours_routing: { type: 'extension', extension_id: t.otherExt },
      closed_hours_routing: { type: 'hangup' },
    });
    const res = await other.owner.post('/business-hours', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.timezone).toBe('Asia/Kolkata');
  });

  it('lists without pagination, sorted by name, with a case-insensitive name search', async () => {
    const tag = `Srt${Date.now()}`;
    for (const name of [`${tag} charlie`, `${tag} Alpha`, `${tag} bravo`]) await create(org.owner, { name });
    const list = await org.agent.get(`/business-hours?search=${tag.toLowerCase()}`);
    expect(list.status).toBe(200);
    expect(Object.keys(list.body)).toEqual(['data']);
    expect(list.body.data.map((h: { name: string }) => h.name)).toEqual([`${tag} Alpha`, `${tag} bravo`, `${tag} charlie`].sort());
    const all = await org.owner.get('/business-hours');
    const names = all.body.data.map((h: { name: string }) => h.name);
    expect(names.length).toBe(await rowCount(org.organizationId));
    expect(all.body.data.every((h: { organization_id: string }) => h.organization_id === org.organizationId)).toBe(true);
    expect((await org.owner.get('/business-hours?search=%25')).body.data).toEqual([]);
  });
});

describe('validation: 422 with the field named, nothing written', () => {
  const manySchedules = Array.from({ length: 71 }, (_, i) => ({
    day_of_week: i % 7,
    open_time: `${String(Math.floor(i / 7)).padStart(2, '0')}:00`,
    close_time: `${String(Math.floor(i / 7)).padStart(2, '0')}:30`,
  }));
  const manyHolidays = Array.from({ length: 367 }, (_, i) => ({ date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10), name: `Day ${i}` }));
  const schedule = (overrides: Record<string, unknown>) => [{ day_of_week: 1, open_time: '09:00', close_time: '17:00', ...overrides }];

  const cases: Array<[string, () => Record<string, unknown>, string]> = [
    ['missing name', () => ({ name: undefined }), 'name'],
    ['blank name', () => ({ name: '   ' }), 'name'],
    ['name too long', () => ({ name: 'x'.repeat(101) }), 'name'],
    ['unknown zone', () => ({ timezone: 'Mars/Olympus_Mons' }), 'timezone'],
    ['offset instead of a zone', () => ({ timezone: '+05:00' }), 'timezone'],
    ['missing schedules', () => ({ schedules: undefined }), 'schedules'],
    ['schedules not an array', () => ({ schedules: { day_of_week: 1 } }), 'schedules'],
    ['71 ranges', () => ({ schedules: manySchedules }), 'schedules'],
    ['day 7', () => ({ schedules: schedule({ day_of_week: 7 }) }), 'schedules.0.day_of_week'],
    ['day -1', () => ({ schedules: schedule({ day_of_week: -1 }) }), 'schedules.0.day_of_week'],
    ['fractional day', () => ({ schedules: schedule({ day_of_week: 1.5 }) }), 'schedules.0.day_of_week'],
    ['day as a string', () => ({ schedules: schedule({ day_of_week: '1' }) }), 'schedules.0.day_of_week'],
    ['open time without padding', () => ({ schedules: schedule({ open_time: '9:00' }) }), 'schedules.0.open_time'],
    ['open time 24:00', () => ({ schedules: schedule({ open_time: '24:00' }) }), 'schedules.0.open_time'],
    ['close time 24:01', () => ({ schedules: schedule({ close_time: '24:01' }) }), 'schedules.0.close_time'],
    ['close time with seconds', () => ({ schedules: schedule({ close_time: '17:00:00' }) }), 'schedules.0.close_time'],
    ['equal open and close', () => ({ schedules: schedule({ open_time: '09:00', close_time: '09:00' }) }), 'schedules.0.close_time'],
    ['missing close time', () => ({ schedules: [{ day_of_week: 1, open_time: '09:00' }] }), 'schedules.0.close_time'],
    [
      'overlapping ranges on one day',
      () => ({
        schedules: [
          { day_of_week: 1, open_time: '09:00', close_time: '12:00' },
          { day_of_week: 2, open_time: '09:00', close_time: '12:00' },
          { day_of_week: 1, open_time: '11:30', close_time: '14:00' },
        ],
      }),
      'schedules.2',
    ],
    [
      'overnight spill overlapping the next day',
      () => ({
        schedules: [
          { day_of_week: 6, open_time: '08:00', close_time: '12:00' },
          { day_of_week: 5, open_time: '20:00', close_time: '09:00' },
        ],
      }),
      'schedules.1',
    ],
    [
      'Saturday spill overlapping Sunday',
      () => ({
        schedules: [
          { day_of_week: 6, open_time: '22:00', close_time: '03:00' },
          { day_of_week: 0, open_time: '02:00', close_time: '05:00' },
        ],
      }),
      'schedules.0',
    ],
    ['367 holidays', () => ({ holidays: manyHolidays }), 'holidays'],
    ['impossible date', () => ({ holidays: [{ date: '2026-02-30', name: 'Nope' }] }), 'holidays.0.date'],
    ['date in another format', () => ({ holidays: [{ date: '12/25/2026', name: 'Nope' }] }), 'holidays.0.date'],
    ['blank holiday name', () => ({ holidays: [{ date: '2026-12-25', name: ' ' }] }), 'holidays.0.name'],
    [
      'duplicate holiday date',
      () => ({
        holidays: [
          { date: '2026-12-25', name: 'Christmas' },
          { date: '2026-01-01', name: 'New Year' },
          { date: '2026-12-25', name: 'Christmas again' },
        ],
      }),
      'holidays.2.date',
    ],
    ['missing open routing', () => ({ open_hours_routing: undefined }), 'open_hours_routing'],
    ['open routing to voicemail', () => ({ open_hours_routing: { type: 'voicemail', extension_id: t.mailbox } }), 'open_hours_routing.type'],
    ['open extension without id', () => ({ open_hours_routing: { type: 'extension' } }), 'open_hours_routing.extension_id'],
    ['open extension id not an id', () => ({ open_hours_routing: { type: 'extension', extension_id: '42' } }), 'open_hours_routing.extension_id'],
    ['open extension of another org', () => ({ open_hours_routing: { type: 'extension', extension_id: t.otherExt } }), 'open_hours_routing.extension_id'],
    ['open ring group without id', () => ({ open_hours_routing: { type: 'ring_group', extension_id: t.ext } }), 'open_hours_routing.ring_group_id'],
    [
      'open ring group that does not exist',
      () => ({ open_hours_routing: { type: 'ring_group', ring_group_id: '01900000-0000-7000-8000-000000000000' } }),
      'open_hours_routing.ring_group_id',
    ],
    [
      'open ring group of another org',
      () => ({ open_hours_routing: { type: 'ring_group', ring_group_id: t.otherRingGroup } }),
      'open_hours_routing.ring_group_id',
    ],
    ['missing closed routing', () => ({ closed_hours_routing: undefined }), 'closed_hours_routing'],
    ['unknown closed type', () => ({ closed_hours_routing: { type: 'ivr' } }), 'closed_hours_routing.type'],
    [
      'voicemail mailbox of another org',
      () => ({ closed_hours_routing: { type: 'voicemail', extension_id: t.otherExt } }),
      'closed_hours_routing.extension_id',
    ],
    ['closed extension of another org', () => ({ closed_hours_routing: { type: 'extension', extension_id: t.otherExt } }), 'closed_hours_routing.extension_id'],
    ['closed ring group without id', () => ({ closed_hours_routing: { type: 'ring_group' } }), 'closed_hours_routing.ring_group_id'],
    [
      'closed ring group of another org',
      () => ({ closed_hours_routing: { type: 'ring_group', ring_group_id: t.otherRingGroup } }),
      'closed_hours_routing.ring_group_id',
    ],
  ];

  it.each(cases)('%s', async (_label, overrides, field) => {
    const before = await rowCount(org.organizationId);
    const res = await org.owner.post('/business-hours', validBody(overrides()));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(fields(res.body)).toContain(field);
    expect(await rowCount(org.organizationId)).toBe(before);
  });

  it('rejects unknown fields at the top level and inside nested objects', async () => {
    const before = await rowCount(org.organizationId);
    const top = await org.owner.post('/business-hours', validBody({ organization_id: other.organizationId }));
    expect(top.status).toBe(422);
    expect(JSON.stringify(top.body.error.details)).toContain('organization_id');
    const nested = await org.owner.post('/business-hours', validBody({ schedules: [{ day_of_week: 1, open_time: '09:00', close_time: '17:00', label: 'x' }] }));
    expect(nested.status).toBe(422);
    expect(JSON.stringify(nested.body.error.details)).toContain('label');
    const routing = await org.owner.post('/business-hours', validBody({ closed_hours_routing: { type: 'hangup', greeting: 'bye' } }));
    expect(routing.status).toBe(422);
    expect(JSON.stringify(routing.body.error.details)).toContain('greeting');
    expect(await rowCount(org.organizationId)).toBe(before);
  });

  it('reports every problem of a definition at once', async () => {
    const res = await org.owner.post(
      '/business-hours',
      validBody({
        schedules: [
          { day_of_week: 3, open_time: '08:00', close_time: '12:00' },
          { day_of_week: 3, open_time: '10:00', close_time: '11:00' },
        ],
        holidays: [
          { date: '2026-07-04', name: 'A' },
          { date: '2026-07-04', name: 'B' },
        ],
        open_hours_routing: { type: 'extension' },
        closed_hours_routing: { type: 'ring_group', ring_group_id: t.otherRingGroup },
      }),
    );
    expect(res.status).toBe(422);
    expect(fields(res.body).sort()).toEqual(['closed_hours_routing.ring_group_id', 'holidays.1.date', 'open_hours_routing.extension_id', 'schedules.1'].sort());
  });

  it('accepts the edge cases that are valid', async () => {
    const res = await org.owner.post(
      '/business-hours',
      validBody({
        schedules: [
          { day_of_week: 1, open_time: '09:00', close_time: '12:00' },
          { day_of_week: 1, open_time: '12:00', close_time: '17:00' }, // touching is not overlapping
          { day_of_week: 5, open_time: '22:00', close_time: '02:00' },
          { day_of_week: 6, open_time: '02:00', close_time: '24:00' }, // starts when Friday's spill ends
          { day_of_week: 0, open_time: '00:00', close_time: '00:30' },
          { day_of_week: 3, open_time: '18:00', close_time: '00:00' }, // until midnight
        ],
        holidays: [{ date: '2028-02-29', name: 'Leap day' }],
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.schedules).toHaveLength(6);
    const empty = await org.owner.post('/business-hours', validBody({ schedules: [], holidays: [] }));
    expect(empty.status).toBe(201);
  });

  it('PATCH merges, then validates the whole result', async () => {
    const hours = await create(org.owner);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ open_hours_routing: { type: 'extension' } }, 'open_hours_routing.extension_id'],
      [{ closed_hours_routing: { type: 'extension', extension_id: t.otherExt } }, 'closed_hours_routing.extension_id'],
      [{ schedules: [...weekdays, { day_of_week: 2, open_time: '16:00', close_time: '18:00' }] }, 'schedules.5'],
      [
        {
          holidays: [
            { date: '2026-01-01', name: 'a' },
            { date: '2026-01-01', name: 'b' },
          ],
        },
        'holidays.1.date',
      ],
      [{ timezone: 'Not/AZone' }, 'timezone'],
      [{ name: '' }, 'name'],
      [{ name: null }, 'name'],
      [{ schedules: null }, 'schedules'],
      [{ id: '01900000-0000-7000-8000-000000000000' }, 'id'],
    ];
    for (const [body, field] of cases) {
      const res = await org.owner.patch(`/business-hours/${hours.id}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(JSON.stringify(res.body.error.details)).toContain(field);
    }
    const after = await org.owner.get(`/business-hours/${hours.id}`);
    expect({ ...after.body, is_open_now: undefined, current_status: undefined }).toEqual({ ...hours, is_open_now: undefined, current_status: undefined });
  });
});

describe('conflicts', () => {
  it('names are unique per organization (409 on create and rename), not across organizations', async () => {
    const first = await create(org.owner, { name: 'Main office' });
    const before = await rowCount(org.organizationId);
    const dup = await org.owner.post('/business-hours', validBody({ name: '  Main office ' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    expect(fields(dup.body)).toEqual(['name']);
    expect(await rowCount(org.organizationId)).toBe(before);

    const second = await create(org.owner, { name: 'Branch office' });
    const rename = await org.owner.patch(`/business-hours/${second.id}`, { name: 'Main office' });
    expect(rename.status).toBe(409);
    expect(fields(rename.body)).toEqual(['name']);
    expect((await org.owner.get(`/business-hours/${second.id}`)).body.name).toBe('Branch office');
    // Renaming to its own name is not a conflict.
    expect((await org.owner.patch(`/business-hours/${first.id}`, { name: 'Main office' })).status).toBe(200);

    const elsewhere = await other.owner.post(
      '/business-hours',
      validBody({ name: 'Main office', open_hours_routing: { type: 'extension', extension_id: t.otherExt }, closed_hours_routing: { type: 'hangup' } }),
    );
    expect(elsewhere.status).toBe(201);
  });

  it('cannot be deleted while a DID routes to it', async () => {
    const hours = await create(org.owner);
    const did = await org.owner.post('/dids', { phone_number: randomE164(), routing_type: 'business_hours', routing_config: { business_hours_id: hours.id } });
    expect(did.status, JSON.stringify(did.body)).toBe(201);
    const blocked = await org.owner.delete(`/business-hours/${hours.id}`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('CONFLICT');
    expect(blocked.body.error.details).toEqual([
      {
        field: 'dids',
        message: `Routing target of phone number ${did.body.phone_number}`,
        used_by: { type: 'did', id: did.body.id, name: did.body.phone_number },
      },
    ]);
    expect((await org.owner.get(`/business-hours/${hours.id}`)).status).toBe(200);
    expect((await org.owner.delete(`/dids/${did.body.id}`)).status).toBe(204);
    expect((await org.owner.delete(`/business-hours/${hours.id}`)).status).toBe(204);
  });

  it('keeps the extensions and ring groups it routes to from being deleted', async () => {
    const ext = await extension(org.owner);
    const mailbox = await extension(org.owner);
    const group = await ringGroup(org.owner, org.agentExtensionId);
    const name = uniqueName('Guarded');
    const hours = await create(org.owner, {
      name,
      open_hours_routing: { type: 'ring_group', ring_group_id: group },
      closed_hours_routing: { type: 'voicemail', extension_id: mailbox },
    });
    const other2 = await create(org.owner, { open_hours_routing: { type: 'extension', extension_id: ext }, closed_hours_routing: { type: 'hangup' } });

    for (const [path, owner, ownerId] of [
      [`/ring-groups/${group}`, name, hours.id],
      [`/extensions/${mailbox}`, name, hours.id],
      [`/extensions/${ext}`, other2.name, other2.id],
    ] as const) {
      const res = await org.owner.delete(path);
      expect(res.status, path).toBe(409);
      expect(res.body.error.details).toContainEqual({
        field: 'business_hours',
        message: `Routing target of business hours "${owner}"`,
        used_by: { type: 'business_hours', id: ownerId, name: owner },
      });
      expect((await org.owner.get(path)).status).toBe(200);
    }

    // Once the business hours point elsewhere (or are gone), the targets can go.
    expect(
      (
        await org.owner.patch(`/business-hours/${hours.id}`, {
          open_hours_routing: { type: 'extension', extension_id: t.ext },
          closed_hours_routing: { type: 'hangup' },
        })
      ).status,
    ).toBe(200);
    expect((await org.owner.delete(`/business-hours/${other2.id}`)).status).toBe(204);
    expect((await org.owner.delete(`/ring-groups/${group}`)).status).toBe(204);
    expect((await org.owner.delete(`/extensions/${mailbox}`)).status).toBe(204);
    expect((await org.owner.delete(`/extensions/${ext}`)).status).toBe(204);
  });
});

describe('open now', () => {
  const yesterdayTodayTomorrow = () =>
    [-1, 0, 1].map((d) => ({ date: new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10), name: `Holiday ${d}` }));

  it('is open around the clock with 24/7 ranges and closed with none, in any zone', async () => {
    for (const timezone of ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles', 'Australia/Sydney']) {
      const open = await create(org.owner, { timezone, schedules: allWeek, holidays: [] });
      expect(open, timezone).toMatchObject({ is_open_now: true, current_status: 'open' });
      const closed = await create(org.owner, { timezone, schedules: [], holidays: [] });
      expect(closed, timezone).toMatchObject({ is_open_now: false, current_status: 'closed' });
      expect((await org.agent.get(`/business-hours/${open.id}`)).body).toMatchObject({ is_open_now: true, current_status: 'open' });
      expect((await org.agent.get(`/business-hours/${closed.id}`)).body).toMatchObject({ is_open_now: false, current_status: 'closed' });
    }
  });

  it('a holiday on today’s date closes even a 24/7 schedule, and removing it reopens', async () => {
    // UTC yesterday, today and tomorrow: whatever the instant, today's date in UTC is among them.
    const hours = await create(org.owner, { timezone: 'UTC', schedules: allWeek, holidays: yesterdayTodayTomorrow() });
    expect(hours).toMatchObject({ is_open_now: false, current_status: 'closed' });
    const reopened = await org.owner.patch(`/business-hours/${hours.id}`, { holidays: [] });
    expect(reopened.body).toMatchObject({ is_open_now: true, current_status: 'open' });
    const list = await org.owner.get(`/business-hours?search=${encodeURIComponent(hours.name)}`);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ id: hours.id, is_open_now: true, current_status: 'open' });
  });
});

describe('roles and tenancy', () => {
  it('agents can read but not write', async () => {
    const hours = await create(org.admin);
    expect((await org.agent.get('/business-hours')).status).toBe(200);
    expect((await org.agent.get(`/business-hours/${hours.id}`)).status).toBe(200);
    const before = await rowCount(org.organizationId);
    const post = await org.agent.post('/business-hours', validBody());
    expect(post.status).toBe(403);
    expect(post.body.error.code).toBe('FORBIDDEN');
    expect((await org.agent.patch(`/business-hours/${hours.id}`, { name: 'Agent was here' })).status).toBe(403);
    expect((await org.agent.delete(`/business-hours/${hours.id}`)).status).toBe(403);
    expect(await rowCount(org.organizationId)).toBe(before);
    expect((await org.owner.get(`/business-hours/${hours.id}`)).body.name).toBe(hours.name);
  });

  it('requires authentication', async () => {
    expect((await org.anon.get('/business-hours')).status).toBe(401);
    expect((await org.anon.post('/business-hours', validBody())).status).toBe(401);
  });

  it('another organization’s id (or a malformed one) is 404 everywhere', async () => {
    const mine = await create(org.owner);
    for (const id of [mine.id, 'not-a-uuid', '01900000-0000-7000-8000-000000000000']) {
      expect((await other.owner.get(`/business-hours/${id}`)).status).toBe(404);
      const patch = await other.owner.patch(`/business-hours/${id}`, { name: 'Hijacked' });
      expect(patch.status).toBe(404);
      expect(patch.body.error.code).toBe('NOT_FOUND');
      expect((await other.owner.delete(`/business-hours/${id}`)).status).toBe(404);
    }
    expect((await other.owner.get('/business-hours')).body.data.map((h: { id: string }) => h.id)).not.toContain(mine.id);
    expect((await org.owner.get(`/business-hours/${mine.id}`)).body.name).toBe(mine.name);
  });
});
