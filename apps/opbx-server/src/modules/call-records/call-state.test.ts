import { describe, expect, it } from 'vitest';

import type { CallStatus } from '../../db/schema.js';
import { epochToIso, type EventSource, isTerminal, nextStatus, statusFromDisposition, statusFromSession } from './call-state.js';

type Event = [CallStatus, EventSource];

/** Folds events the way the ingester does: the source of the current status is the source of the event that set it. */
function fold(events: Event[]): { status: CallStatus; source: string | null } {
  let current: { status: CallStatus; source: string | null } = { status: 'initiated', source: null };
  for (const [status, source] of events) {
    const next = nextStatus(current, { status, source });
    if (next !== current.status || source === 'cdr') current = { status: next, source };
  }
  return current;
}

describe('isTerminal', () => {
  it('completed, busy, no_answer and failed are terminal', () => {
    const all: CallStatus[] = ['initiated', 'ringing', 'answered', 'completed', 'busy', 'no_answer', 'failed'];
    expect(all.filter(isTerminal)).toEqual(['completed', 'busy', 'no_answer', 'failed']);
  });
});

describe('nextStatus', () => {
  it('moves forward', () => {
    expect(nextStatus({ status: 'initiated', source: null }, { status: 'ringing', source: 'route' })).toBe('ringing');
    expect(nextStatus({ status: 'ringing', source: 'route' }, { status: 'answered', source: 'session' })).toBe('answered');
    expect(nextStatus({ status: 'answered', source: 'session' }, { status: 'completed', source: 'session' })).toBe('completed');
  });

  it('may skip states (a lost ringing event does not strand the call)', () => {
    expect(nextStatus({ status: 'initiated', source: null }, { status: 'answered', source: 'session' })).toBe('answered');
    expect(nextStatus({ status: 'initiated', source: null }, { status: 'no_answer', source: 'dial' })).toBe('no_answer');
  });

  it('never moves backward (late or duplicated events)', () => {
    expect(nextStatus({ status: 'answered', source: 'session' }, { status: 'ringing', source: 'session' })).toBe('answered');
    expect(nextStatus({ status: 'ringing', source: 'route' }, { status: 'initiated', source: 'session' })).toBe('ringing');
    expect(nextStatus({ status: 'ringing', source: 'route' }, { status: 'ringing', source: 'dial' })).toBe('ringing');
  });

  it('the first terminal status sticks against anything but a CDR', () => {
    const sources: EventSource[] = ['route', 'dial', 'session', 'recording', 'sweep'];
    for (const source of sources) {
      expect(nextStatus({ status: 'no_answer', source: 'dial' }, { status: 'completed', source })).toBe('no_answer');
      expect(nextStatus({ status: 'completed', source: 'session' }, { status: 'failed', source })).toBe('completed');
      expect(nextStatus({ status: 'busy', source: 'dial' }, { status: 'answered', source })).toBe('busy');
    }
  });

  it('the CDR is authoritative: it overrides a terminal status set by another source', () => {
    expect(nextStatus({ status: 'no_answer', source: 'session' }, { status: 'completed', source: 'cdr' })).toBe('completed');
    expect(nextStatus({ status: 'failed', source: 'sweep' }, { status: 'busy', source: 'cdr' })).toBe('busy');
    expect(nextStatus({ status: 'ringing', source: 'route' }, { status: 'failed', source: 'cdr' })).toBe('failed');
  });

  it('after the CDR nothing changes the status, not even another CDR', () => {
    for (const source of ['route', 'dial', 'session', 'recording', 'sweep', 'cdr'] as EventSource[]) {
      expect(nextStatus({ status: 'completed', source: 'cdr' }, { status: 'failed', source })).toBe('completed');
    }
  });

  it('converges whatever the arrival order', () => {
    const events: Event[] = [
      ['ringing', 'route'],
      ['answered', 'session'],
      ['completed', 'session'],
      ['completed', 'cdr'],
    ];
    const permutations = (xs: Event[]): Event[][] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const order of permutations(events)) expect(fold(order)).toEqual({ status: 'completed', source: 'cdr' });
    // A session that ended unanswered, corrected by the CDR, in any order.
    const corrected: Event[] = [
      ['ringing', 'route'],
      ['no_answer', 'session'],
      ['completed', 'cdr'],
      ['ringing', 'session'],
    ];
    for (const order of permutations(corrected)) expect(fold(order).status).toBe('completed');
  });
});

describe('statusFromSession', () => {
  it.each<[unknown, boolean, CallStatus | undefined]>([
    ['new', false, 'initiated'],
    ['processing', false, 'initiated'],
    ['ringing', false, 'ringing'],
    ['early', false, 'ringing'],
    ['connected', false, 'answered'],
    ['CONNECTED', false, 'answered'],
    ['answered', false, 'answered'],
    ['in-progress', false, 'answered'],
    ['completed', true, 'completed'],
    ['completed', false, 'no_answer'],
    ['hangup', true, 'completed'],
    ['ended', false, 'no_answer'],
    ['disconnected', true, 'completed'],
    ['terminated', false, 'no_answer'],
    ['busy', false, 'busy'],
    ['no-answer', false, 'no_answer'],
    ['noanswer', false, 'no_answer'],
    ['canceled', false, 'no_answer'],
    ['cancelled', true, 'no_answer'],
    ['failed', true, 'failed'],
    ['error', false, 'failed'],
    ['congestion', false, 'failed'],
    ['external', false, undefined],
    ['', false, undefined],
    [null, false, undefined],
    [undefined, true, undefined],
    [42, false, undefined],
    [{ status: 'connected' }, false, undefined],
  ])('%j (answered before: %s) → %s', (raw, answeredBefore, expected) => {
    expect(statusFromSession(raw, answeredBefore)).toBe(expected);
  });
});

describe('statusFromDisposition', () => {
  it.each<[unknown, number, CallStatus]>([
    ['ANSWER', 30, 'completed'],
    ['ANSWERED', 30, 'completed'],
    ['CONNECTED', 30, 'completed'],
    ['answer', 0, 'completed'],
    ['BUSY', 0, 'busy'],
    ['NOANSWER', 0, 'no_answer'],
    ['NO ANSWER', 0, 'no_answer'],
    ['no-answer', 0, 'no_answer'],
    ['CANCEL', 0, 'no_answer'],
    ['CANCELED', 0, 'no_answer'],
    ['FAILED', 0, 'failed'],
    ['CONGESTION', 0, 'failed'],
    // Unknown dispositions: the billed seconds decide.
    ['SOMETHING_NEW', 12, 'completed'],
    ['SOMETHING_NEW', 0, 'failed'],
    ['', 0, 'failed'],
    [null, 5, 'completed'],
    [undefined, 0, 'failed'],
  ])('%j with billsec %i → %s', (raw, billsec, expected) => {
    expect(statusFromDisposition(raw, billsec)).toBe(expected);
  });
});

describe('epochToIso', () => {
  it('reads epoch milliseconds', () => {
    expect(epochToIso(1772636400000)).toBe('2026-03-04T15:00:00.000Z');
    expect(epochToIso('1772636400123')).toBe('2026-03-04T15:00:00.123Z');
  });

  it('reads epoch seconds', () => {
    expect(epochToIso(1772636400)).toBe('2026-03-04T15:00:00.000Z');
    expect(epochToIso('1772636400')).toBe('2026-03-04T15:00:00.000Z');
    expect(epochToIso(1772636400.5)).toBe('2026-03-04T15:00:00.500Z');
  });

  it.each([0, '0', -1, -1772636400000, '', '   ', 'abc', '2026-03-04T15:00:00Z', null, undefined, NaN, Infinity, -Infinity, true, {}, [], 1e20])(
    '%j → null',
    (value) => {
      expect(epochToIso(value)).toBeNull();
    },
  );
});
