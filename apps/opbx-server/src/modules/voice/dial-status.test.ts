import { describe, expect, it } from 'vitest';

import { type DialOutcome, normalizeDialStatus } from './router.js';

describe('normalizeDialStatus', () => {
  const cases: Array<[string | undefined, DialOutcome]> = [
    ['completed', 'answered'],
    ['answered', 'answered'],
    ['busy', 'busy'],
    ['no-answer', 'no_answer'],
    ['noanswer', 'no_answer'],
    ['no_answer', 'no_answer'],
    ['NO ANSWER', 'no_answer'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
    ['cancelled', 'canceled'],
    // Case and stray whitespace from any proxy in between.
    ['COMPLETED', 'answered'],
    ['Answered', 'answered'],
    ['BUSY', 'busy'],
    ['No-Answer', 'no_answer'],
    ['NOANSWER', 'no_answer'],
    ['FAILED', 'failed'],
    ['Canceled', 'canceled'],
    ['CANCELLED', 'canceled'],
    [' busy ', 'busy'],
    // Nothing we can read: not an answer.
    ['', 'unknown'],
    ['   ', 'unknown'],
    [undefined, 'unknown'],
    ['ringing', 'unknown'],
    ['queued', 'unknown'],
    ['unknown', 'unknown'],
    ['bogus', 'unknown'],
    ['42', 'unknown'],
  ];

  it.each(cases)('%j → %s', (raw, expected) => {
    expect(normalizeDialStatus(raw)).toBe(expected);
  });
});
