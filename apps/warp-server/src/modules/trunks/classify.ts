import type { TrunkTestResult } from '@warp/contract';

import type { TrunksTable } from '../../db/schema.js';

type DestinationClass = TrunkTestResult['destination_class'];

// NANP toll-free and premium-rate area codes.
const TOLLFREE_NPA = new Set(['800', '833', '844', '855', '866', '877', '888']);
const PREMIUM_NPA = new Set(['900', '976']);

/**
 * A dialled number as WARP would see it from this trunk: the tech prefix removed, punctuation
 * dropped, NANP 10/11-digit and 011 international forms made E.164. Undefined when it cannot be.
 */
export function normalizeDialled(raw: string, techPrefix: string | null): string | undefined {
  let s = raw.replace(/[\s().-]/g, '');
  if (techPrefix && s.startsWith(techPrefix) && s.length > techPrefix.length) s = s.slice(techPrefix.length);
  let digits: string;
  if (s.startsWith('+')) digits = s.slice(1);
  else if (s.startsWith('011')) digits = s.slice(3);
  else if (/^[2-9]\d{9}$/.test(s)) digits = `1${s}`;
  else digits = s;
  if (!/^[1-9]\d{7,14}$/.test(digits)) return undefined;
  // A NANP number is exactly 11 digits with a valid area code and exchange.
  if (digits.startsWith('1') && !/^1[2-9]\d{2}[2-9]\d{6}$/.test(digits)) return undefined;
  return `+${digits}`;
}

export function classify(e164: string): DestinationClass {
  if (!e164.startsWith('+1')) return 'international';
  const npa = e164.slice(2, 5);
  if (TOLLFREE_NPA.has(npa)) return 'tollfree';
  if (PREMIUM_NPA.has(npa)) return 'premium';
  return 'domestic';
}

/** What the trunk's own settings say about a call to `e164` (the route engine comes later). */
export function checkTrunk(trunk: TrunksTable, effectiveStatus: string, e164: string, cls: DestinationClass): string[] {
  const reasons: string[] = [];
  if (effectiveStatus !== 'active' && effectiveStatus !== 'testing') reasons.push(`the trunk is ${effectiveStatus}`);
  if (trunk.direction === 'inbound') reasons.push('the trunk only receives calls (direction inbound)');
  if (!(JSON.parse(trunk.allowed_destinations) as string[]).includes(cls)) reasons.push(`${cls} destinations are not allowed on this trunk`);
  const digits = e164.slice(1);
  const blocked = (JSON.parse(trunk.blocked_prefixes) as string[]).find((p) => digits.startsWith(p.replace(/^\+/, '')));
  if (blocked) reasons.push(`the number matches the blocked prefix ${blocked}`);
  return reasons;
}
