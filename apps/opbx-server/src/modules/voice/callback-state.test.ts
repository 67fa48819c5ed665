import { describe, expect, it } from 'vitest';

import { type CallbackState, packState, unpackState } from './callback-state.js';

describe('callback state', () => {
  const states: CallbackState[] = [
    { kind: 'dial', organizationId: 'o1', callSid: 'c1', next: { kind: 'extension', extensionId: 'e1', hop: 2, didId: 'd1' } },
    { kind: 'dial', organizationId: 'o1', callSid: 'c1', next: { kind: 'ring_group', ringGroupId: 'g1', order: ['a', 'b'], nextIndex: 1, hop: 0 } },
    { kind: 'dial', organizationId: 'o1', callSid: 'c1', next: { kind: 'end' } },
    { kind: 'voicemail', organizationId: 'o1', callSid: 'c1', mailboxExtensionId: 'e1' },
    { kind: 'voicemail', organizationId: 'o1', callSid: 'c1', mailboxExtensionId: null, boxId: 'b1' },
    { kind: 'recording', organizationId: 'o1', callSid: 'c1' },
  ];

  it('round-trips every kind through the compact wire form', () => {
    for (const state of states) expect(unpackState(JSON.parse(JSON.stringify(packState(state))))).toEqual(state);
  });

  it('keeps the wire form URLs were issued in (calls in progress across a deploy keep working)', () => {
    expect(packState(states[1]!)).toEqual({ o: 'o1', c: 'c1', n: { k: 'rg', g: 'g1', o: ['a', 'b'], i: 1, h: 0 }, t: 'dial' });
    expect(unpackState({ o: 'o1', c: 'c1', n: { k: 'ext', e: 'e1', h: 2, d: 'd1' }, t: 'dial' })).toEqual(states[0]);
  });

  it('refuses shapes it never issues', () => {
    for (const wire of [
      null,
      'x',
      [],
      {},
      { o: 'o', c: 'c', t: 'dial' },
      { o: 'o', c: 'c', t: 'dial', n: { k: 'rg', g: 'g', o: [1], i: 0, h: 0 } },
      { o: 'o', c: 'c', t: 'dial', n: { k: 'ext', e: 'e' } },
      { o: 1, c: 'c', t: 'rec' },
      { o: 'o', c: 'c', t: 'other' },
    ]) {
      expect(unpackState(wire), JSON.stringify(wire)).toBeUndefined();
    }
  });
});
