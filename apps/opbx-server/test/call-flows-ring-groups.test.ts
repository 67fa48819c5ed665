import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createFlowsOrg,
  dialed,
  expectClean,
  expectFinal,
  expectVoicemailed,
  type FlowsOrg,
  type FlowsServer,
  spoken,
  startFlowsServer,
  verbNames,
} from './support/flows-harness.js';

/**
 * Ring groups end to end: every strategy with answer, no answer and busy; the fallbacks; members
 * that became unreachable after the group was configured.
 */
let server: FlowsServer;
let org: FlowsOrg;

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'Ring Group Flows');
});
afterAll(() => server?.close());

let nextNumber = 400;
/** `count` fresh extensions; returns their ids and numbers in creation order. */
async function extensions(count: number, options: Parameters<FlowsOrg['extension']>[1] = {}) {
  const out: Array<{ id: string; number: string }> = [];
  for (let i = 0; i < count; i++) {
    const number = String(nextNumber++);
    out.push({ id: await org.extension(number, options), number });
  }
  return out;
}

async function groupDid(strategy: string, members: Array<{ id: string }>, extra: Record<string, unknown> = {}) {
  const group = await org.ringGroup({ strategy, timeout: 20, members: members.map((m, i) => ({ extension_id: m.id, priority: i + 1 })), ...extra });
  const did = await org.did('ring_group', { ring_group_id: group });
  return { group, did };
}

const answer = (after = 3, talk = 30) => ({ outcome: 'answer' as const, after, talk });
const NO_ANSWER = { outcome: 'no-answer' as const };
const BUSY = { outcome: 'busy' as const, after: 1 };

describe('simultaneous', () => {
  it('rings every member in one Dial for the group timeout; the first to answer takes the call', async () => {
    const m = await extensions(3);
    const { group, did } = await groupDid('simultaneous', m);
    const t = await org.call({
      to: did.number,
      scenario: { targets: { [m[0]!.number]: NO_ANSWER, [m[1]!.number]: answer(6, 45), [m[2]!.number]: answer(9) } },
    });
    expectClean(t);
    expect(dialed(t)).toEqual([m.map((x) => x.number)]);
    expect(t.dials[0]!.timeout).toBe(20);
    expect(t.dials[0]!.answeredBy?.value).toBe(m[1]!.number);
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    // Cloudonix does not say which leg of a multi-target Dial answered: the log names no member.
    expect(log).toMatchObject({ did_id: did.id, ring_group_id: group, duration: 45, extension_id: null });
  });

  it('nobody answers: the voicemail fallback records into the fallback mailbox', async () => {
    const m = await extensions(2);
    const [mailbox] = await extensions(1, { voicemail: true });
    const { did } = await groupDid('simultaneous', m, { fallback_action: { type: 'voicemail', extension_id: mailbox!.id } });
    const t = await org.call({ to: did.number, scenario: { defaultTarget: NO_ANSWER, recordings: [11] } });
    expectClean(t);
    expect(dialed(t)).toEqual([m.map((x) => x.number)]);
    expect(t.dials[0]!.status).toBe('no-answer');
    expect(verbNames(t)).toEqual(['Dial', 'Say', 'Record', 'Say', 'Hangup']);
    const url = t.exchanges.find((e) => e.cause === 'Record action')!.params.RecordingUrl;
    const log = await org.log(t.callSid);
    expectVoicemailed(log, t);
    expect(log.recording_url).toBe(url);
    const box = await org.owner.get(`/extensions/${mailbox!.id}/voicemails`);
    expect(box.body.data).toEqual([expect.objectContaining({ call_id: t.callSid, recording_url: url, duration: 11 })]);
  });

  it('everyone busy: the extension fallback rings', async () => {
    const m = await extensions(2);
    const [fallback] = await extensions(1);
    const { did } = await groupDid('simultaneous', m, { fallback_action: { type: 'extension', extension_id: fallback!.id } });
    const t = await org.call({ to: did.number, scenario: { targets: { [fallback!.number]: answer(2, 14) }, defaultTarget: BUSY } });
    expectClean(t);
    expect(dialed(t)).toEqual([m.map((x) => x.number), [fallback!.number]]);
    expect(t.dials.map((d) => d.status)).toEqual(['busy', 'completed']);
    expectFinal(await org.log(t.callSid), t, 'completed');
  });

  it('nobody answers and the fallback is hangup: a goodbye, and the call is logged no_answer', async () => {
    const m = await extensions(2);
    const { did } = await groupDid('simultaneous', m, { fallback_action: { type: 'hangup' } });
    const t = await org.call({ to: did.number, scenario: { defaultTarget: NO_ANSWER } });
    expectClean(t);
    expect(verbNames(t)).toEqual(['Dial', 'Say', 'Hangup']);
    expect(spoken(t)[0]).toContain('Nobody is available');
    const log = await org.log(t.callSid);
    expect(log.status, JSON.stringify(log)).toBe('no_answer');
  });

  it('everyone busy and no fallback: the call is logged busy', async () => {
    const m = await extensions(2);
    const { did } = await groupDid('simultaneous', m);
    const t = await org.call({ to: did.number, scenario: { defaultTarget: BUSY } });
    expectClean(t);
    expect(t.dials.map((d) => d.status)).toEqual(['busy']);
    const log = await org.log(t.callSid);
    expect(log.status, JSON.stringify(log)).toBe('busy');
  });
});

describe('sequential', () => {
  it('rings members one at a time in priority order and stops at the one who answers', async () => {
    const m = await extensions(3);
    // Priorities deliberately not in creation order: 3rd, 1st, 2nd.
    const group = await org.ringGroup({
      strategy: 'sequential',
      timeout: 15,
      members: [
        { extension_id: m[0]!.id, priority: 2 },
        { extension_id: m[1]!.id, priority: 3 },
        { extension_id: m[2]!.id, priority: 1 },
      ],
    });
    const did = await org.did('ring_group', { ring_group_id: group });
    const t = await org.call({ to: did.number, scenario: { targets: { [m[2]!.number]: NO_ANSWER, [m[0]!.number]: answer(4, 33), [m[1]!.number]: answer() } } });
    expectClean(t);
    expect(dialed(t)).toEqual([[m[2]!.number], [m[0]!.number]]);
    expect(t.dials.map((d) => d.timeout)).toEqual([15, 15]);
    expect(t.dials.map((d) => d.status)).toEqual(['no-answer', 'completed']);
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    expect(log).toMatchObject({ ring_group_id: group, duration: 33, extension_id: m[0]!.id });
    // So the member who took it finds it among their extension's calls.
    const theirs = await org.owner.get(`/call-logs?extension_id=${m[0]!.id}`);
    expect(theirs.body.data.map((c: { call_id: string }) => c.call_id)).toContain(t.callSid);
  });

  it('stops at the answer whatever the spelling of the dial status', async () => {
    const m = await extensions(3);
    const { did } = await groupDid('sequential', m);
    const styles = [
      { field: 'DialCallStatus', spelling: 'upper', answeredAs: 'answered' },
      { field: 'CallStatus', spelling: 'snake' },
      { field: 'both', spelling: 'compact', answeredAs: 'answered' },
    ] as const;
    for (const style of styles) {
      const t = await org.call({
        to: did.number,
        dialStatus: style,
        scenario: { targets: { [m[0]!.number]: NO_ANSWER, [m[1]!.number]: answer(), [m[2]!.number]: answer() } },
      });
      expectClean(t);
      expect(dialed(t), JSON.stringify(style)).toEqual([[m[0]!.number], [m[1]!.number]]);
      expectFinal(await org.log(t.callSid), t, 'completed');
    }
  });

  it('busy and unanswered members are passed over; after the last one the extension fallback rings', async () => {
    const m = await extensions(3);
    const [fallback] = await extensions(1);
    const { did } = await groupDid('sequential', m, { fallback_action: { type: 'extension', extension_id: fallback!.id } });
    const t = await org.call({
      to: did.number,
      scenario: { targets: { [m[0]!.number]: BUSY, [m[1]!.number]: NO_ANSWER, [m[2]!.number]: BUSY, [fallback!.number]: answer(1, 7) } },
    });
    expectClean(t);
    expect(dialed(t)).toEqual([[m[0]!.number], [m[1]!.number], [m[2]!.number], [fallback!.number]]);
    expect(t.dials.map((d) => d.status)).toEqual(['busy', 'no-answer', 'busy', 'completed']);
    expectFinal(await org.log(t.callSid), t, 'completed');
  });

  it('all busy with a hangup fallback: logged busy', async () => {
    const m = await extensions(2);
    const { did } = await groupDid('sequential', m, { fallback_action: { type: 'hangup' } });
    const t = await org.call({ to: did.number, scenario: { defaultTarget: BUSY } });
    expectClean(t);
    expect(dialed(t)).toEqual([[m[0]!.number], [m[1]!.number]]);
    const log = await org.log(t.callSid);
    expect(log.status, JSON.stringify(log)).toBe('busy');
  });

  it('nobody answers: the voicemail fallback', async () => {
    const m = await extensions(2);
    const [mailbox] = await extensions(1, { voicemail: true });
    const { did } = await groupDid('sequential', m, { fallback_action: { type: 'voicemail', extension_id: mailbox!.id } });
    const t = await org.call({ to: did.number, scenario: { defaultTarget: NO_ANSWER, recordings: [4] } });
    expectClean(t);
    expect(dialed(t)).toEqual([[m[0]!.number], [m[1]!.number]]);
    expect(verbNames(t).slice(2)).toEqual(['Say', 'Record', 'Say', 'Hangup']);
    expect((await org.log(t.callSid)).recording_url).toBeTruthy();
  });
});

describe('round robin', () => {
  it('3 members, 4 calls: each call starts at the next member (m1, m2, m3, m1)', async () => {
    const m = await extensions(3);
    const { group, did } = await groupDid('round_robin', m);
    const firsts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const t = await org.call({ to: did.number, scenario: { defaultTarget: answer(2, 10) } });
      expectClean(t);
      expect(t.dials).toHaveLength(1);
      firsts.push(t.dials[0]!.targets[0]!.value);
      const log = await org.log(t.callSid);
      expectFinal(log, t, 'completed');
      expect(log.ring_group_id).toBe(group);
    }
    expect(firsts).toEqual([m[0]!.number, m[1]!.number, m[2]!.number, m[0]!.number]);
  });

  it('continues through the other members from where it started, then falls back', async () => {
    const m = await extensions(3);
    const [fallback] = await extensions(1);
    const { did } = await groupDid('round_robin', m, { fallback_action: { type: 'extension', extension_id: fallback!.id } });
    const first = await org.call({ to: did.number, scenario: { defaultTarget: answer(1, 3) } });
    expect(dialed(first)).toEqual([[m[0]!.number]]);
    const t = await org.call({ to: did.number, scenario: { targets: { [fallback!.number]: answer(1, 5) }, defaultTarget: NO_ANSWER } });
    expectClean(t);
    expect(dialed(t)).toEqual([[m[1]!.number], [m[2]!.number], [m[0]!.number], [fallback!.number]]);
    expectFinal(await org.log(t.callSid), t, 'completed');
  });

  it('busy members are passed over; all busy with no fallback is logged busy', async () => {
    const m = await extensions(2);
    const { did } = await groupDid('round_robin', m);
    const t = await org.call({ to: did.number, scenario: { targets: { [m[0]!.number]: BUSY, [m[1]!.number]: answer(2, 6) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([[m[0]!.number], [m[1]!.number]]);
    expectFinal(await org.log(t.callSid), t, 'completed');
    // The pointer moved on: the next call starts at m2.
    const busy = await org.call({ to: did.number, scenario: { defaultTarget: BUSY } });
    expectClean(busy);
    expect(dialed(busy)).toEqual([[m[1]!.number], [m[0]!.number]]);
    const log = await org.log(busy.callSid);
    expect(log.status, JSON.stringify(log)).toBe('busy');
  });
});

describe('unreachable members', () => {
  it('inactive extensions and extensions of inactive users are skipped by every strategy', async () => {
    const m = await extensions(2);
    const user = await org.userWithExtension(String(nextNumber++));
    const [last] = await extensions(1);
    const all = [m[0]!, m[1]!, { id: user.extensionId }, last!];
    const simultaneous = await groupDid('simultaneous', all);
    const sequential = await groupDid('sequential', all);
    const roundRobin = await groupDid('round_robin', all);
    await org.patch(`/extensions/${m[1]!.id}`, { status: 'inactive' });
    await org.patch(`/users/${user.userId}`, { status: 'inactive' });

    const reachable = [m[0]!.number, last!.number];
    const s = await org.call({ to: simultaneous.did.number, scenario: { defaultTarget: answer() } });
    expectClean(s);
    expect(dialed(s)).toEqual([reachable]);

    const q = await org.call({ to: sequential.did.number, scenario: { defaultTarget: NO_ANSWER } });
    expectClean(q);
    expect(dialed(q)).toEqual(reachable.map((n) => [n]));

    const r = await org.call({ to: roundRobin.did.number, scenario: { defaultTarget: NO_ANSWER } });
    expectClean(r);
    expect(dialed(r).flat().sort()).toEqual([...reachable].sort());
    expect(dialed(r).every((d) => d.length === 1)).toBe(true);
  });

  it('a group whose members are all unreachable goes straight to its fallback', async () => {
    const m = await extensions(2);
    const [mailbox] = await extensions(1, { voicemail: true });
    const { did } = await groupDid('simultaneous', m, { fallback_action: { type: 'voicemail', extension_id: mailbox!.id } });
    for (const x of m) await org.patch(`/extensions/${x.id}`, { status: 'inactive' });
    const t = await org.call({ to: did.number, scenario: { recordings: [3] } });
    expectClean(t);
    expect(t.dials).toEqual([]);
    expect(verbNames(t).slice(0, 2)).toEqual(['Say', 'Record']);
  });
});
