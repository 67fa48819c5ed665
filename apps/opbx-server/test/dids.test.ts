import { newId, nowIso } from '@opbx/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Api, createTestOrg, type TestOrg } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';

let server: TestServer;
let a: TestOrg;
let b: TestOrg;
/** Targets in org A (active unless named otherwise) and in org B. */
const t = {} as Record<'ext' | 'ext2' | 'extOff' | 'rg' | 'rgOff' | 'bh' | 'extB' | 'rgB' | 'bhB', string>;

// Each test file has its own database, so sequential numbers are unique without randomness.
let seq = 1000;
const nextNumber = () => `+1555${String(++seq).padStart(7, '0')}`;

async function createExtension(api: Api, number: string, status: 'active' | 'inactive' = 'active'): Promise<string> {
  const res = await api.post('/extensions', { extension_number: number, type: 'virtual', status });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** Rows inserted directly, so these tests do not depend on the ring-group and business-hours validation rules. */
async function insertRingGroup(organizationId: string, name: string, status: 'active' | 'inactive' = 'active'): Promise<string> {
  const id = newId();
  const now = nowIso();
  await server.ctx.db
    .insertInto('ring_groups')
    .values({
      id,
      organization_id: organizationId,
      name,
      strategy: 'simultaneous',
      timeout: 30,
      fallback_type: null,
      fallback_extension_id: null,
      status,
      rotation: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

async function insertBusinessHours(organizationId: string, name: string, extensionId: string): Promise<string> {
  const id = newId();
  const now = nowIso();
  await server.ctx.db
    .insertInto('business_hours')
    .values({
      id,
      organization_id: organizationId,
      name,
      timezone: 'UTC',
      schedules: JSON.stringify([{ day_of_week: 1, open_time: '09:00', close_time: '17:00' }]),
      holidays: '[]',
      open_type: 'extension',
      open_extension_id: extensionId,
      open_ring_group_id: null,
      closed_type: 'hangup',
      closed_extension_id: null,
      closed_ring_group_id: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

const didCount = async (organizationId?: string) => {
  const row = await server.ctx.db
    .selectFrom('dids')
    .$if(Boolean(organizationId), (q) => q.where('organization_id', '=', organizationId!))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
};

const storedRow = (id: string) => server.ctx.db.selectFrom('dids').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const configVersion = async (organizationId: string) =>
  Number((await server.ctx.db.selectFrom('config_versions').select('version').where('organization_id', '=', organizationId).executeTakeFirst())?.version ?? 0);

type Detail = { field: string; message: string };
const fields = (body: any): string[] => (body?.error?.details ?? []).map((d: Detail) => d.field);

/**
 * Whether the error names `field`. An unknown key may be reported on its parent with the key
 * quoted in the message (how the platform's error handler currently renders zod's unrecognized_keys).
 */
function names(body: any, field: string): boolean {
  const details: Detail[] = body?.error?.details ?? [];
  const parent = field.includes('.') ? field.slice(0, field.lastIndexOf('.')) : 'body';
  const leaf = field.slice(field.lastIndexOf('.') + 1);
  return details.some((d) => d.field === field || (d.field === parent && d.message.includes(`"${leaf}"`)));
}

async function createDid(api: Api, body: Record<string, unknown>) {
  const res = await api.post('/dids', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const extensionDid = (extra: Record<string, unknown> = {}) => ({
  phone_number: nextNumber(),
  routing_type: 'extension',
  routing_config: { extension_id: t.ext },
  ...extra,
});

beforeAll(async () => {
  server = await createTestServer();
  a = await createTestOrg(server.app, server.ctx, 'DID Org A');
  b = await createTestOrg(server.app, server.ctx, 'DID Org B');
  t.ext = await createExtension(a.owner, '401');
  t.ext2 = await createExtension(a.owner, '402');
  t.extOff = await createExtension(a.owner, '403', 'inactive');
  t.rg = await insertRingGroup(a.organizationId, 'Sales');
  t.rgOff = await insertRingGroup(a.organizationId, 'Retired', 'inactive');
  t.bh = await insertBusinessHours(a.organizationId, 'Office', t.ext);
  t.extB = await createExtension(b.owner, '401');
  t.rgB = await insertRingGroup(b.organizationId, 'Sales');
  t.bhB = await insertBusinessHours(b.organizationId, 'Office', t.extB);
});
afterAll(() => server.close());

describe('DIDs: CRUD', () => {
  it('creates, reads, lists, updates and deletes a DID, bumping the config version on each write', async () => {
    const v0 = await configVersion(a.organizationId);
    const phone = nextNumber();
    const created = await a.owner.post('/dids', {
      phone_number: phone,
      friendly_name: '  Main line ',
      routing_type: 'extension',
      routing_config: { extension_id: t.ext, fallback_extension_id: t.ext2 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      organization_id: a.organizationId,
      phone_number: phone,
      friendly_name: 'Main line',
      routing_type: 'extension',
      routing_config: { extension_id: t.ext, fallback_extension_id: t.ext2 },
      status: 'active',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body.id;
    expect(await configVersion(a.organizationId)).toBe(v0 + 1);

    const fetched = await a.owner.get(`/dids/${id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);

    const listed = await a.owner.get(`/dids?search=${encodeURIComponent(phone)}`);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([created.body]);
    expect(listed.body.meta).toMatchObject({ total: 1, current_page: 1, has_more: false, next_cursor: null });

    const updated = await a.admin.patch(`/dids/${id}`, { friendly_name: 'Front desk', status: 'inactive' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, phone_number: phone, friendly_name: 'Front desk', status: 'inactive', routing_type: 'extension' });
    expect(updated.body.routing_config).toEqual({ extension_id: t.ext, fallback_extension_id: t.ext2 });
    expect(updated.body.updated_at >= created.body.updated_at).toBe(true);
    expect((await a.owner.get(`/dids/${id}`)).body).toEqual(updated.body);
    expect(await configVersion(a.organizationId)).toBe(v0 + 2);

    const deleted = await a.owner.delete(`/dids/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await a.owner.get(`/dids/${id}`)).status).toBe(404);
    expect((await a.owner.delete(`/dids/${id}`)).status).toBe(404);
    expect(await server.ctx.db.selectFrom('dids').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect(await configVersion(a.organizationId)).toBe(v0 + 3);
  });

  it('omits optional parts that are not set; an empty friendly name is no name', async () => {
    const did = await createDid(a.owner, extensionDid({ friendly_name: '   ' }));
    expect(did).not.toHaveProperty('friendly_name');
    expect(did).not.toHaveProperty('cloudonix_config');
    expect(did.routing_config).toEqual({ extension_id: t.ext });
    const cleared = await a.owner.patch(`/dids/${did.id}`, { friendly_name: 'Named' });
    expect(cleared.body.friendly_name).toBe('Named');
    const again = await a.owner.patch(`/dids/${did.id}`, { friendly_name: null });
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('friendly_name');
  });

  it('shows cloudonix_config read-only, with only the keys that are set', async () => {
    const did = await createDid(a.owner, extensionDid());
    await server.ctx.db.updateTable('dids').set({ cloudonix_dnid: '15550001111' }).where('id', '=', did.id).execute();
    expect((await a.owner.get(`/dids/${did.id}`)).body.cloudonix_config).toEqual({ dnid: '15550001111' });
    await server.ctx.db.updateTable('dids').set({ cloudonix_voice_application_id: 'va-1' }).where('id', '=', did.id).execute();
    expect((await a.agent.get(`/dids/${did.id}`)).body.cloudonix_config).toEqual({ dnid: '15550001111', voice_application_id: 'va-1' });

    const write = await a.owner.patch(`/dids/${did.id}`, { cloudonix_config: { dnid: 'x' } });
    expect(write.status).toBe(422);
    expect(names(write.body, 'cloudonix_config')).toBe(true);
    expect((await storedRow(did.id)).cloudonix_dnid).toBe('15550001111');
  });
});

describe('DIDs: phone number rules', () => {
  it('normalizes what people type to E.164', async () => {
    const did = await createDid(a.owner, extensionDid({ phone_number: '+1 (555) 010-2030' }));
    expect(did.phone_number).toBe('+15550102030');
    expect((await storedRow(did.id)).phone_number).toBe('+15550102030');
    const dotted = await createDid(a.owner, extensionDid({ phone_number: '+44.20.7946.0958' }));
    expect(dotted.phone_number).toBe('+442079460958');
  });

  it.each([
    ['no plus sign', '15550102031'],
    ['leading zero', '+05550102031'],
    ['too short', '+1234567'],
    ['too long', '+1234567890123456'],
    ['letters', '+1555CALLNOW'],
    ['empty', ''],
    ['not a string', 15550102031],
  ])('rejects a phone number with %s (422 on phone_number, nothing written)', async (_label, phone) => {
    const before = await didCount();
    const res = await a.owner.post('/dids', extensionDid({ phone_number: phone }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(fields(res.body)).toContain('phone_number');
    expect(await didCount()).toBe(before);
  });

  it('is unique across all organizations (409 on phone_number)', async () => {
    const phone = nextNumber();
    await createDid(a.owner, extensionDid({ phone_number: phone }));
    const before = await didCount();
    const formatted = `${phone.slice(0, 2)} (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    const other = await b.owner.post('/dids', { phone_number: formatted, routing_type: 'extension', routing_config: { extension_id: t.extB } });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'CONFLICT', details: [{ field: 'phone_number', message: expect.any(String) }] });
    const same = await a.admin.post('/dids', extensionDid({ phone_number: phone }));
    expect(same.status).toBe(409);
    expect(fields(same.body)).toEqual(['phone_number']);
    expect(await didCount()).toBe(before);
  });

  it('lets the database arbitrate concurrent creates of one number: exactly one wins', async () => {
    const phone = nextNumber();
    const results = await Promise.all([
      a.owner.post('/dids', extensionDid({ phone_number: phone })),
      b.owner.post('/dids', { phone_number: phone, routing_type: 'extension', routing_config: { extension_id: t.extB } }),
      a.admin.post('/dids', extensionDid({ phone_number: phone })),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const rows = await server.ctx.db.selectFrom('dids').select('id').where('phone_number', '=', phone).execute();
    expect(rows).toHaveLength(1);
  });

  it('cannot be changed after creation, not even to the same value', async () => {
    const did = await createDid(a.owner, extensionDid());
    for (const body of [{ phone_number: nextNumber() }, { phone_number: did.phone_number }, { phone_number: nextNumber(), friendly_name: 'x' }]) {
      const res = await a.owner.patch(`/dids/${did.id}`, body);
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([{ field: 'phone_number', message: expect.stringContaining('cannot be changed') }]);
    }
    const row = await storedRow(did.id);
    expect(row.phone_number).toBe(did.phone_number);
    expect(row.friendly_name).toBeNull();
  });
});

describe('DIDs: routing', () => {
  const cases = [
    { type: 'extension', field: 'extension_id', valid: () => t.ext, wrongOrg: () => t.extB, inactive: () => t.extOff },
    { type: 'ring_group', field: 'ring_group_id', valid: () => t.rg, wrongOrg: () => t.rgB, inactive: () => t.rgOff },
    { type: 'business_hours', field: 'business_hours_id', valid: () => t.bh, wrongOrg: () => t.bhB, inactive: null },
    { type: 'voicemail', field: 'extension_id', valid: () => t.ext, wrongOrg: () => t.extB, inactive: () => t.extOff },
  ] as const;

  describe.each(cases)('routing_type $type', ({ type, field, valid, wrongOrg }) => {
    const post = (config: Record<string, unknown>) => a.owner.post('/dids', { phone_number: nextNumber(), routing_type: type, routing_config: config });

    it('accepts an active target of the organization and stores only that id', async () => {
      const res = await post({ [field]: valid() });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.routing_type).toBe(type);
      expect(res.body.routing_config).toEqual({ [field]: valid() });
      const row = await storedRow(res.body.id);
      const columns = { extension_id: row.extension_id, ring_group_id: row.ring_group_id, business_hours_id: row.business_hours_id };
      expect(columns).toEqual({ extension_id: null, ring_group_id: null, business_hours_id: null, [field]: valid() });
    });

    it(type === 'voicemail' ? 'without an extension: the general mailbox (what the seed form sends)' : 'requires the matching id', async () => {
      const before = await didCount();
      for (const config of [{}, { [field]: null }]) {
        const res = await post(config);
        if (type === 'voicemail') {
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          expect(res.body.routing_config[field]).toBeUndefined();
          continue;
        }
        expect(res.status).toBe(422);
        expect(res.body.error.details).toEqual([{ field: `routing_config.${field}`, message: expect.stringContaining('required') }]);
      }
      expect(await didCount()).toBe(before + (type === 'voicemail' ? 2 : 0));
    });

    it('treats an id of another organization as nonexistent', async () => {
      const before = await didCount();
      const res = await post({ [field]: wrongOrg() });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([{ field: `routing_config.${field}`, message: expect.stringMatching(/not exist/) }]);
      const unknown = await post({ [field]: newId() });
      expect(unknown.status).toBe(422);
      expect(fields(unknown.body)).toEqual([`routing_config.${field}`]);
      expect(await didCount()).toBe(before);
    });
  });

  // Business hours have no status, so only the other three can be inactive.
  it.each(cases.filter((c) => c.inactive))('rejects an inactive target for routing_type $type', async ({ type, field, inactive }) => {
    const res = await a.owner.post('/dids', { phone_number: nextNumber(), routing_type: type, routing_config: { [field]: inactive!() } });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ field: `routing_config.${field}`, message: expect.stringContaining('inactive') }]);
  });

  it('drops ids that do not belong to the routing type', async () => {
    const res = await a.owner.post('/dids', {
      phone_number: nextNumber(),
      routing_type: 'ring_group',
      routing_config: { ring_group_id: t.rg, extension_id: t.ext, business_hours_id: t.bh },
    });
    expect(res.status).toBe(201);
    expect(res.body.routing_config).toEqual({ ring_group_id: t.rg });
    const row = await storedRow(res.body.id);
    expect([row.extension_id, row.ring_group_id, row.business_hours_id]).toEqual([null, t.rg, null]);
  });

  it('validates the fallback extension and trims the voicemail greeting', async () => {
    const ok = await createDid(a.owner, {
      phone_number: nextNumber(),
      routing_type: 'voicemail',
      routing_config: { extension_id: t.ext, fallback_extension_id: t.ext2, voicemail_greeting: '  Please leave a message.\n ' },
    });
    expect(ok.routing_config).toEqual({ extension_id: t.ext, fallback_extension_id: t.ext2, voicemail_greeting: 'Please leave a message.' });

    for (const [fallback, message] of [
      [t.extB, 'not exist'],
      [t.extOff, 'inactive'],
    ] as const) {
      const res = await a.owner.post('/dids', extensionDid({ routing_config: { extension_id: t.ext, fallback_extension_id: fallback } }));
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([{ field: 'routing_config.fallback_extension_id', message: expect.stringContaining(message) }]);
    }
    const long = await a.owner.post('/dids', extensionDid({ routing_config: { extension_id: t.ext, voicemail_greeting: 'x'.repeat(501) } }));
    expect(long.status).toBe(422);
    expect(fields(long.body)).toEqual(['routing_config.voicemail_greeting']);
    const max = await a.owner.post('/dids', extensionDid({ routing_config: { extension_id: t.ext, voicemail_greeting: 'x'.repeat(500) } }));
    expect(max.status).toBe(201);
  });

  it('reports every routing error at once', async () => {
    const res = await a.owner.post('/dids', {
      phone_number: nextNumber(),
      routing_type: 'ring_group',
      routing_config: { ring_group_id: t.rgOff, fallback_extension_id: t.extB },
    });
    expect(res.status).toBe(422);
    expect(fields(res.body).sort()).toEqual(['routing_config.fallback_extension_id', 'routing_config.ring_group_id']);
  });

  it('on PATCH, a new routing type needs its own id; the merged result is validated', async () => {
    const did = await createDid(a.owner, extensionDid({ routing_config: { extension_id: t.ext, fallback_extension_id: t.ext2, voicemail_greeting: 'Hi' } }));

    const missing = await a.owner.patch(`/dids/${did.id}`, { routing_type: 'ring_group' });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toEqual([{ field: 'routing_config.ring_group_id', message: expect.stringContaining('required') }]);
    const foreign = await a.owner.patch(`/dids/${did.id}`, { routing_type: 'ring_group', routing_config: { ring_group_id: t.rgB } });
    expect(foreign.status).toBe(422);
    expect(fields(foreign.body)).toEqual(['routing_config.ring_group_id']);
    const off = await a.owner.patch(`/dids/${did.id}`, { routing_type: 'ring_group', routing_config: { ring_group_id: t.rgOff } });
    expect(off.status).toBe(422);
    expect((await storedRow(did.id)).routing_type).toBe('extension');

    const toGroup = await a.owner.patch(`/dids/${did.id}`, { routing_type: 'ring_group', routing_config: { ring_group_id: t.rg } });
    expect(toGroup.status).toBe(200);
    // The old extension target is gone; fallback and greeting are kept (routing_config merges).
    expect(toGroup.body.routing_config).toEqual({ ring_group_id: t.rg, fallback_extension_id: t.ext2, voicemail_greeting: 'Hi' });
    expect((await storedRow(did.id)).extension_id).toBeNull();

    const toHours = await a.owner.patch(`/dids/${did.id}`, { routing_type: 'business_hours' });
    expect(toHours.status).toBe(422);
    expect(fields(toHours.body)).toEqual(['routing_config.business_hours_id']);

    const toVoicemail = await a.owner.patch(`/dids/${did.id}`, {
      routing_type: 'voicemail',
      routing_config: { extension_id: t.ext2, fallback_extension_id: null },
    });
    expect(toVoicemail.status).toBe(200);
    expect(toVoicemail.body.routing_config).toEqual({ extension_id: t.ext2, voicemail_greeting: 'Hi' });

    const greeting = await a.owner.patch(`/dids/${did.id}`, { routing_config: { voicemail_greeting: 'Leave a message' } });
    expect(greeting.body.routing_config).toEqual({ extension_id: t.ext2, voicemail_greeting: 'Leave a message' });
    const row = await storedRow(did.id);
    expect([row.routing_type, row.extension_id, row.ring_group_id, row.fallback_extension_id]).toEqual(['voicemail', t.ext2, null, null]);
  });

  it('on PATCH, an untouched target is not re-checked, so a DID whose target was deactivated can still be switched off', async () => {
    const extension = await createExtension(a.owner, '450');
    const did = await createDid(a.owner, extensionDid({ routing_config: { extension_id: extension } }));
    expect((await a.owner.patch(`/extensions/${extension}`, { status: 'inactive' })).status).toBe(200);
    const off = await a.owner.patch(`/dids/${did.id}`, { status: 'inactive' });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('inactive');
    // Switching to voicemail on the same (now inactive) extension is a new use of it: checked.
    const reuse = await a.owner.patch(`/dids/${did.id}`, { routing_type: 'voicemail', routing_config: { extension_id: extension } });
    expect(reuse.status).toBe(422);
    expect(reuse.body.error.details).toEqual([{ field: 'routing_config.extension_id', message: expect.stringContaining('inactive') }]);
    // Switching the type without naming a target does not carry the old one over: voicemail names no
    // extension, so the general mailbox takes the calls.
    const general = await a.owner.patch(`/dids/${did.id}`, { routing_type: 'voicemail' });
    expect(general.status).toBe(200);
    expect(general.body.routing_config.extension_id).toBeUndefined();
  });
});

describe('DIDs: listing', () => {
  const pageNumbers: string[] = [];

  beforeAll(async () => {
    for (let i = 1; i <= 25; i++) {
      // Created out of order, so the phone_number sort is really exercised.
      const phone = `+1777${String(((i * 7) % 25) + 100).padStart(7, '0')}`;
      pageNumbers.push(phone);
      await createDid(a.owner, {
        phone_number: phone,
        friendly_name: `Pager ${i}`,
        routing_type: i % 5 === 0 ? 'ring_group' : 'extension',
        routing_config: i % 5 === 0 ? { ring_group_id: t.rg } : { extension_id: t.ext },
        status: i % 3 === 0 ? 'inactive' : 'active',
      });
    }
    pageNumbers.sort();
  });

  it('walks every cursor page once, in phone_number order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await a.agent.get(`/dids?search=pager&per_page=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.meta.total).toBe(25);
      seen.push(...res.body.data.map((d: { phone_number: string }) => d.phone_number));
      cursor = res.body.meta.next_cursor;
      expect(res.body.meta.has_more).toBe(cursor !== null);
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual(pageNumbers);
  });

  it('pages by number with the spec meta', async () => {
    const res = await a.owner.get('/dids?search=PAGER&per_page=10&page=2');
    expect(res.status).toBe(200);
    expect(res.body.meta).toMatchObject({ current_page: 2, per_page: 10, total: 25, last_page: 3, from: 11, to: 20, has_more: true });
    expect(res.body.data.map((d: { phone_number: string }) => d.phone_number)).toEqual(pageNumbers.slice(10, 20));
    const last = await a.owner.get('/dids?search=pager&per_page=10&page=3');
    expect(last.body.meta).toMatchObject({ from: 21, to: 25, has_more: false, next_cursor: null });
    const beyond = await a.owner.get('/dids?search=pager&per_page=10&page=9');
    expect(beyond.body.data).toEqual([]);
  });

  it('filters by status and routing_type', async () => {
    const inactive = await a.owner.get('/dids?search=pager&status=inactive&per_page=100');
    expect(inactive.body.meta.total).toBe(8);
    expect(inactive.body.data.every((d: { status: string }) => d.status === 'inactive')).toBe(true);
    const groups = await a.owner.get('/dids?search=pager&routing_type=ring_group&per_page=100');
    expect(groups.body.meta.total).toBe(5);
    expect(groups.body.data.every((d: { routing_type: string }) => d.routing_type === 'ring_group')).toBe(true);
    const both = await a.owner.get('/dids?search=pager&routing_type=ring_group&status=inactive');
    expect(both.body.data.map((d: { friendly_name: string }) => d.friendly_name).sort()).toEqual(['Pager 15']);
  });

  it('searches the number (as people type it) and the friendly name', async () => {
    const byName = await a.owner.get('/dids?search=pager%2012');
    expect(byName.body.data.map((d: { friendly_name: string }) => d.friendly_name)).toEqual(['Pager 12']);
    const target = pageNumbers[3]!;
    const digits = target.slice(-7);
    const typed = `${digits.slice(0, 3)}-${digits.slice(3)}`;
    const byNumber = await a.owner.get(`/dids?search=${encodeURIComponent(typed)}`);
    expect(byNumber.body.data.map((d: { phone_number: string }) => d.phone_number)).toEqual([target]);
    const full = await a.owner.get(`/dids?search=${encodeURIComponent(target)}`);
    expect(full.body.data).toHaveLength(1);
    const literal = await a.owner.get('/dids?search=%25');
    expect(literal.body.meta.total).toBe(0);
  });

  it('never lists another organization’s numbers', async () => {
    const res = await b.owner.get('/dids?search=pager');
    expect(res.body.meta.total).toBe(0);
    const all = await b.owner.get('/dids?per_page=100');
    expect(all.body.data.every((d: { organization_id: string }) => d.organization_id === b.organizationId)).toBe(true);
  });

  it.each([
    ['status=paused', 'status'],
    ['routing_type=ivr', 'routing_type'],
    ['per_page=1000', 'per_page'],
    ['page=0', 'page'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('rejects the query %s with 422 on %s', async (query, field) => {
    const res = await a.owner.get(`/dids?${query}`);
    expect(res.status).toBe(422);
    expect(fields(res.body)).toContain(field);
  });
});

describe('DIDs: roles and tenancy', () => {
  it('lets every role read and only owners and admins write', async () => {
    const did = await createDid(a.owner, extensionDid());
    expect((await a.agent.get('/dids')).status).toBe(200);
    expect((await a.agent.get(`/dids/${did.id}`)).body).toEqual(did);

    const before = await didCount();
    for (const res of [
      await a.agent.post('/dids', extensionDid()),
      await a.agent.patch(`/dids/${did.id}`, { friendly_name: 'Agent was here' }),
      await a.agent.delete(`/dids/${did.id}`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect(await didCount()).toBe(before);
    expect((await storedRow(did.id)).friendly_name).toBeNull();

    const byAdmin = await a.admin.post('/dids', extensionDid());
    expect(byAdmin.status).toBe(201);
    expect((await a.admin.patch(`/dids/${byAdmin.body.id}`, { status: 'inactive' })).status).toBe(200);
    expect((await a.admin.delete(`/dids/${byAdmin.body.id}`)).status).toBe(204);
  });

  it('requires authentication', async () => {
    expect((await a.anon.get('/dids')).status).toBe(401);
    expect((await a.anon.post('/dids', extensionDid())).status).toBe(401);
  });

  it('answers 404 for another organization’s DID and for ids that are not ids', async () => {
    const did = await createDid(a.owner, extensionDid({ friendly_name: 'Mine' }));
    for (const res of [
      await b.owner.get(`/dids/${did.id}`),
      await b.owner.patch(`/dids/${did.id}`, { friendly_name: 'Stolen' }),
      await b.owner.delete(`/dids/${did.id}`),
      await a.owner.get('/dids/not-a-uuid'),
      await a.owner.patch(`/dids/${newId()}`, { friendly_name: 'Ghost' }),
      await a.owner.delete('/dids/123'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const row = await storedRow(did.id);
    expect(row.friendly_name).toBe('Mine');
  });
});

describe('DIDs: bad bodies', () => {
  // Bodies are built lazily: the targets exist only once beforeAll has run.
  const valid = (extra: Record<string, unknown>) => () => extensionDid(extra);
  const without = (key: string) => () => Object.fromEntries(Object.entries(extensionDid()).filter(([k]) => k !== key));
  it.each([
    ['an unknown top-level field', valid({ organization_id: 'x' }), 'organization_id'],
    ['a read-only field', valid({ cloudonix_config: { dnid: '1' } }), 'cloudonix_config'],
    ['an unknown routing key', () => extensionDid({ routing_config: { extension_id: t.ext, ivr_menu_id: t.ext } }), 'routing_config.ivr_menu_id'],
    ['a malformed id', valid({ routing_config: { extension_id: 'abc' } }), 'routing_config.extension_id'],
    ['no routing_type', without('routing_type'), 'routing_type'],
    ['an unknown routing_type', valid({ routing_type: 'ivr' }), 'routing_type'],
    ['no routing_config', without('routing_config'), 'routing_config'],
    ['no phone_number', without('phone_number'), 'phone_number'],
    ['a long friendly_name', valid({ friendly_name: 'n'.repeat(256) }), 'friendly_name'],
    ['a friendly_name with control characters', valid({ friendly_name: 'bad\u0007name' }), 'friendly_name'],
    ['an unknown status', valid({ status: 'paused' }), 'status'],
  ])('POST with %s is a 422 naming the field, nothing written', async (_label, body, field) => {
    const before = await didCount();
    const res = await a.owner.post('/dids', body());
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(names(res.body, field), JSON.stringify(res.body.error.details)).toBe(true);
    expect(await didCount()).toBe(before);
  });

  it('rejects non-JSON and empty bodies without a 500', async () => {
    const before = await didCount();
    const broken = await a.owner.request('POST', '/dids', '{"phone_number":');
    expect(broken.status).toBe(422);
    expect(fields(broken.body)).toEqual(['body']);
    const empty = await a.owner.request('POST', '/dids', '', { 'content-type': 'application/json' });
    expect(empty.status).toBe(422);
    const array = await a.owner.post('/dids', []);
    expect(array.status).toBe(422);
    expect(await didCount()).toBe(before);
  });

  it('PATCH with bad fields is a 422 and changes nothing', async () => {
    const did = await createDid(a.owner, extensionDid({ friendly_name: 'Keep' }));
    for (const [body, field] of [
      [{ routing_type: 'fax' }, 'routing_type'],
      [{ status: 'gone' }, 'status'],
      [{ routing_config: { extension_id: 42 } }, 'routing_config.extension_id'],
      [{ routing_config: { voicemail_greeting: 'g'.repeat(501) } }, 'routing_config.voicemail_greeting'],
      [{ extension_id: t.ext2 }, 'extension_id'],
      [{ organization_id: b.organizationId }, 'organization_id'],
    ] as const) {
      const res = await a.owner.patch(`/dids/${did.id}`, body);
      expect(res.status).toBe(422);
      expect(names(res.body, field), JSON.stringify(res.body.error.details)).toBe(true);
    }
    const row = await storedRow(did.id);
    expect(row).toMatchObject({ friendly_name: 'Keep', status: 'active', routing_type: 'extension', extension_id: t.ext, organization_id: a.organizationId });
  });
});

describe('DIDs: targets in use cannot be deleted', () => {
  it('deleting an extension that a DID routes to, or falls back to, is a 409 until the DID is gone', async () => {
    const target = await createExtension(a.owner, '460');
    const fallback = await createExtension(a.owner, '461');
    const mailbox = await createExtension(a.owner, '462');
    const routed = await createDid(a.owner, extensionDid({ routing_config: { extension_id: target, fallback_extension_id: fallback } }));
    const voicemail = await createDid(a.owner, { phone_number: nextNumber(), routing_type: 'voicemail', routing_config: { extension_id: mailbox } });

    for (const [extension, did] of [
      [target, routed],
      [fallback, routed],
      [mailbox, voicemail],
    ] as const) {
      const res = await a.owner.delete(`/extensions/${extension}`);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      expect(res.body.error.details).toContainEqual({
        field: 'dids',
        message: expect.stringContaining(did.phone_number),
        used_by: { type: 'did', id: did.id, name: did.phone_number },
      });
    }
    expect((await a.owner.delete(`/dids/${routed.id}`)).status).toBe(204);
    expect((await a.owner.delete(`/dids/${voicemail.id}`)).status).toBe(204);
    for (const extension of [target, fallback, mailbox]) expect((await a.owner.delete(`/extensions/${extension}`)).status).toBe(204);
  });

  it('deleting an extension another extension forwards to is a 409 naming the forwarding extension', async () => {
    const target = await createExtension(a.owner, '465');
    const forwarder = await a.owner.post('/extensions', { extension_number: '466', type: 'virtual', call_forwarding: { enabled: true, destination: '465' } });
    expect(forwarder.status, JSON.stringify(forwarder.body)).toBe(201);
    const res = await a.owner.delete(`/extensions/${target}`);
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual([
      { field: 'extensions', message: 'Call forwarding destination of extension 466', used_by: { type: 'extension', id: forwarder.body.id, name: '466' } },
    ]);
    expect((await a.owner.delete(`/extensions/${forwarder.body.id}`)).status).toBe(204);
    expect((await a.owner.delete(`/extensions/${target}`)).status).toBe(204);
  });

  it.each([
    ['ring group', 'ring-groups', 'ring_groups', 'ring_group', 'ring_group_id'],
    ['business hours', 'business-hours', 'business_hours', 'business_hours', 'business_hours_id'],
  ] as const)('deleting %s that a DID routes to is a 409 until the DID is gone', async (_label, path, table, type, field) => {
    const target = table === 'ring_groups' ? await insertRingGroup(a.organizationId, 'In use') : await insertBusinessHours(a.organizationId, 'In use', t.ext);
    const did = await createDid(a.owner, { phone_number: nextNumber(), routing_type: type, routing_config: { [field]: target } });
    const res = await a.owner.delete(`/${path}/${target}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(res.body.error.details).toContainEqual({
      field: 'dids',
      message: expect.stringContaining(did.phone_number),
      used_by: { type: 'did', id: did.id, name: did.phone_number },
    });
    await expectRestrictedDelete(table, target);
    expect((await a.owner.delete(`/dids/${did.id}`)).status).toBe(204);
    expect((await a.owner.delete(`/${path}/${target}`)).status).toBe(204);
  });
});

/** The last line of defence: even a raw delete cannot leave a DID pointing at nothing. */
async function expectRestrictedDelete(table: 'ring_groups' | 'business_hours', id: string) {
  let error: unknown;
  try {
    await server.ctx.db.deleteFrom(table).where('id', '=', id).execute();
  } catch (err) {
    error = err;
  }
  // SQLite reports a RESTRICT action as SQLITE_CONSTRAINT_TRIGGER, so match the message, not the code.
  expect(String((error as Error | undefined)?.message)).toMatch(/foreign key/i);
  expect(await server.ctx.db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst()).toBeDefined();
}
