import type { CdrAttempt } from '@warp/contract';

import type { CdrsTable } from '../../db/cdr-tables.js';

/** The attempt that answered (at most one may), else undefined. */
export const answeredAttempt = (attempts: readonly CdrAttempt[]) => attempts.find((a) => a.answered_at);

/**
 * What happened to the call, from its final attempt's SIP code as a billing analyst reads it:
 * answered if any attempt was; busy (486, 600), no answer (408, 480), cancelled by the caller
 * (487), anything else failed.
 */
export function dispositionOf(attempts: readonly CdrAttempt[]): CdrsTable['disposition'] {
  if (answeredAttempt(attempts)) return 'answered';
  const last = attempts[attempts.length - 1];
  if (!last) return 'failed';
  if (last.sip_code === 486 || last.sip_code === 600) return 'busy';
  if (last.sip_code === 408 || last.sip_code === 480) return 'no_answer';
  if (last.sip_code === 487) return 'cancelled';
  return 'failed';
}

/** Checks the attempts' times agree with each other; the schema has checked their shapes. */
export function attemptIssues(startedAt: string, attempts: readonly CdrAttempt[]): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const start = Date.parse(startedAt);
  let answered = 0;
  attempts.forEach((a, i) => {
    const s = Date.parse(a.started_at);
    const e = Date.parse(a.ended_at);
    if (s < start) out.push({ field: `attempts.${i}.started_at`, message: 'is before the call started' });
    if (e < s) out.push({ field: `attempts.${i}.ended_at`, message: 'is before the attempt started' });
    if (a.answered_at) {
      answered++;
      const t = Date.parse(a.answered_at);
      if (t < s || t > e) out.push({ field: `attempts.${i}.answered_at`, message: 'must lie between the attempt start and end' });
      if (a.sip_code < 200 || a.sip_code >= 300) out.push({ field: `attempts.${i}.sip_code`, message: 'an answered attempt ends with a 2xx final code' });
    }
  });
  if (answered > 1) out.push({ field: 'attempts', message: 'at most one attempt can have answered' });
  return out;
}
