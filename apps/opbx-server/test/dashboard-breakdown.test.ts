import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestOrg, type TestOrg } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { insertCallLogs, type SeedCall } from './support/telephony.js';

let server: TestServer;
let org: TestOrg;
let other: TestOrg;
let ext401: string;
let sales: string;
let support: string;
let agentName: string;

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const seed = (o: TestOrg, calls: Array<Omit<SeedCall, 'organization_id'>>) =>
  insertCallLogs(
    server.ctx,
    calls.map((c) => ({ organization_id: o.organizationId, ...c })),
  );

beforeAll(async () => {
  server = await createTestServer();
  org = await createTestOrg(server.app, server.ctx, 'Breakdown Org');
  other = await createTestOrg(server.app, server.ctx, 'Other Org');
  ext401 = (await org.owner.post('/extensions', { extension_number: '401', type: 'virtual' })).body.id;
  const group = (name: string) =>
    org.owner.post('/ring-groups', { name, strategy: 'simultaneous', members: [{ extension_id: org.agentExtensionId, priority: 1 }] });
  sales = (await group('Sales')).body.id;
  support = (await group('Support')).body.id;
  agentName = (await org.agent.get('/auth/me')).body.name;
  const agent = org.agentExtensionId;
  await seed(org, [
    // The agent's extension (300), in the last hour.
    { created_at: ago(5), extension_id: agent, ring_group_id: sales, status: 'completed', duration: 60 },
    { created_at: ago(6), extension_id: agent, status: 'completed', duration: 90 },
    { created_at: ago(7), extension_id: agent, status: 'no_answer', duration: 0 },
    { created_at: ago(8), extension_id: agent, status: 'no_answer', outcome: 'voicemail', duration: 20 },
    { created_at: ago(9), extension_id: agent, status: 'ringing' },
    // Two days ago: in the 7-day window only. Forty days ago: in none.
    { created_at: ago(2 * 24 * 60), extension_id: agent, status: 'completed', duration: 200 },
    { created_at: ago(40 * 24 * 60), extension_id: agent, status: 'completed', duration: 999 },
    // Extension 401.
    { created_at: ago(10), extension_id: ext401, ring_group_id: sales, status: 'completed', duration: 30 },
    { created_at: ago(11), extension_id: ext401, status: 'busy', duration: 0 },
    // A Sales call nobody took: the group's miss, nobody's in particular.
    { created_at: ago(12), ring_group_id: sales, status: 'no_answer', duration: 0 },
    // A call to no extension and no group counts for neither table.
    { created_at: ago(13), status: 'completed', duration: 500 },
  ]);
  // Another organization's calls, even on the same window, never count here.
  await seed(other, [
    { created_at: ago(5), extension_id: other.agentExtensionId, status: 'completed', duration: 1000 },
    { created_at: ago(5), extension_id: other.agentExtensionId, status: 'busy' },
  ]);
});
afterAll(() => server?.close());

describe('GET /dashboard/agents', () => {
  it('counts calls, answered, missed and average talk per extension over the period, with hand-computed figures', async () => {
    const day = await org.owner.get('/dashboard/agents');
    expect(day.status).toBe(200);
    expect(day.body).toEqual({
      period: 'day',
      timezone: 'UTC',
      data: [
        // 5 calls: 2 answered (60 s, 90 s → 75 s), 2 missed (no answer, voicemail), 1 still ringing.
        { extension_id: org.agentExtensionId, extension_number: '300', name: agentName, calls: 5, answered: 2, missed: 2, average_talk_time: 75 },
        { extension_id: ext401, extension_number: '401', name: null, calls: 2, answered: 1, missed: 1, average_talk_time: 30 },
      ],
    });
    expect(typeof agentName).toBe('string');
    const week = await org.owner.get('/dashboard/agents?period=week');
    // (60 + 90 + 200) / 3 = 116.67 → 117
    expect(week.body.data[0]).toMatchObject({ extension_number: '300', calls: 6, answered: 3, missed: 2, average_talk_time: 117 });
    const month = await org.admin.get('/dashboard/agents?period=month');
    expect(month.body.data.map((r: any) => [r.extension_number, r.calls])).toEqual([
      ['300', 6],
      ['401', 2],
    ]);
  });

  it('shows an agent only their own extension', async () => {
    const res = await org.agent.get('/dashboard/agents');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { extension_id: org.agentExtensionId, extension_number: '300', name: agentName, calls: 5, answered: 2, missed: 2, average_talk_time: 75 },
    ]);
  });

  it('keeps each organization to itself, lists idle extensions with zeros, and validates the period', async () => {
    const res = await other.owner.get('/dashboard/agents');
    expect(res.body.data).toEqual([
      { extension_id: other.agentExtensionId, extension_number: '300', name: expect.any(String), calls: 2, answered: 1, missed: 1, average_talk_time: 1000 },
    ]);
    const fresh = await createTestOrg(server.app, server.ctx, 'Quiet Org');
    expect((await fresh.owner.get('/dashboard/agents')).body.data).toEqual([
      { extension_id: fresh.agentExtensionId, extension_number: '300', name: expect.any(String), calls: 0, answered: 0, missed: 0, average_talk_time: 0 },
    ]);
    for (const period of ['year', '', 'DAY']) {
      const bad = await org.owner.get(`/dashboard/agents?period=${period}`);
      expect(bad.status, period).toBe(422);
      expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await org.anon.get('/dashboard/agents')).status).toBe(401);
  });

  it('shows an agent without an extension no figures at all (not the organization’s)', async () => {
    const lone = await createTestOrg(server.app, server.ctx, 'Lone Org');
    await seed(lone, [{ created_at: ago(5), extension_id: lone.agentExtensionId, status: 'completed', duration: 10 }]);
    expect((await lone.owner.patch(`/extensions/${lone.agentExtensionId}`, { user_id: null })).status).toBe(200);
    expect((await lone.agent.get('/dashboard/agents')).body.data).toEqual([]);
    expect((await lone.agent.get('/dashboard/ring-groups')).body.data).toEqual([]);
    expect((await lone.owner.get('/dashboard/agents')).body.data).toMatchObject([{ extension_id: lone.agentExtensionId, calls: 1, name: null }]);
  });

  it('counts in the organization’s time zone: the window starts at a local hour', async () => {
    const tz = 'Asia/Kolkata';
    const zoned = await createTestOrg(server.app, server.ctx, 'Kolkata Org');
    expect((await zoned.owner.patch('/organization', { timezone: tz })).status).toBe(200);
    // The week window starts at local midnight six days ago: a minute before it is out, a minute after is in.
    const start = DateTime.now().setZone(tz).startOf('day').minus({ days: 6 });
    await seed(zoned, [
      { created_at: start.minus({ minutes: 1 }).toUTC().toISO()!, extension_id: zoned.agentExtensionId, status: 'completed', duration: 10 },
      { created_at: start.plus({ minutes: 1 }).toUTC().toISO()!, extension_id: zoned.agentExtensionId, status: 'completed', duration: 20 },
    ]);
    const res = await zoned.owner.get('/dashboard/agents?period=week');
    expect(res.body.timezone).toBe(tz);
    expect(res.body.data[0]).toMatchObject({ calls: 1, answered: 1, average_talk_time: 20 });
  });
});

describe('GET /dashboard/ring-groups', () => {
  it('counts each group’s calls, managers see every group', async () => {
    const res = await org.owner.get('/dashboard/ring-groups');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      period: 'day',
      timezone: 'UTC',
      data: [
        // 3 calls: 300 answered 60 s, 401 answered 30 s (→ 45 s), one nobody took.
        { ring_group_id: sales, name: 'Sales', calls: 3, answered: 2, missed: 1, average_talk_time: 45 },
        { ring_group_id: support, name: 'Support', calls: 0, answered: 0, missed: 0, average_talk_time: 0 },
      ],
    });
  });

  it('shows an agent the groups of their own calls, counting only those', async () => {
    const res = await org.agent.get('/dashboard/ring-groups?period=week');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ ring_group_id: sales, name: 'Sales', calls: 1, answered: 1, missed: 0, average_talk_time: 60 }]);
  });

  it('keeps each organization to itself and validates the period', async () => {
    expect((await other.owner.get('/dashboard/ring-groups')).body.data).toEqual([]);
    expect((await org.owner.get('/dashboard/ring-groups?period=1')).status).toBe(422);
    expect((await org.anon.get('/dashboard/ring-groups')).status).toBe(401);
  });
});
