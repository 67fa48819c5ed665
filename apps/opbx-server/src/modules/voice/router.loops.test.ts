import { describe, expect, it } from 'vitest';

import { MAX_HOPS, type Plan } from './router.js';
import { describePlan, follow, inbound, SnapshotBuilder, toExtension, toRingGroup, trail, verbsOf } from './routing.fixture.js';

const DID = '+12125550100';

function expectLoopHangup(plan: Plan) {
  expect(describePlan(plan)).toBe('hangup loop');
  expect(verbsOf(plan)).toEqual(['Say', 'Hangup']);
}

describe('forwarding loops and fallback chains terminate (MAX_HOPS)', () => {
  it('A forwards to B forwards to A (unconditional): a polite hangup, nothing rings', async () => {
    const b = new SnapshotBuilder();
    b.extension('102', { forwarding: { destination: '101', onNoAnswer: false } });
    b.did(DID, toExtension(b.extension('101', { forwarding: { destination: '102', onNoAnswer: false } })));
    expectLoopHangup((await inbound(b.snapshot, DID)).plan);
  });

  it('an extension forwarding to itself', async () => {
    const b = new SnapshotBuilder();
    b.did(DID, toExtension(b.extension('101', { voicemail: true, forwarding: { destination: '101', onNoAnswer: false } })));
    expectLoopHangup((await inbound(b.snapshot, DID)).plan);
  });

  it('a longer unconditional cycle (101 → 102 → 103 → 101)', async () => {
    const b = new SnapshotBuilder();
    b.extension('102', { forwarding: { destination: '103', onNoAnswer: false } });
    b.extension('103', { forwarding: { destination: '101', onNoAnswer: false } });
    b.did(DID, toExtension(b.extension('101', { forwarding: { destination: '102', onNoAnswer: false } })));
    expectLoopHangup((await inbound(b.snapshot, DID)).plan);
  });

  it('a chain shorter than MAX_HOPS is not mistaken for a loop', async () => {
    const b = new SnapshotBuilder();
    const numbers = ['101', '102', '103', '104'];
    numbers.forEach((n, i) => b.extension(n, { forwarding: i < numbers.length - 1 ? { destination: numbers[i + 1]!, onNoAnswer: false } : null }));
    b.did(DID, toExtension(b.snapshot.extensionsByNumber.get('101')!));
    expect(describePlan((await inbound(b.snapshot, DID)).plan)).toBe('dial 104 30s');
  });

  it('A forwards to B forwards to A on no answer: rings back and forth a bounded number of times, then hangs up', async () => {
    const b = new SnapshotBuilder();
    b.extension('102', { voicemail: true, forwarding: { destination: '101', onNoAnswer: true } });
    b.did(DID, toExtension(b.extension('101', { voicemail: true, forwarding: { destination: '102', onNoAnswer: true } })));
    const plans = await follow(b.snapshot, inbound(b.snapshot, DID), 'no_answer');
    expectLoopHangup(plans[plans.length - 1]!);
    const dials = plans.filter((p) => p.kind === 'dial').length;
    expect(dials).toBeGreaterThanOrEqual(2);
    expect(dials).toBeLessThanOrEqual(MAX_HOPS + 1);
  });

  it('a ring group falling back to an extension that forwards in a cycle', async () => {
    const b = new SnapshotBuilder();
    b.extension('201', { forwarding: { destination: '200', onNoAnswer: false } });
    const fallback = b.extension('200', { forwarding: { destination: '201', onNoAnswer: false } });
    const group = b.ringGroup('rg-1', [b.extension('101'), b.extension('102')], { fallback: toExtension(fallback) });
    b.did(DID, toRingGroup(group));
    const plans = await follow(b.snapshot, inbound(b.snapshot, DID), 'no_answer');
    expect(trail(plans).slice(0, 2)).toEqual(['dial 101 20s', 'dial 102 20s']);
    expectLoopHangup(plans[2]!);
    expect(plans).toHaveLength(3);
  });

  it('a ring group whose fallback extension forwards back to a member, which forwards to the fallback, on no answer', async () => {
    const b = new SnapshotBuilder();
    const member = b.extension('101', { forwarding: { destination: '200', onNoAnswer: true } });
    const fallback = b.extension('200', { forwarding: { destination: '101', onNoAnswer: true } });
    b.did(DID, toRingGroup(b.ringGroup('rg-1', [member], { fallback: toExtension(fallback), strategy: 'simultaneous' })));
    const plans = await follow(b.snapshot, inbound(b.snapshot, DID), 'no_answer');
    expectLoopHangup(plans[plans.length - 1]!);
    expect(plans.length).toBeLessThanOrEqual(MAX_HOPS + 3);
  });

  it('business hours → ring group → fallback cycle still terminates', async () => {
    const b = new SnapshotBuilder();
    b.extension('201', { forwarding: { destination: '200', onNoAnswer: false } });
    const fallback = b.extension('200', { forwarding: { destination: '201', onNoAnswer: false } });
    const group = b.ringGroup('rg-1', [b.extension('101', { active: false })], { fallback: toExtension(fallback) });
    b.businessHours('bh-1', { timezone: 'UTC', schedules: [], open: toRingGroup(group), closed: toRingGroup(group) });
    b.did(DID, { type: 'business_hours', id: 'bh-1' });
    expectLoopHangup((await inbound(b.snapshot, DID)).plan);
  });
});
