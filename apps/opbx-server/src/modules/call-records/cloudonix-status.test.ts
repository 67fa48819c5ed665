import { describe, expect, it } from 'vitest';

import { normalizeDialStatus } from '../voice/router.js';
import { statusFromDisposition, statusFromSession } from './call-state.js';
import { cloudonixMeaning } from './cloudonix-status.js';

/**
 * One table of Cloudonix status words: whichever webhook carries a word (Dial callback, session
 * update, CDR), it is read the same way. Before the table, `rejected` was a failure only in CDRs,
 * `nocredit` only in session updates, and `cancel` was read in three different synonym sets.
 */
describe('one Cloudonix status table', () => {
  it.each([
    ['NOCREDIT', 'failed'],
    ['Rejected', 'failed'],
    ['error', 'failed'],
    ['congestion', 'failed'],
    ['FAILED', 'failed'],
    ['BUSY', 'busy'],
    ['no-answer', 'no_answer'],
    ['NO ANSWER', 'no_answer'],
  ] as const)('%s means the same to every reader', (word, status) => {
    expect(normalizeDialStatus(word)).toBe(status);
    expect(statusFromSession(word, false)).toBe(status);
    expect(statusFromDisposition(word, 0)).toBe(status);
  });

  it.each(['cancel', 'CANCELED', 'cancelled'])('%s: the caller gave up (Dial: canceled; session and CDR: no answer)', (word) => {
    expect(cloudonixMeaning(word)).toBe('canceled');
    expect(normalizeDialStatus(word)).toBe('canceled');
    expect(statusFromSession(word, false)).toBe('no_answer');
    expect(statusFromDisposition(word, 0)).toBe('no_answer');
  });

  it.each(['answer', 'ANSWERED', 'connected', 'in-progress'])('%s: answered everywhere', (word) => {
    expect(normalizeDialStatus(word)).toBe('answered');
    expect(statusFromSession(word, false)).toBe('answered');
    expect(statusFromDisposition(word, 0)).toBe('completed');
  });

  it('unknown words and non-strings mean nothing (no prototype keys either)', () => {
    for (const raw of ['', 'external', 'toString', 'constructor', '__proto__', 42, null, undefined, {}]) expect(cloudonixMeaning(raw)).toBeUndefined();
  });
});
