import { describe, expect, it } from 'vitest';

import { isDatabaseUnavailable } from '../src/index.js';

/** Which database errors mean "try again in a moment" (503), and which are the request's or ours. */
const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '08006', '08001', '57P01', '57P03', '53300', 'SQLITE_BUSY'])('%s: unavailable', (code) => {
    expect(isDatabaseUnavailable(withCode(code))).toBe(true);
  });

  it.each([
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['a wrapped cause', new Error('routing snapshot refresh failed', { cause: withCode('ECONNREFUSED') })],
  ])('%s: unavailable', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each(['23505', '22P02', '42P01', '57014', 'SQLITE_CONSTRAINT_UNIQUE'])('%s: not unavailable (a conflict, bad input or our bug)', (code) => {
    expect(isDatabaseUnavailable(withCode(code))).toBe(false);
  });

  it.each([undefined, null, 'ECONNREFUSED', 42, new Error('boom')])('%j: not unavailable', (err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
