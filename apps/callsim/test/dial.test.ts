import { describe, expect, test } from 'vitest';

import { behaviourFor, type DialLeg, dialStatusParams, type DialTarget, resolveDial, spellDialStatus, type TargetBehaviour } from '../src/index.js';

const number = (value: string): DialTarget => ({ kind: 'number', noun: 'Number', value, attributes: {} });
const leg = (value: string, behaviour: TargetBehaviour): DialLeg => ({ target: number(value), behaviour });
const never = Number.POSITIVE_INFINITY;

describe('resolveDial: one target', () => {
  test('answers after N seconds and talks M seconds', () => {
    const r = resolveDial([leg('101', { outcome: 'answer', after: 4, talk: 25 })], { timeout: 30, callerHangupIn: never });
    expect(r).toMatchObject({ status: 'completed', ringSeconds: 4, talkSeconds: 25, endedBy: 'callee' });
    expect(r.answeredBy?.value).toBe('101');
    expect(r.legs).toEqual([{ target: number('101'), result: 'answered' }]);
  });

  test('busy reports busy when the busy signal comes', () => {
    expect(resolveDial([leg('101', { outcome: 'busy', after: 2 })], { timeout: 30, callerHangupIn: never })).toMatchObject({
      status: 'busy',
      ringSeconds: 2,
      talkSeconds: 0,
      endedBy: 'rejected',
    });
  });

  test('no answer rings until the timeout', () => {
    expect(resolveDial([leg('101', { outcome: 'no-answer' })], { timeout: 20, callerHangupIn: never })).toMatchObject({
      status: 'no-answer',
      ringSeconds: 20,
      endedBy: 'timeout',
    });
  });

  test('an answer at or after the timeout is a no-answer', () => {
    const r = resolveDial([leg('101', { outcome: 'answer', after: 20 })], { timeout: 20, callerHangupIn: never });
    expect(r).toMatchObject({ status: 'no-answer', ringSeconds: 20 });
    expect(r.answeredBy).toBeUndefined();
  });

  test('failed (unreachable) fails immediately by default', () => {
    expect(resolveDial([leg('101', { outcome: 'failed' })], { timeout: 20, callerHangupIn: never })).toMatchObject({
      status: 'failed',
      ringSeconds: 0,
    });
  });

  test('a busy signal after the timeout never arrives: no-answer', () => {
    expect(resolveDial([leg('101', { outcome: 'busy', after: 40 })], { timeout: 30, callerHangupIn: never })).toMatchObject({
      status: 'no-answer',
      ringSeconds: 30,
    });
  });

  test('nothing to dial fails at once', () => {
    expect(resolveDial([], { timeout: 30, callerHangupIn: never })).toMatchObject({ status: 'failed', ringSeconds: 0, endedBy: 'nothing-to-dial' });
  });
});

describe('resolveDial: simultaneous ring', () => {
  test('the first answerer wins and the others are cancelled', () => {
    const r = resolveDial(
      [
        leg('101', { outcome: 'busy', after: 1 }),
        leg('102', { outcome: 'answer', after: 8, talk: 10 }),
        leg('103', { outcome: 'answer', after: 3, talk: 60 }),
        leg('104', { outcome: 'no-answer' }),
      ],
      { timeout: 30, callerHangupIn: never },
    );
    expect(r).toMatchObject({ status: 'completed', ringSeconds: 3, talkSeconds: 60 });
    expect(r.answeredBy?.value).toBe('103');
    expect(r.legs.map((l) => l.result)).toEqual(['busy', 'canceled', 'answered', 'canceled']);
  });

  test('a tie goes to the first target in document order', () => {
    const r = resolveDial([leg('101', { outcome: 'answer', after: 3 }), leg('102', { outcome: 'answer', after: 3 })], {
      timeout: 30,
      callerHangupIn: never,
    });
    expect(r.answeredBy?.value).toBe('101');
  });

  test('all busy is busy once the last busy signal arrives', () => {
    expect(
      resolveDial([leg('101', { outcome: 'busy', after: 1 }), leg('102', { outcome: 'busy', after: 4 })], { timeout: 30, callerHangupIn: never }),
    ).toMatchObject({ status: 'busy', ringSeconds: 4 });
  });

  test('busy and failed legs: busy', () => {
    expect(resolveDial([leg('101', { outcome: 'failed' }), leg('102', { outcome: 'busy', after: 2 })], { timeout: 30, callerHangupIn: never })).toMatchObject({
      status: 'busy',
      ringSeconds: 2,
    });
  });

  test('all failed: failed', () => {
    expect(resolveDial([leg('101', { outcome: 'failed' }), leg('102', { outcome: 'failed', after: 1 })], { timeout: 30, callerHangupIn: never })).toMatchObject(
      { status: 'failed', ringSeconds: 1 },
    );
  });

  test('one busy and one ringing: no-answer at the timeout', () => {
    const r = resolveDial([leg('101', { outcome: 'busy', after: 1 }), leg('102', { outcome: 'no-answer' })], { timeout: 15, callerHangupIn: never });
    expect(r).toMatchObject({ status: 'no-answer', ringSeconds: 15 });
    expect(r.legs.map((l) => l.result)).toEqual(['busy', 'no-answer']);
  });
});

describe('resolveDial: the caller and the limits', () => {
  test('the caller hanging up while it rings cancels the Dial', () => {
    const r = resolveDial([leg('101', { outcome: 'answer', after: 10 }), leg('102', { outcome: 'busy', after: 1 })], { timeout: 30, callerHangupIn: 6 });
    expect(r).toMatchObject({ status: 'canceled', ringSeconds: 6, talkSeconds: 0, endedBy: 'caller' });
    expect(r.legs.map((l) => l.result)).toEqual(['canceled', 'busy']);
  });

  test('a hangup at the very moment of the answer wins over the answer', () => {
    expect(resolveDial([leg('101', { outcome: 'answer', after: 5 })], { timeout: 30, callerHangupIn: 5 })).toMatchObject({ status: 'canceled' });
  });

  test('a hangup before a no-answer timeout is a cancel, not a no-answer', () => {
    expect(resolveDial([leg('101', { outcome: 'no-answer' })], { timeout: 30, callerHangupIn: 12 })).toMatchObject({
      status: 'canceled',
      ringSeconds: 12,
    });
  });

  test('the caller hanging up during the conversation ends the talk early', () => {
    expect(resolveDial([leg('101', { outcome: 'answer', after: 5, talk: 100 })], { timeout: 30, callerHangupIn: 45 })).toMatchObject({
      status: 'completed',
      ringSeconds: 5,
      talkSeconds: 40,
      endedBy: 'caller',
    });
  });

  test('timeLimit caps the conversation', () => {
    expect(resolveDial([leg('101', { outcome: 'answer', after: 2, talk: 100 })], { timeout: 30, timeLimit: 60, callerHangupIn: never })).toMatchObject({
      status: 'completed',
      talkSeconds: 60,
      endedBy: 'time-limit',
    });
  });
});

describe('dial status spellings', () => {
  test.each([
    ['documented', 'no-answer', 'completed'],
    ['compact', 'noanswer', 'completed'],
    ['snake', 'no_answer', 'completed'],
    ['upper', 'NO-ANSWER', 'COMPLETED'],
  ] as const)('%s', (spelling, noAnswer, completed) => {
    expect(spellDialStatus('no-answer', { spelling })).toBe(noAnswer);
    expect(spellDialStatus('completed', { spelling })).toBe(completed);
    expect(spellDialStatus('busy', { spelling })).toBe(spelling === 'upper' ? 'BUSY' : 'busy');
  });

  test('answered can be spelled answered', () => {
    expect(spellDialStatus('completed', { answeredAs: 'answered' })).toBe('answered');
    expect(spellDialStatus('busy', { answeredAs: 'answered' })).toBe('busy');
  });

  test('the outcome goes in DialCallStatus, CallStatus or both', () => {
    expect(dialStatusParams('busy')).toEqual({ DialCallStatus: 'busy', CallStatus: 'busy' });
    expect(dialStatusParams('busy', { field: 'DialCallStatus' })).toEqual({ DialCallStatus: 'busy' });
    expect(dialStatusParams('canceled', { field: 'CallStatus', spelling: 'upper' })).toEqual({ CallStatus: 'CANCELED' });
  });
});

describe('scenario target lookup', () => {
  const busy: TargetBehaviour = { outcome: 'busy' };
  const noAnswer: TargetBehaviour = { outcome: 'no-answer' };

  test('exact value, kind:value, then a +/sip: tolerant match, then the function, then the default', () => {
    const scenario = {
      targets: { '101': busy, 'conference:sales': noAnswer, '+15551234567': noAnswer, 'sip:alice@example.com': busy },
      target: (t: DialTarget) => (t.value === '999' ? ({ outcome: 'failed' } as const) : undefined),
      defaultTarget: { outcome: 'answer', after: 1, talk: 2 } as const,
    };
    expect(behaviourFor(scenario, number('101'), 0)).toBe(busy);
    expect(behaviourFor(scenario, { kind: 'conference', noun: 'Conference', value: 'sales', attributes: {} }, 0)).toBe(noAnswer);
    expect(behaviourFor(scenario, number('15551234567'), 0)).toBe(noAnswer);
    expect(behaviourFor(scenario, { kind: 'sip', noun: 'Sip', value: 'alice@example.com', attributes: {} }, 0)).toBe(busy);
    expect(behaviourFor(scenario, number('999'), 0)).toEqual({ outcome: 'failed' });
    expect(behaviourFor(scenario, number('555'), 0)).toEqual({ outcome: 'answer', after: 1, talk: 2 });
  });

  test('built-in defaults: targets answer after 5 s and talk 30 s; conferences join at once', () => {
    expect(behaviourFor({}, number('101'), 0)).toEqual({ outcome: 'answer', after: 5, talk: 30 });
    expect(behaviourFor({}, { kind: 'conference', noun: 'Conference', value: 'x', attributes: {} }, 0)).toEqual({
      outcome: 'answer',
      after: 0,
      talk: 60,
    });
  });
});

describe('call presets', () => {
  test('name the parties and the Direction of the common call types', async () => {
    const { apiOriginatedCall, inboundCall, internalCall, outboundCall } = await import('../src/index.js');
    expect(inboundCall('+15557770000', '+15550001111')).toEqual({ direction: 'inbound', from: '+15550001111', to: '+15557770000' });
    expect(inboundCall('+15557770000').from).toMatch(/^\+1555\d{7}$/);
    expect(internalCall('101', '102')).toEqual({ direction: 'subscriber', from: '101', to: '102' });
    expect(outboundCall('101', '+442071234567')).toEqual({ direction: 'subscriber', from: '101', to: '+442071234567' });
    expect(apiOriginatedCall('+15550001111', '+15557770000')).toEqual({ direction: 'outbound-api', from: '+15557770000', to: '+15550001111' });
  });
});
