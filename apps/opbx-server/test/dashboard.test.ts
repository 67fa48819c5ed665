import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createTestOrg, randomE164, type TestOrg } from './support/api.js';
import { createEcho, type EchoClient, EventRecorder, type LiveTestServer, startLiveTestServer, subscription } from './support/live.js';
import { createTelephonyOrg, insertCallLogs, type SeedCall, simulateInbound } from './support/telephony.js';

let live: LiveTestServer;
const echoes: EchoClient[] = [];

beforeAll(async () => {
  live = await startLiveTestServer();
});
afterEach(() => {
  for (const e of echoes.splice(0)) e.disconnect();
});
afterAll(() => live?.close());

const newOrg = async (timezone?: string): Promise<TestOrg> => {
  const org = await createTestOrg(live.server.app, live.server.ctx, 'Dashboard Org');
  if (timezone) expect((await org.owner.patch('/organization', { timezone })).status).toBe(200);
  return org;
};
const seed = (org: TestOrg, calls: Array<Omit<SeedCall, 'organization_id'>>) =>
  insertCallLogs(
    live.server.ctx,
    calls.map((c) => ({ organization_id: org.organizationId, ...c })),
  );
const minutes = (n: number) => n * 60_000;

const STATS_KEYS = ['active_calls', 'total_extensions', 'total_dids', 'calls_today', 'calls_this_week', 'calls_this_month', 'average_call_duration'];

describe('GET /dashboard/stats', () => {
  it('counts calls today / this week / this month in the organization’s time zone', async () => {
    for (const timezone of ['America/Los_Angeles', 'Pacific/Auckland', 'Asia/Kolkata']) {
      const org = await newOrg(timezone);
      const local = DateTime.now().setZone(timezone);
      const starts = { day: local.startOf('day'), week: local.startOf('week'), month: local.startOf('month') };
      // One call a minute before and one a minute after each local period start (local midnights).
      const instants = Object.values(starts).flatMap((s) => [s.toMillis() - minutes(1), s.toMillis() + minutes(1)]);
      await seed(
        org,
        instants.map((t) => ({ created_at: new Date(t).toISOString() })),
      );
      const since = (start: DateTime) => instants.filter((t) => t >= start.toMillis()).length;
      const expected = { calls_today: since(starts.day), calls_this_week: since(starts.week), calls_this_month: since(starts.month) };
      // The same count at UTC midnight would differ: the test tells the zones apart.
      expect(instants.filter((t) => t >= DateTime.utc().startOf('day').toMillis()).length, timezone).not.toBe(expected.calls_today);

      const res = await org.owner.get('/dashboard/stats');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual([...STATS_KEYS].sort());
      expect(res.body, timezone).toMatchObject(expected);
    }
  });

  it('reports active calls, extension and DID totals, and the average duration of answered calls', async () => {
    const org = await newOrg();
    await org.owner.post('/extensions', { extension_number: '401', type: 'virtual' });
    await org.owner.post('/extensions', { extension_number: '402', type: 'virtual' });
    for (let i = 0; i < 2; i++) {
      const did = await org.owner.post('/dids', {
        phone_number: randomE164(),
        routing_type: 'extension',
        routing_config: { extension_id: org.agentExtensionId },
      });
      expect(did.status).toBe(201);
    }
    const now = Date.now();
    const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
    await seed(org, [
      { created_at: at(5), status: 'ringing', duration: null },
      { created_at: at(6), status: 'answered', duration: null },
      { created_at: at(7), status: 'initiated', duration: null },
      { created_at: at(30), status: 'completed', duration: 30 },
      { created_at: at(31), status: 'completed', duration: 61 },
      { created_at: at(32), status: 'completed', duration: 92 },
      // Unanswered calls have no talk time and must not drag the average down.
      { created_at: at(33), status: 'no_answer', duration: 0 },
      { created_at: at(34), status: 'busy', duration: 0 },
      { created_at: at(35), status: 'failed', duration: null },
    ]);
    // Another organization's calls never count.
    const other = await newOrg();
    await seed(other, [
      { created_at: at(5), status: 'answered' },
      { created_at: at(40), status: 'completed', duration: 1000 },
    ]);

    const res = await org.owner.get('/dashboard/stats');
    expect(res.body).toEqual({
      active_calls: 3,
      total_extensions: 3,
      total_dids: 2,
      calls_today: expect.any(Number),
      calls_this_week: expect.any(Number),
      calls_this_month: expect.any(Number),
      average_call_duration: 61,
    });
    // Counted from the organization's local midnight (UTC here): right after midnight some of these are yesterday's.
    const todayStart = DateTime.now().setZone('UTC').startOf('day').toMillis();
    expect(res.body.calls_today).toBe([5, 6, 7, 30, 31, 32, 33, 34, 35].filter((s) => now - s * 1000 >= todayStart).length);
    expect(res.body.calls_this_week).toBeGreaterThanOrEqual(res.body.calls_today);
    expect(res.body.calls_this_month).toBeGreaterThanOrEqual(res.body.calls_today);
    expect((await org.anon.get('/dashboard/stats')).status).toBe(401);

    const empty = await newOrg();
    expect((await empty.owner.get('/dashboard/stats')).body).toMatchObject({ active_calls: 0, calls_today: 0, average_call_duration: 0 });
  });
});

describe('GET /dashboard/recent-calls', () => {
  it('returns the newest calls, 10 by default, up to `limit`, in the RecentCall shape', async () => {
    const org = await newOrg();
    const base = Date.now() - minutes(60);
    const rows = await seed(
      org,
      Array.from({ length: 15 }, (_, i) => ({ created_at: new Date(base + minutes(i)).toISOString(), duration: i, status: i % 2 ? 'completed' : 'no_answer' })),
    );
    const other = await newOrg();
    await seed(other, [{ created_at: new Date().toISOString() }]);
    const newest = [...rows].reverse();

    const byDefault = await org.owner.get('/dashboard/recent-calls');
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.data.map((c: any) => c.id)).toEqual(newest.slice(0, 10).map((r) => r.id));
    expect(byDefault.body.data[0]).toEqual({
      id: newest[0]!.id,
      from_number: newest[0]!.from_number,
      to_number: newest[0]!.to_number,
      status: newest[0]!.status,
      outcome: newest[0]!.status === 'completed' ? 'answered' : 'missed',
      duration: newest[0]!.duration,
      created_at: newest[0]!.created_at,
    });
    expect((await org.owner.get('/dashboard/recent-calls?limit=3')).body.data.map((c: any) => c.id)).toEqual(newest.slice(0, 3).map((r) => r.id));
    expect((await org.owner.get('/dashboard/recent-calls?limit=100')).body.data).toHaveLength(15);
    for (const limit of ['0', '101', 'ten', '-1']) {
      const res = await org.owner.get(`/dashboard/recent-calls?limit=${limit}`);
      expect(res.status, limit).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('shows agents only their own extension’s calls, as the call logs do', async () => {
    const org = await newOrg();
    const now = Date.now();
    const [mine] = await seed(org, [
      { created_at: new Date(now - 1000).toISOString(), extension_id: org.agentExtensionId },
      { created_at: new Date(now - 2000).toISOString() },
    ]);
    expect((await org.agent.get('/dashboard/recent-calls')).body.data.map((c: any) => c.id)).toEqual([mine!.id]);
    expect((await org.owner.get('/dashboard/recent-calls')).body.data).toHaveLength(2);
  });
});

describe('GET /dashboard/live-calls', () => {
  it('agrees with the realtime events: a ringing call appears, is updated, and disappears when it ends', async () => {
    const org = await createTelephonyOrg(live.server.app, live.server.ctx, { name: 'Live Board', baseUrl: live.base });
    const echo = createEcho(live, org.owner.token!);
    echoes.push(echo);
    const log = new EventRecorder();
    const channel = echo
      .private(`organization.${org.organizationId}.calls`)
      .listen('.call.started', log.on('call.started'))
      .listen('.call.updated', log.on('call.updated'))
      .listen('.call.ended', log.on('call.ended'));
    await subscription(channel);

    // Real time this once: the phone rings for 1.5 s and the conversation lasts 1.5 s.
    const call = simulateInbound(live.base, org, {
      timeScale: 1,
      scenario: { targets: { [org.agentExtensionNumber]: { outcome: 'answer', after: 1.5, talk: 1.5 } } },
    });
    const liveEntry = async (callId: string) => (await org.owner.get('/dashboard/live-calls')).body.data.find((c: any) => c.call_id === callId);
    const withoutClock = ({ duration, ...rest }: any) => rest;

    const ringing = await log.waitFor((e) => e.name === 'call.updated' && e.data.call.status === 'ringing', 'a ringing update');
    const callId = ringing.data.call.call_id;
    const board = await org.owner.get('/dashboard/live-calls');
    expect(board.status).toBe(200);
    expect(board.body.data).toHaveLength(1);
    expect(withoutClock(board.body.data[0])).toEqual(withoutClock(ringing.data.call));
    expect(board.body.data[0]).toMatchObject({ did_id: org.did.id, extension_id: org.agentExtensionId, extension_number: org.agentExtensionNumber });
    expect((await org.owner.get('/dashboard/stats')).body.active_calls).toBe(1);

    const agentName = (await org.agent.get('/auth/me')).body.name;
    // Ringing: the extension's user is named, nobody has answered yet.
    expect(ringing.data.call).toMatchObject({ extension_name: agentName });
    expect(ringing.data.call.answered_by).toBeUndefined();

    const answered = await log.waitFor((e) => e.name === 'call.updated' && e.data.call.status === 'answered', 'an answered update');
    expect(withoutClock(await liveEntry(callId))).toEqual(withoutClock(answered.data.call));
    // Who answered, on the event and on the board.
    expect(answered.data.call.answered_by).toEqual({ extension_id: org.agentExtensionId, extension_number: org.agentExtensionNumber, name: agentName });

    await log.waitFor((e) => e.name === 'call.ended', 'call.ended');
    expect(await liveEntry(callId)).toBeUndefined();
    expect((await org.owner.get('/dashboard/live-calls')).body.data).toEqual([]);
    expect((await org.owner.get('/dashboard/stats')).body.active_calls).toBe(0);
    const transcript = await call;
    expect(transcript.callSid).toBe(callId);
    expect(transcript.errors).toEqual([]);
  });

  it('names the ring group member who answered, on the event and on the board', async () => {
    const org = await createTelephonyOrg(live.server.app, live.server.ctx, { name: 'Live Group', baseUrl: live.base });
    const first = (await org.owner.post('/extensions', { extension_number: '401', type: 'virtual' })).body.id;
    const group = await org.owner.post('/ring-groups', {
      name: 'Sales',
      strategy: 'sequential',
      members: [
        { extension_id: first, priority: 1 },
        { extension_id: org.agentExtensionId, priority: 2 },
      ],
    });
    expect(group.status).toBe(201);
    expect((await org.owner.patch(`/dids/${org.did.id}`, { routing_type: 'ring_group', routing_config: { ring_group_id: group.body.id } })).status).toBe(200);
    const echo = createEcho(live, org.owner.token!);
    echoes.push(echo);
    const log = new EventRecorder();
    const channel = echo
      .private(`organization.${org.organizationId}.calls`)
      .listen('.call.updated', log.on('call.updated'))
      .listen('.call.ended', log.on('call.ended'));
    await subscription(channel);

    // 401 is busy; the agent's extension (300) rings next and answers.
    const call = simulateInbound(live.base, org, {
      timeScale: 1,
      scenario: { targets: { '401': { outcome: 'busy', after: 0.3 }, [org.agentExtensionNumber]: { outcome: 'answer', after: 0.5, talk: 1.5 } } },
    });
    const answered = await log.waitFor((e) => e.name === 'call.updated' && e.data.call.status === 'answered', 'an answered update');
    const agentName = (await org.agent.get('/auth/me')).body.name;
    expect(answered.data.call).toMatchObject({
      ring_group_name: 'Sales',
      answered_by: { extension_id: org.agentExtensionId, extension_number: org.agentExtensionNumber, name: agentName },
    });
    const board = (await org.owner.get('/dashboard/live-calls')).body.data;
    expect(board.find((c: any) => c.call_id === answered.data.call.call_id)?.answered_by?.extension_number).toBe(org.agentExtensionNumber);
    await log.waitFor((e) => e.name === 'call.ended', 'call.ended');
    expect((await call).errors).toEqual([]);
  });
});
