import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PresenceChange } from '../src/modules/call-records/calls.ingest.js';
import { cdrOf, createFlowsOrg, expectClean, type FlowsOrg, type FlowsServer, recordBus, startFlowsServer } from './support/flows-harness.js';

/**
 * Outcomes and presence that are true (issue 11 item 4): the `outcome` field beside the spec's
 * status, who answered a ring-group call (on the log, in the member's filter, CSV and dashboard),
 * the answering member on_call, no repeated call.updated, a correcting CDR announced, offline
 * extensions. Played end to end by callsim against the listening server.
 */
let server: FlowsServer;
let org: FlowsOrg;
let nextNumber = 700;

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'Outcome Flows');
});
afterAll(() => server?.close());

const answer = (after = 2, talk = 20) => ({ outcome: 'answer' as const, after, talk });
const NO_ANSWER = { outcome: 'no-answer' as const };
const BUSY = { outcome: 'busy' as const, after: 1 };

async function extension(options: Parameters<FlowsOrg['extension']>[1] = {}) {
  const number = String(nextNumber++);
  return { id: await org.extension(number, options), number };
}

/** A ring group of `members` (the org's agent extension 300 included when asked) behind a fresh DID. */
async function groupDid(strategy: string, members: Array<{ id: string }>) {
  const group = await org.ringGroup({ strategy, timeout: 20, members: members.map((m, i) => ({ extension_id: m.id, priority: i + 1 })) });
  return { group, did: await org.did('ring_group', { ring_group_id: group }) };
}

describe('outcome beside the status', () => {
  it.each([
    { name: 'answered', target: answer(1, 9), status: 'completed', outcome: 'answered' },
    { name: 'busy', target: BUSY, status: 'busy', outcome: 'busy' },
    { name: 'not answered', target: NO_ANSWER, status: 'no_answer', outcome: 'missed' },
    { name: 'failed', target: { outcome: 'failed' as const, after: 1 }, status: 'failed', outcome: 'failed' },
  ])('$name → status $status, outcome $outcome', async ({ target, status, outcome }) => {
    const ext = await extension();
    const did = await org.did('extension', { extension_id: ext.id });
    const t = await org.call({ to: did.number, scenario: { targets: { [ext.number]: target } } });
    expectClean(t);
    expect(await org.log(t.callSid)).toMatchObject({ status, outcome });
  });

  it('the caller hangs up while it rings: missed (no_answer), outcome abandoned', async () => {
    const ext = await extension();
    const did = await org.did('extension', { extension_id: ext.id });
    const t = await org.call({ to: did.number, scenario: { targets: { [ext.number]: NO_ANSWER }, hangupAfter: 5 } });
    expectClean(t);
    expect(await org.log(t.callSid)).toMatchObject({ status: 'no_answer', outcome: 'abandoned', duration: 0, answer_time: null });
  });

  it('busy, then voicemail: missed with the voicemail outcome, no talk time, credited to nobody as answered', async () => {
    const ext = await extension({ voicemail: true });
    const did = await org.did('extension', { extension_id: ext.id });
    const t = await org.call({ to: did.number, scenario: { targets: { [ext.number]: BUSY }, recordings: [9] } });
    expectClean(t);
    expect(cdrOf(t).disposition).toBe('ANSWERED');
    const log = await org.log(t.callSid);
    expect(log).toMatchObject({ status: 'no_answer', outcome: 'voicemail', duration: 0, answer_time: null, extension_id: ext.id });
    // The outcome filter, the CSV and the dashboard's chart count it missed.
    const voicemails = await org.owner.get(`/call-logs?outcome=voicemail&extension_id=${ext.id}`);
    expect(voicemails.body.data.map((r: any) => r.call_id)).toEqual([t.callSid]);
    expect((await org.owner.get(`/call-logs?outcome=answered&extension_id=${ext.id}`)).body.data).toEqual([]);
    const csv = await org.owner.get(`/call-logs/export?outcome=voicemail&extension_id=${ext.id}`);
    const [header, row] = String(csv.body).trim().split('\r\n');
    expect(header!.split(',')).toContain('outcome');
    expect(row!.split(',')[header!.split(',').indexOf('outcome')]).toBe('voicemail');
  });

  it('an unknown outcome filter is a 422 on outcome', async () => {
    const res = await org.owner.get('/call-logs?outcome=completed');
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'outcome' })]);
  });

  it("the dashboard's call volume counts a voicemailed call missed", async () => {
    const before = await org.owner.get('/dashboard/call-volume?period=week');
    const ext = await extension({ voicemail: true });
    const did = await org.did('extension', { extension_id: ext.id });
    const t = await org.call({ to: did.number, scenario: { targets: { [ext.number]: NO_ANSWER }, recordings: [4] } });
    expectClean(t);
    const after = await org.owner.get('/dashboard/call-volume?period=week');
    const sum = (r: any, k: 'answered' | 'missed') => r.body.data.reduce((n: number, b: any) => n + b[k], 0);
    expect(sum(after, 'missed') - sum(before, 'missed')).toBe(1);
    expect(sum(after, 'answered') - sum(before, 'answered')).toBe(0);
  });
});

describe('who answered a ring-group call', () => {
  it.each(['sequential', 'round_robin'])(
    '%s: the member who answers is on the log, in their filter, CSV and dashboard, and on_call while talking',
    async (strategy) => {
      const first = await extension();
      const agentExt = { id: org.org.agentExtensionId, number: '300' };
      const { did } = await groupDid(strategy, [first, agentExt]);
      // Round robin starts at the next member: make both orders end at the agent.
      const bus = await recordBus(server);
      let t;
      try {
        t = await org.call({ to: did.number, scenario: { targets: { [first.number]: NO_ANSWER, '300': answer(2, 15) } } });
        expectClean(t);
        await bus.sync();
        const presence = bus.of(t.callSid).flatMap((m) => m.presence) as PresenceChange[];
        const agentStates = presence.filter((p) => p.extension_id === agentExt.id).map((p) => p.status);
        expect(agentStates, JSON.stringify(presence)).toEqual(['ringing', 'on_call', 'idle']);
        // The unanswered member stopped ringing and never was on the call.
        expect(presence.filter((p) => p.extension_id === first.id).map((p) => p.status)).not.toContain('on_call');
        expect(presence.filter((p) => p.extension_id === first.id).at(-1)?.status ?? 'idle').toBe('idle');
      } finally {
        bus.stop();
      }
      const log = await org.log(t.callSid);
      expect(log).toMatchObject({ status: 'completed', outcome: 'answered', extension_id: agentExt.id });
      // The agent's own views include it.
      const agent = org.org.agent;
      expect((await agent.get('/call-logs')).body.data.map((r: any) => r.call_id)).toContain(t.callSid);
      expect((await org.owner.get(`/call-logs?extension_id=${agentExt.id}`)).body.data.map((r: any) => r.call_id)).toContain(t.callSid);
      expect(String((await agent.get('/call-logs/export')).body)).toContain(t.callSid);
      expect((await agent.get('/dashboard/recent-calls?limit=50')).body.data.map((r: any) => r.id)).toContain(log.id);
    },
  );

  it('simultaneous with several members: Cloudonix does not name the answered leg, so no member is credited and all stop ringing', async () => {
    const a = await extension();
    const b = await extension();
    const { group, did } = await groupDid('simultaneous', [a, b]);
    const bus = await recordBus(server);
    try {
      const t = await org.call({ to: did.number, scenario: { targets: { [a.number]: NO_ANSWER, [b.number]: answer(3, 10) } } });
      expectClean(t);
      await bus.sync();
      const presence = bus.of(t.callSid).flatMap((m) => m.presence) as PresenceChange[];
      // Ringing → idle at the answer, for both: nobody is claimed to be on the call.
      expect(presence.filter((p) => p.status === 'on_call')).toEqual([]);
      for (const ext of [a, b]) expect(presence.filter((p) => p.extension_id === ext.id).map((p) => p.status)).toEqual(['ringing', 'idle']);
      expect(await org.log(t.callSid)).toMatchObject({ outcome: 'answered', ring_group_id: group, extension_id: null });
    } finally {
      bus.stop();
    }
  });

  it('simultaneous with one reachable member: that member answered', async () => {
    const a = await extension();
    const { did } = await groupDid('simultaneous', [a]);
    const t = await org.call({ to: did.number, scenario: { targets: { [a.number]: answer(1, 5) } } });
    expectClean(t);
    expect(await org.log(t.callSid)).toMatchObject({ outcome: 'answered', extension_id: a.id });
  });
});

describe('live events that are true', () => {
  it('call.updated is not repeated for an unchanged state; the end is announced once', async () => {
    const ext = await extension();
    const did = await org.did('extension', { extension_id: ext.id });
    const bus = await recordBus(server);
    try {
      const t = await org.call({ to: did.number, scenario: { targets: { [ext.number]: answer(3, 30) } } });
      expectClean(t);
      await bus.sync();
      const messages = bus.of(t.callSid);
      const live = messages.filter((m) => m.type !== 'call.ended' && !(m.type === 'call.updated' && m.call.end_time));
      for (let i = 1; i < live.length; i++) {
        const [prev, next] = [live[i - 1]!, live[i]!];
        const same = JSON.stringify({ ...prev.call, updated_at: 0, status_raw: 0 }) === JSON.stringify({ ...next.call, updated_at: 0, status_raw: 0 });
        expect(same && next.presence.length === 0, `repeated ${next.type}: ${JSON.stringify(next.call)}`).toBe(false);
      }
      expect(bus.of(t.callSid, 'call.ended')).toHaveLength(1);
    } finally {
      bus.stop();
    }
  });

  it('the first call.ended never ends before the answer, and a CDR that corrects the log sends call.updated with it', async () => {
    const ext = await extension();
    const did = await org.did('extension', { extension_id: ext.id });
    const bus = await recordBus(server);
    try {
      const t = await org.call({ to: did.number, scenario: { targets: { [ext.number]: answer(2, 40) } } });
      expectClean(t);
      await bus.sync();
      const ended = bus.of(t.callSid, 'call.ended');
      expect(ended).toHaveLength(1);
      const first = ended[0]!.call;
      if (first.answer_time) expect(Date.parse(first.end_time!)).toBeGreaterThanOrEqual(Date.parse(first.answer_time));
      const log = await org.log(t.callSid);
      expect(log.duration).toBe(40);
      // Whatever the first end said, the last word on the bus is the log REST shows.
      const last = bus.of(t.callSid).at(-1)!;
      expect(last.call).toMatchObject({
        duration: log.duration,
        answer_time: log.answer_time,
        end_time: log.end_time,
        status: log.status,
        outcome: 'answered',
      });
      if (first.duration !== log.duration) expect(last.type).toBe('call.updated');
    } finally {
      bus.stop();
    }
  });
});
