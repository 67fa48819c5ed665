import { describe, expect, it } from 'vitest';

import type { Plan } from './router.js';
import {
  describePlan,
  dialPlan,
  follow,
  fromExtension,
  inbound,
  SnapshotBuilder,
  TestEnv,
  toExtension,
  toRingGroup,
  trail,
  verbsOf,
} from './routing.fixture.js';

const CALLER_ID = '+12125550100';
const UK = '+442079460000';

function org(settings: { defaultCallerId?: string | null; recordingEnabled?: boolean } = { defaultCallerId: CALLER_ID }) {
  const b = new SnapshotBuilder(settings);
  const caller = b.extension('101');
  const colleague = b.extension('102', { voicemail: true });
  return { b, caller, colleague };
}

function expectRefused(plan: Plan, reason: string) {
  expect(describePlan(plan)).toBe(`hangup ${reason}`);
  expect(verbsOf(plan)).toEqual(['Say', 'Hangup']);
}

const externalTargets = (plan: Plan) => (plan.kind === 'dial' ? plan.targets.filter((t) => t.kind === 'external') : []);

describe('calls placed by an extension (Direction=subscriber)', () => {
  it('dials another extension of the organization, with its no-answer handling', async () => {
    const { b, colleague } = org();
    const { plan, facts } = await fromExtension(b.snapshot, '101', '102');
    expect(dialPlan(plan).targets).toEqual([{ kind: 'extension', number: '102', extensionId: colleague.id }]);
    expect(dialPlan(plan).callerId).toBeNull();
    expect(facts.direction).toBe('outbound');
    expect(trail(await follow(b.snapshot, fromExtension(b.snapshot, '101', '102'), 'no_answer'))).toEqual(['dial 102 30s', 'voicemail ext-102']);
  });

  it.each(['101', 'sip:101@acme.cloudonix.net', 'sips:101@acme.cloudonix.net:5061', ' 101 '])('recognises the caller in From = %j', async (from) => {
    const { b } = org();
    expect(describePlan((await fromExtension(b.snapshot, from, 'sip:102@acme.cloudonix.net')).plan)).toBe('dial 102 30s');
  });

  it('dials an E.164 number out with the organization default caller id', async () => {
    const { b, caller } = org();
    const { plan, facts } = await fromExtension(b.snapshot, '101', UK);
    expect(dialPlan(plan)).toMatchObject({ targets: [{ kind: 'external', number: UK }], callerId: CALLER_ID, record: false, next: { kind: 'end' } });
    expect(facts).toEqual({ direction: 'outbound', extensionId: caller.id });
  });

  it.each(['442079460000', '+44 20 7946 0000', 'sip:+442079460000@acme.cloudonix.net'])('normalises the dialled number %j to E.164', async (to) => {
    const { b } = org();
    expect(dialPlan((await fromExtension(b.snapshot, '101', to)).plan).targets).toEqual([{ kind: 'external', number: UK }]);
  });

  it('without a default caller id the Dial carries none; recording follows the organization setting', async () => {
    const { b } = org({ defaultCallerId: null, recordingEnabled: true });
    expect(dialPlan((await fromExtension(b.snapshot, '101', UK)).plan)).toMatchObject({ callerId: null, record: true });
  });

  it('an outbound call ends after the Dial, answered or not', async () => {
    const { b } = org();
    expect(trail(await follow(b.snapshot, fromExtension(b.snapshot, '101', UK), 'answered'))).toEqual([
      `dial ${UK} 60s callerId=${CALLER_ID}`,
      'hangup answered',
    ]);
    expect(trail(await follow(b.snapshot, fromExtension(b.snapshot, '101', UK), 'busy'))).toEqual([`dial ${UK} 60s callerId=${CALLER_ID}`, 'hangup no_answer']);
  });

  it('calling one of the organization’s own DIDs routes internally instead of out through the carrier', async () => {
    const { b } = org();
    const did = b.did('+12125550111', toExtension(b.extension('103')));
    b.did('+12125550112', toRingGroup(b.ringGroup('rg-1', [b.extension('104'), b.extension('105')], { strategy: 'simultaneous' })));
    const direct = await fromExtension(b.snapshot, '101', '+12125550111');
    expect(describePlan(direct.plan)).toBe('dial 103 30s');
    expect(externalTargets(direct.plan)).toEqual([]);
    expect(direct.facts).toMatchObject({ direction: 'outbound', didId: did.id });
    expect(describePlan((await fromExtension(b.snapshot, '101', '12125550112')).plan)).toBe('dial 104,105 20s');
  });

  it('calling itself or an extension number that does not exist: polite hangup, nothing dialled', async () => {
    const { b } = org();
    expectRefused((await fromExtension(b.snapshot, '101', '101')).plan, 'invalid_number');
    expectRefused((await fromExtension(b.snapshot, '101', '999')).plan, 'invalid_number');
    expectRefused((await fromExtension(b.snapshot, '101', '')).plan, 'invalid_number');
    expectRefused((await fromExtension(b.snapshot, '101', '*72')).plan, 'invalid_number');
  });

  it('an inactive colleague: polite hangup', async () => {
    const { b } = org();
    b.extension('103', { active: false });
    expectRefused((await fromExtension(b.snapshot, '101', '103')).plan, 'unavailable');
  });

  it('the Direction value is matched case-insensitively', async () => {
    const { b } = org();
    for (const direction of ['Subscriber', ' SUBSCRIBER ']) {
      const { plan } = await inbound(b.snapshot, UK, new TestEnv(), direction, '101');
      expect(externalTargets(plan)).toEqual([{ kind: 'external', number: UK }]);
    }
  });
});

describe('who may not place calls', () => {
  const cases: Array<[string, Parameters<SnapshotBuilder['extension']>[1]]> = [
    ['a virtual extension', { type: 'virtual', userActive: null }],
    ['a queue extension', { type: 'queue', userActive: null }],
    ['an inactive extension', { active: false }],
    ['an extension whose user is inactive', { userActive: false }],
  ];

  it.each(cases)('%s can neither dial out nor call colleagues', async (_label, overrides) => {
    const { b } = org();
    b.extension('150', overrides);
    for (const to of [UK, '102']) {
      const result = await fromExtension(b.snapshot, '150', to);
      expectRefused(result.plan, 'not_permitted');
    }
  });

  it.each(['555', '+14155550123', 'sip:999@acme.cloudonix.net', '', 'anonymous'])('an unknown caller %j is refused', async (from) => {
    const { b } = org();
    expectRefused((await fromExtension(b.snapshot, from, UK)).plan, 'not_permitted');
    expectRefused((await fromExtension(b.snapshot, from, '102')).plan, 'not_permitted');
  });
});

describe('toll-fraud guard: only subscriber calls may reach arbitrary numbers', () => {
  const directions = ['inbound', 'outbound-api', 'outbound', 'application', '', 'unknown', 'INBOUND', 'subscriber2'];
  const destinations = [UK, '442079460000', '+18005550199', '102', 'sip:+442079460000@evil.example'];
  const callers = ['101', '+14155550123', 'sip:101@acme.cloudonix.net'];

  it('no direction other than subscriber produces a dial to a number that is not a DID of ours', async () => {
    const { b } = org();
    b.did('+12125550111', toExtension(b.extension('103')));
    for (const direction of directions) {
      for (const to of destinations) {
        for (const from of callers) {
          const { plan } = await inbound(b.snapshot, to, new TestEnv(), direction, from);
          expect({ direction, to, from, plan: describePlan(plan) }).toEqual({ direction, to, from, plan: 'hangup not_in_service' });
        }
      }
    }
  });

  it('the same directions still reach the organization’s DIDs', async () => {
    const { b } = org();
    b.did('+12125550111', toExtension(b.extension('103')));
    for (const direction of directions) {
      const { plan } = await inbound(b.snapshot, '+12125550111', new TestEnv(), direction, '101');
      expect({ direction, plan: describePlan(plan) }).toEqual({ direction, plan: 'dial 103 30s' });
    }
  });

  it('an external caller cannot reach an extension by dialling its number', async () => {
    const { b } = org();
    const { plan } = await inbound(b.snapshot, '102', new TestEnv(), 'inbound', '+14155550123');
    expectRefused(plan, 'not_in_service');
  });
});
