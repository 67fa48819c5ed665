import { describe, expect, it } from 'vitest';

import { continueCall, normalizeDialStatus, type Plan } from './router.js';
import { describePlan, dialPlan, follow, inbound, SnapshotBuilder, TestEnv, toExtension, toRingGroup, trail, verbsOf } from './routing.fixture.js';
import type { RingGroupNode } from './snapshot.js';

const DID = '+12125550100';

/** Members 101–103 (ids ext-101…), a mailbox 200 and a DID to the group. */
function setup(group: Partial<Omit<RingGroupNode, 'id' | 'members'>>, settings: { voicemailEnabled?: boolean } = {}) {
  const b = new SnapshotBuilder(settings);
  const members = [b.extension('101'), b.extension('102'), b.extension('103')];
  const mailbox = b.extension('200', { voicemail: true });
  const rg = b.ringGroup('rg-1', members, { timeout: 20, ...group });
  b.did(DID, toRingGroup(rg));
  return { b, snap: b.snapshot, members, mailbox, rg };
}

function expectPoliteHangup(plan: Plan, reason: string) {
  expect(describePlan(plan)).toBe(`hangup ${reason}`);
  expect(verbsOf(plan)).toEqual(['Say', 'Hangup']);
}

describe('simultaneous ring groups', () => {
  it('ring every reachable member in one Dial, for the group timeout, with a callback for the fallback', async () => {
    const { b, snap, rg } = setup({ strategy: 'simultaneous', timeout: 25 });
    b.snapshot.extensions.get('ext-102')!.active = false;
    b.snapshot.extensions.get('ext-103')!.userActive = false;
    b.extension('104', { userActive: null });
    rg.members.push('ext-104', 'ext-deleted');
    const { plan, facts } = await inbound(snap, DID);
    const dial = dialPlan(plan);
    expect(dial.targets.map((t) => t.number)).toEqual(['101', '104']);
    expect(dial.timeout).toBe(25);
    expect(dial.next).toMatchObject({ kind: 'ring_group', ringGroupId: 'rg-1' });
    expect(facts).toMatchObject({ ringGroupId: 'rg-1' });
    // The rendered Dial has an action URL: without one, a no-answer could never reach the fallback.
    expect(verbsOf(plan)).toEqual(['Dial']);
  });

  it.each(['no_answer', 'busy', 'failed'] as const)('%s runs the fallback (voicemail)', async (outcome) => {
    const { snap, mailbox } = setup({ strategy: 'simultaneous', fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    expect(trail(await follow(snap, inbound(snap, DID), outcome))).toEqual(['dial 101,102,103 20s', `voicemail ${mailbox.id}`]);
  });

  it('answered: nobody can tell which member took it, so the call names none', async () => {
    const { snap } = setup({ strategy: 'simultaneous' });
    const { facts } = await continueCall(snap, dialPlan((await inbound(snap, DID)).plan).next, 'answered', new TestEnv());
    expect(facts.extensionId).toBeUndefined();
    expect(facts.ringGroupId).toBe('rg-1');
  });

  it('answered: done, the fallback never runs', async () => {
    const { snap } = setup({ strategy: 'simultaneous', fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    const plans = await follow(snap, inbound(snap, DID), 'answered');
    expect(trail(plans)).toEqual(['dial 101,102,103 20s', 'hangup answered']);
    expect(verbsOf(plans[1]!)).toEqual(['Hangup']);
  });

  it('fallback to an extension rings it with its own no-answer handling', async () => {
    const { snap } = setup({ strategy: 'simultaneous', fallback: { type: 'extension', id: 'ext-200' } });
    expect(trail(await follow(snap, inbound(snap, DID), 'no_answer'))).toEqual(['dial 101,102,103 20s', 'dial 200 30s', 'voicemail ext-200']);
  });

  it('fallback hangup: a polite goodbye', async () => {
    const { snap } = setup({ strategy: 'simultaneous', fallback: { type: 'hangup' } });
    const plans = await follow(snap, inbound(snap, DID), 'no_answer');
    expectPoliteHangup(plans[1]!, 'no_answer');
  });

  it('no reachable member: the fallback runs at once', async () => {
    const { snap, members } = setup({ strategy: 'simultaneous', fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    for (const m of members) m.active = false;
    expect(describePlan((await inbound(snap, DID)).plan)).toBe('voicemail ext-200');
  });
});

describe('sequential ring groups', () => {
  it('ring members one at a time, in priority order, each for the group timeout, then the fallback', async () => {
    const { snap } = setup({ strategy: 'sequential', timeout: 15, fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    const plans = await follow(snap, inbound(snap, DID), 'no_answer');
    expect(trail(plans)).toEqual(['dial 101 15s', 'dial 102 15s', 'dial 103 15s', 'voicemail ext-200']);
  });

  it('busy or failed members are skipped over like unanswered ones', async () => {
    const { snap } = setup({ strategy: 'sequential', fallback: { type: 'hangup' } });
    expect(trail(await follow(snap, inbound(snap, DID), ['busy', 'failed', 'no_answer']))).toEqual([
      'dial 101 20s',
      'dial 102 20s',
      'dial 103 20s',
      'hangup no_answer',
    ]);
  });

  it.each([0, 1, 2])('STOPS when member #%i answers: never rings the next member or the fallback', async (answeredAt) => {
    const { snap } = setup({ strategy: 'sequential', fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    const outcomes = [...Array<'no_answer'>(answeredAt).fill('no_answer'), 'answered' as const];
    const plans = await follow(snap, inbound(snap, DID), outcomes);
    expect(plans).toHaveLength(answeredAt + 2);
    expect(describePlan(plans[plans.length - 1]!)).toBe('hangup answered');
    expect(verbsOf(plans[plans.length - 1]!)).toEqual(['Hangup']);
  });

  it.each(['completed', 'answered', 'COMPLETED', 'Answered'])('a DialCallStatus of %j stops the hunt', async (raw) => {
    const { snap } = setup({ strategy: 'sequential' });
    const first = dialPlan((await inbound(snap, DID)).plan);
    const { plan } = await continueCall(snap, first.next, normalizeDialStatus(raw), new TestEnv());
    expect(plan).toEqual({ kind: 'hangup', reason: 'answered', message: null });
  });

  it.each([0, 1, 2])('member #%i answering is the call’s extension; no answer names nobody', async (answeredAt) => {
    const { snap } = setup({ strategy: 'sequential', fallback: { type: 'hangup' } });
    let next = dialPlan((await inbound(snap, DID)).plan).next;
    for (let i = 0; i < answeredAt; i++) {
      const missed = await continueCall(snap, next, 'no_answer', new TestEnv());
      expect(missed.facts.extensionId).toBeUndefined();
      next = dialPlan(missed.plan).next;
    }
    const { facts } = await continueCall(snap, next, 'answered', new TestEnv());
    expect(facts).toMatchObject({ extensionId: `ext-10${answeredAt + 1}`, ringGroupId: 'rg-1' });
  });

  it('the caller hanging up mid-hunt stops it', async () => {
    const { snap } = setup({ strategy: 'sequential', fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    const plans = await follow(snap, inbound(snap, DID), 'canceled');
    expect(plans).toHaveLength(2);
    expect(plans[1]!.kind).toBe('hangup');
  });

  it('inactive members are skipped', async () => {
    const { snap, members } = setup({ strategy: 'sequential' });
    members[0]!.userActive = false;
    members[2]!.active = false;
    expect(trail(await follow(snap, inbound(snap, DID), 'no_answer'))).toEqual(['dial 102 20s', 'hangup no_answer']);
  });

  it('a member that becomes inactive between the first dial and the callback is skipped', async () => {
    const { snap, members } = setup({ strategy: 'sequential', fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    const first = dialPlan((await inbound(snap, DID)).plan);
    expect(first.targets.map((t) => t.number)).toEqual(['101']);
    members[1]!.active = false;
    const second = await continueCall(snap, first.next, 'no_answer', new TestEnv());
    expect(describePlan(second.plan)).toBe('dial 103 20s');
    members[2]!.userActive = false;
    members[1]!.active = true; // already passed over: not rung again
    const third = await continueCall(snap, dialPlan(second.plan).next, 'no_answer', new TestEnv());
    expect(describePlan(third.plan)).toBe('voicemail ext-200');
  });

  it('the group deleted mid-call: the callback hangs up politely', async () => {
    const { snap } = setup({ strategy: 'sequential' });
    const first = dialPlan((await inbound(snap, DID)).plan);
    snap.ringGroups.delete('rg-1');
    expectPoliteHangup((await continueCall(snap, first.next, 'no_answer', new TestEnv())).plan, 'no_answer');
  });
});

describe('round-robin ring groups', () => {
  it('consecutive calls start at successive members (1,2,3,4 → m1,m2,m3,m1)', async () => {
    const { snap } = setup({ strategy: 'round_robin' });
    const env = new TestEnv();
    const starts: string[] = [];
    for (let call = 0; call < 4; call++) starts.push(describePlan((await inbound(snap, DID, env)).plan));
    expect(starts).toEqual(['dial 101 20s', 'dial 102 20s', 'dial 103 20s', 'dial 101 20s']);
    expect(env.rotations.get('rg-1')).toBe(4);
  });

  it('each call then continues through the other members in order, then the fallback', async () => {
    const { snap } = setup({ strategy: 'round_robin', fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    const env = new TestEnv();
    await inbound(snap, DID, env); // call 1 starts at 101
    const plans = await follow(snap, inbound(snap, DID, env), 'no_answer', env);
    expect(trail(plans)).toEqual(['dial 102 20s', 'dial 103 20s', 'dial 101 20s', 'voicemail ext-200']);
    // Callbacks do not advance the pointer: only new calls do.
    expect(env.rotations.get('rg-1')).toBe(2);
  });

  it('names the member who answered, counted from where the rotation started', async () => {
    const { snap } = setup({ strategy: 'round_robin' });
    const env = new TestEnv();
    await inbound(snap, DID, env); // call 1 starts at 101
    const first = dialPlan((await inbound(snap, DID, env)).plan); // call 2 rings 102
    const second = dialPlan((await continueCall(snap, first.next, 'no_answer', env)).plan); // then 103
    expect((await continueCall(snap, second.next, 'answered', env)).facts.extensionId).toBe('ext-103');
  });

  it('stops when a member answers', async () => {
    const { snap } = setup({ strategy: 'round_robin', fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    const env = new TestEnv();
    await inbound(snap, DID, env);
    expect(trail(await follow(snap, inbound(snap, DID, env), ['no_answer', 'answered'], env))).toEqual(['dial 102 20s', 'dial 103 20s', 'hangup answered']);
  });

  it('rotates among reachable members only, and skips members that become inactive mid-call', async () => {
    const { snap, members } = setup({ strategy: 'round_robin' });
    members[1]!.active = false;
    const env = new TestEnv();
    const starts: string[] = [];
    for (let call = 0; call < 3; call++) starts.push(describePlan((await inbound(snap, DID, env)).plan));
    expect(starts).toEqual(['dial 101 20s', 'dial 103 20s', 'dial 101 20s']);

    members[1]!.active = true;
    const first = dialPlan((await inbound(snap, DID, env)).plan); // call 4 of 3 members → 101
    expect(first.targets[0]!.number).toBe('101');
    members[1]!.active = false;
    const next = await continueCall(snap, first.next, 'no_answer', env);
    expect(describePlan(next.plan)).toBe('dial 103 20s');
  });

  it('keeps one pointer per group', async () => {
    const b = new SnapshotBuilder();
    const [a, c] = [b.extension('101'), b.extension('102')];
    b.did(DID, toRingGroup(b.ringGroup('rg-a', [a, c], { strategy: 'round_robin' })));
    b.did('+12125550101', toRingGroup(b.ringGroup('rg-b', [a, c], { strategy: 'round_robin' })));
    const env = new TestEnv();
    const order = [];
    for (const to of [DID, DID, '+12125550101']) order.push(describePlan((await inbound(b.snapshot, to, env)).plan));
    expect(order).toEqual(['dial 101 20s', 'dial 102 20s', 'dial 101 20s']);
  });

  it('with no reachable member the fallback runs without advancing the pointer', async () => {
    const { snap, members } = setup({ strategy: 'round_robin', fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    for (const m of members) m.active = false;
    const env = new TestEnv();
    expect(describePlan((await inbound(snap, DID, env)).plan)).toBe('voicemail ext-200');
    expect(env.rotations.get('rg-1')).toBeUndefined();
  });
});

describe('ring group fallbacks and state', () => {
  it('fallback voicemail with the organization voicemail off: polite hangup', async () => {
    const { snap } = setup({ strategy: 'sequential', fallback: { type: 'voicemail', extensionId: 'ext-200' } }, { voicemailEnabled: false });
    const plans = await follow(snap, inbound(snap, DID), 'no_answer');
    expectPoliteHangup(plans[plans.length - 1]!, 'unavailable');
  });

  it('fallback to an inactive or deleted extension: polite hangup', async () => {
    const { snap, mailbox } = setup({ strategy: 'simultaneous', fallback: { type: 'extension', id: 'ext-200' } });
    mailbox.active = false;
    expectPoliteHangup((await follow(snap, inbound(snap, DID), 'no_answer'))[1]!, 'unavailable');
    const gone = setup({ strategy: 'simultaneous', fallback: { type: 'extension', id: 'ext-deleted' } });
    expectPoliteHangup((await follow(gone.snap, inbound(gone.snap, DID), 'no_answer'))[1]!, 'unavailable');
  });

  it('fallback voicemail without a mailbox uses the general mailbox', async () => {
    const { snap } = setup({ strategy: 'simultaneous', fallback: { type: 'voicemail', extensionId: null } });
    expect(trail(await follow(snap, inbound(snap, DID), 'no_answer'))).toEqual(['dial 101,102,103 20s', 'voicemail general']);
  });

  it('an inactive group: polite hangup, nobody rings', async () => {
    const { snap } = setup({ strategy: 'simultaneous', active: false, fallback: { type: 'voicemail', extensionId: 'ext-200' } });
    expectPoliteHangup((await inbound(snap, DID)).plan, 'unavailable');
  });

  it('members are dialled by extension number as <Number> targets', async () => {
    const { snap, members } = setup({ strategy: 'simultaneous' });
    expect(dialPlan((await inbound(snap, DID)).plan).targets).toEqual(members.map((m) => ({ kind: 'extension', number: m.number, extensionId: m.id })));
  });

  it('after a fallback extension without voicemail goes unanswered, the call ends politely', async () => {
    const b = new SnapshotBuilder();
    const fallback = b.extension('200');
    b.did(DID, toRingGroup(b.ringGroup('rg-1', [b.extension('101')], { fallback: toExtension(fallback) })));
    expect(trail(await follow(b.snapshot, inbound(b.snapshot, DID), 'no_answer'))).toEqual(['dial 101 20s', 'dial 200 30s', 'hangup no_answer']);
  });
});
