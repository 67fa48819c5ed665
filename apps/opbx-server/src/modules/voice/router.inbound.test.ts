import { describe, expect, it } from 'vitest';

import { continueCall, EXTENSION_RING_SECONDS, MESSAGES, type Plan } from './router.js';
import { describePlan, dialPlan, follow, inbound, SnapshotBuilder, TestEnv, toExtension, toRingGroup, trail, verbsOf } from './routing.fixture.js';

const DID = '+12125550100';

/** A hangup the caller hears: a Say with the reason's message, then Hangup. */
function expectPoliteHangup(plan: Plan, reason: string) {
  expect(describePlan(plan)).toBe(`hangup ${reason}`);
  expect(plan.kind === 'hangup' && plan.message).toBeTruthy();
  expect(verbsOf(plan)).toEqual(['Say', 'Hangup']);
}

function expectBareHangup(plan: Plan, reason: string) {
  expect(plan).toEqual({ kind: 'hangup', reason, message: null });
  expect(verbsOf(plan)).toEqual(['Hangup']);
}

describe('inbound calls to a DID', () => {
  it('routing_type extension dials the extension, with a Dial callback and the call facts', async () => {
    const b = new SnapshotBuilder();
    const ext = b.extension('101');
    const did = b.did(DID, toExtension(ext));
    const { plan, facts } = await inbound(b.snapshot, DID);
    expect(plan).toEqual({
      kind: 'dial',
      targets: [{ kind: 'extension', number: '101', extensionId: ext.id }],
      timeout: EXTENSION_RING_SECONDS,
      callerId: null,
      record: false,
      next: { kind: 'extension', extensionId: ext.id, hop: 0, didId: did.id },
    });
    expect(facts).toEqual({ direction: 'inbound', didId: did.id, extensionId: ext.id });
  });

  it.each([
    '12125550100',
    '+12125550100',
    'sip:+12125550100@acme.cloudonix.net',
    'sip:12125550100@acme.cloudonix.net',
    '+1 (212) 555-0100',
    ' 1-212-555-0100 ',
  ])('finds the DID when To is %j', async (to) => {
    const b = new SnapshotBuilder();
    b.did(DID, toExtension(b.extension('101')));
    expect(describePlan((await inbound(b.snapshot, to)).plan)).toBe('dial 101 30s');
  });

  it('routing_type ring_group rings the group', async () => {
    const b = new SnapshotBuilder();
    const group = b.ringGroup('rg-sales', [b.extension('101'), b.extension('102')], { strategy: 'simultaneous', timeout: 25 });
    const did = b.did(DID, toRingGroup(group));
    const { plan, facts } = await inbound(b.snapshot, DID);
    expect(describePlan(plan)).toBe('dial 101,102 25s');
    expect(facts).toEqual({ direction: 'inbound', didId: did.id, ringGroupId: group.id });
  });

  it('routing_type business_hours follows the schedule (open at this instant)', async () => {
    const b = new SnapshotBuilder();
    const ext = b.extension('101');
    b.businessHours('bh-1', {
      timezone: 'UTC',
      schedules: [{ day_of_week: 3, open_time: '09:00', close_time: '17:00' }],
      open: toExtension(ext),
      closed: { type: 'hangup' },
    });
    b.did(DID, { type: 'business_hours', id: 'bh-1' });
    // 2026-03-04 is a Wednesday.
    expect(describePlan((await inbound(b.snapshot, DID, new TestEnv(new Date('2026-03-04T12:00:00Z')))).plan)).toBe('dial 101 30s');
  });

  it('routing_type voicemail records to the mailbox with the DID greeting, or the default one', async () => {
    const b = new SnapshotBuilder();
    const ext = b.extension('101', { voicemail: true });
    b.did(DID, { type: 'voicemail', extensionId: ext.id }, { greeting: 'Acme is closed today.' });
    b.did('+12125550101', { type: 'voicemail', extensionId: null });
    const withGreeting = await inbound(b.snapshot, DID);
    expect(withGreeting.plan).toEqual({ kind: 'voicemail', mailboxExtensionId: ext.id, greeting: 'Acme is closed today.' });
    expect(withGreeting.facts.extensionId).toBe(ext.id);
    expect((await inbound(b.snapshot, '+12125550101')).plan).toEqual({ kind: 'voicemail', mailboxExtensionId: null, greeting: MESSAGES.voicemail_default });
  });

  it('routing_type voicemail hangs up politely when the organization has voicemail off or the mailbox is gone or inactive', async () => {
    const off = new SnapshotBuilder({ voicemailEnabled: false });
    off.did(DID, { type: 'voicemail', extensionId: off.extension('101', { voicemail: true }).id });
    expectPoliteHangup((await inbound(off.snapshot, DID)).plan, 'unavailable');

    const b = new SnapshotBuilder();
    b.did(DID, { type: 'voicemail', extensionId: b.extension('101', { voicemail: true, active: false }).id });
    b.did('+12125550101', { type: 'voicemail', extensionId: 'ext-deleted' });
    expectPoliteHangup((await inbound(b.snapshot, DID)).plan, 'unavailable');
    expectPoliteHangup((await inbound(b.snapshot, '+12125550101')).plan, 'unavailable');
  });

  it('an unknown or inactive DID gets a polite hangup', async () => {
    const b = new SnapshotBuilder();
    const ext = b.extension('101');
    b.did(DID, toExtension(ext), { active: false });
    const unknown = await inbound(b.snapshot, '+12125550199');
    expectPoliteHangup(unknown.plan, 'not_in_service');
    expect(unknown.facts).toEqual({ direction: 'inbound' });
    expectPoliteHangup((await inbound(b.snapshot, DID)).plan, 'not_in_service');
  });

  it('an inactive or missing target gets a polite hangup, never a dial', async () => {
    const b = new SnapshotBuilder();
    b.did('+12125550101', toExtension(b.extension('101', { active: false })));
    b.did('+12125550102', { type: 'extension', id: 'ext-deleted' });
    b.did('+12125550103', toRingGroup(b.ringGroup('rg-off', [b.extension('102')], { active: false })));
    b.did('+12125550104', { type: 'ring_group', id: 'rg-deleted' });
    b.did('+12125550105', { type: 'business_hours', id: 'bh-deleted' });
    for (const to of ['+12125550101', '+12125550102', '+12125550103', '+12125550104', '+12125550105']) {
      expectPoliteHangup((await inbound(b.snapshot, to)).plan, 'unavailable');
    }
  });

  it.each(['', '   ', 'anonymous', '+', 'sip:@', '101', '+0123456789', 'x'.repeat(600), '+1212555010012345678'])('never throws on a To of %j', async (to) => {
    const b = new SnapshotBuilder();
    b.extension('101');
    expectPoliteHangup((await inbound(b.snapshot, to)).plan, 'not_in_service');
  });
});

describe('an extension reached from a DID', () => {
  it('answered: the call is over (bare hangup), never voicemail', async () => {
    const b = new SnapshotBuilder();
    b.did(DID, toExtension(b.extension('101', { voicemail: true })));
    const plans = await follow(b.snapshot, inbound(b.snapshot, DID), 'answered');
    expect(trail(plans)).toEqual(['dial 101 30s', 'hangup answered']);
    expectBareHangup(plans[1]!, 'answered');
  });

  it.each(['no_answer', 'busy', 'failed', 'unknown'] as const)('%s with voicemail enabled: voicemail', async (outcome) => {
    const b = new SnapshotBuilder();
    b.did(DID, toExtension(b.extension('101', { voicemail: true })), { greeting: 'Leave a message for Alice.' });
    const plans = await follow(b.snapshot, inbound(b.snapshot, DID), outcome);
    expect(trail(plans)).toEqual(['dial 101 30s', 'voicemail ext-101']);
    expect(plans[1]).toMatchObject({ greeting: 'Leave a message for Alice.' });
  });

  it('no answer with voicemail enabled but the organization setting off: polite hangup', async () => {
    const b = new SnapshotBuilder({ voicemailEnabled: false });
    b.did(DID, toExtension(b.extension('101', { voicemail: true })));
    const plans = await follow(b.snapshot, inbound(b.snapshot, DID), 'no_answer');
    expect(plans.map((p) => p.kind)).toEqual(['dial', 'hangup']);
    expectPoliteHangup(plans[1]!, 'unavailable');
  });

  it.each(['no_answer', 'busy'] as const)('%s without voicemail: polite hangup', async (outcome) => {
    const b = new SnapshotBuilder();
    b.did(DID, toExtension(b.extension('101')));
    const plans = await follow(b.snapshot, inbound(b.snapshot, DID), outcome);
    expect(trail(plans)).toEqual(['dial 101 30s', 'hangup no_answer']);
    expectPoliteHangup(plans[1]!, 'no_answer');
  });

  it('the caller hanging up while it rings ends the call: no voicemail', async () => {
    const b = new SnapshotBuilder();
    b.did(DID, toExtension(b.extension('101', { voicemail: true })));
    const plans = await follow(b.snapshot, inbound(b.snapshot, DID), 'canceled');
    expect(plans[1]!.kind).toBe('hangup');
  });

  it('unconditional forwarding to an extension number rings that extension at once', async () => {
    const b = new SnapshotBuilder();
    const target = b.extension('102', { voicemail: true });
    b.did(DID, toExtension(b.extension('101', { voicemail: true, forwarding: { destination: '102', onNoAnswer: false } })));
    const { plan } = await inbound(b.snapshot, DID);
    expect(dialPlan(plan).targets).toEqual([{ kind: 'extension', number: '102', extensionId: target.id }]);
    // Its own no-answer handling applies afterwards (voicemail of 102).
    expect(trail(await follow(b.snapshot, inbound(b.snapshot, DID), 'no_answer'))).toEqual(['dial 102 30s', 'voicemail ext-102']);
  });

  it('unconditional forwarding to an E.164 number dials it out at once', async () => {
    const b = new SnapshotBuilder({ recordingEnabled: true });
    b.did(DID, toExtension(b.extension('101', { voicemail: true, forwarding: { destination: '+447700900123', onNoAnswer: false } })));
    const { plan } = await inbound(b.snapshot, DID);
    expect(dialPlan(plan).targets).toEqual([{ kind: 'external', number: '+447700900123' }]);
    expect(dialPlan(plan).record).toBe(true);
    // A forwarded call that is not answered ends; it does not come back to 101's voicemail.
    expect(trail(await follow(b.snapshot, inbound(b.snapshot, DID), 'no_answer'))).toEqual(['dial +447700900123 30s', 'hangup no_answer']);
  });

  it('forwarding to an extension whose user is inactive applies that extension’s rules (voicemail), not a dial', async () => {
    const b = new SnapshotBuilder();
    b.extension('102', { userActive: false, voicemail: true });
    b.did(DID, toExtension(b.extension('101', { forwarding: { destination: '102', onNoAnswer: false } })));
    expect(describePlan((await inbound(b.snapshot, DID)).plan)).toBe('voicemail ext-102');
  });

  it('unconditional forwarding to a destination that no longer exists: polite hangup', async () => {
    const b = new SnapshotBuilder();
    b.did(DID, toExtension(b.extension('101', { forwarding: { destination: '109', onNoAnswer: false } })));
    expectPoliteHangup((await inbound(b.snapshot, DID)).plan, 'unavailable');
  });

  it('forwarding on no answer: dials the extension first, then the destination after no answer or busy', async () => {
    const b = new SnapshotBuilder();
    b.extension('102');
    b.did(DID, toExtension(b.extension('101', { voicemail: true, forwarding: { destination: '102', onNoAnswer: true } })));
    expect(trail(await follow(b.snapshot, inbound(b.snapshot, DID), 'no_answer'))).toEqual(['dial 101 30s', 'dial 102 30s', 'hangup no_answer']);
    expect(trail(await follow(b.snapshot, inbound(b.snapshot, DID), 'busy'))).toEqual(['dial 101 30s', 'dial 102 30s', 'hangup no_answer']);
    expect(trail(await follow(b.snapshot, inbound(b.snapshot, DID), 'answered'))).toEqual(['dial 101 30s', 'hangup answered']);
    // Answered at the forwarding destination: done.
    expect(trail(await follow(b.snapshot, inbound(b.snapshot, DID), ['no_answer', 'answered']))).toEqual(['dial 101 30s', 'dial 102 30s', 'hangup answered']);
  });

  it('forwarding on no answer to an E.164 number', async () => {
    const b = new SnapshotBuilder();
    b.did(DID, toExtension(b.extension('101', { forwarding: { destination: '+447700900123', onNoAnswer: true } })));
    const plans = await follow(b.snapshot, inbound(b.snapshot, DID), 'no_answer');
    expect(trail(plans)).toEqual(['dial 101 30s', 'dial +447700900123 30s', 'hangup no_answer']);
    expect(dialPlan(plans[1]!).targets).toEqual([{ kind: 'external', number: '+447700900123' }]);
  });

  it('an extension whose user is inactive goes to voicemail, or hangs up politely, without ringing or forwarding', async () => {
    const b = new SnapshotBuilder();
    const withVm = b.extension('101', { userActive: false, voicemail: true, forwarding: { destination: '+447700900123', onNoAnswer: false } });
    b.did(DID, toExtension(withVm));
    b.did('+12125550101', toExtension(b.extension('102', { userActive: false })));
    expect((await inbound(b.snapshot, DID)).plan).toEqual({ kind: 'voicemail', mailboxExtensionId: withVm.id, greeting: MESSAGES.voicemail_default });
    expectPoliteHangup((await inbound(b.snapshot, '+12125550101')).plan, 'unavailable');
  });

  it('an extension without a user assigned still rings', async () => {
    const b = new SnapshotBuilder();
    b.did(DID, toExtension(b.extension('101', { userActive: null, type: 'virtual' })));
    expect(describePlan((await inbound(b.snapshot, DID)).plan)).toBe('dial 101 30s');
  });

  it('the continuation keeps the DID, so the voicemail greeting survives the callback', async () => {
    const b = new SnapshotBuilder();
    const ext = b.extension('101', { voicemail: true });
    const did = b.did(DID, toExtension(ext), { greeting: 'Custom greeting' });
    const first = dialPlan((await inbound(b.snapshot, DID)).plan);
    const after = await continueCall(b.snapshot, first.next, 'no_answer', new TestEnv());
    expect(after.plan).toMatchObject({ kind: 'voicemail', greeting: 'Custom greeting' });
    expect(after.facts).toMatchObject({ didId: did.id, extensionId: ext.id });
  });
});
