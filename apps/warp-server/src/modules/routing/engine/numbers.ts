/*
 * Number normalization and classification for routing (docs/warp-routing.md, "Numbers").
 * Works on digit strings without '+': NANP numbers are 11 digits starting with 1.
 */

export type Zone = 'us' | 'canada' | 'caribbean' | 'tollfree' | 'premium' | 'n11' | 'international';

export const TOLLFREE_NPAS = new Set(['800', '833', '844', '855', '866', '877', '888']);
/** Premium-rate: the 900 area code, and the 976 exchange in any area code. */
export const PREMIUM_NPAS = new Set(['900']);
export const PREMIUM_NXXS = new Set(['976']);

/** Canadian area codes (CNA assignments, 2025). */
export const CANADA_NPAS = new Set(
  (
    '204 226 236 249 250 257 263 289 306 343 354 365 367 368 382 403 416 418 428 431 437 438 450 460 468 474 506 514 519 ' +
    '548 579 581 584 587 604 613 639 647 672 683 705 709 742 753 778 780 782 807 819 825 867 873 879 902 905 942'
  ).split(' '),
);

/** NANP members outside the US and Canada, by area code (ISO country). US territories count as US. */
export const CARIBBEAN_NPAS: ReadonlyMap<string, string> = new Map([
  ['242', 'BS'],
  ['246', 'BB'],
  ['264', 'AI'],
  ['268', 'AG'],
  ['284', 'VG'],
  ['345', 'KY'],
  ['441', 'BM'],
  ['473', 'GD'],
  ['649', 'TC'],
  ['658', 'JM'],
  ['664', 'MS'],
  ['721', 'SX'],
  ['758', 'LC'],
  ['767', 'DM'],
  ['784', 'VC'],
  ['809', 'DO'],
  ['829', 'DO'],
  ['849', 'DO'],
  ['868', 'TT'],
  ['869', 'KN'],
  ['876', 'JM'],
]);
/** US territories inside the NANP, by area code: their "state" for jurisdiction. */
export const US_TERRITORY_NPAS: ReadonlyMap<string, string> = new Map([
  ['340', 'VI'],
  ['670', 'MP'],
  ['671', 'GU'],
  ['684', 'AS'],
  ['787', 'PR'],
  ['939', 'PR'],
]);

export interface Normalized {
  /** E.164 digits without '+' (NANP: 1 + 10 digits; N11: the three digits). */
  digits: string;
  zone: Zone;
  /** NANP: 6-digit NPA-NXX of the dialled number. */
  npanxx: string | null;
  /** ISO country where the number alone says it (NANP by area code); null for other international numbers until looked up. */
  country: string | null;
}

const NANP = /^1([2-9]\d{2})([2-9]\d{2})\d{4}$/;
const N11 = /^[2-9]11$/;

/**
 * The dialled string as the engine sees it: the trunk's tech prefix stripped, then punctuation,
 * '+', or the 011 international prefix; a 10-digit NANP number gets its leading 1. Undefined when
 * what is left is not a callable number.
 */
export function normalizeNumber(raw: string, techPrefix?: string | null): Normalized | undefined {
  let s = raw.trim();
  if (techPrefix && s.startsWith(techPrefix) && s.length > techPrefix.length) s = s.slice(techPrefix.length);
  s = s.replace(/[\s().-]/g, '');
  if (s.startsWith('+')) s = s.slice(1);
  else if (s.startsWith('011')) s = s.slice(3);
  else if (/^[2-9]\d{9}$/.test(s)) s = `1${s}`;
  if (!/^\d+$/.test(s)) return undefined;
  if (N11.test(s)) return { digits: s, zone: 'n11', npanxx: null, country: 'US' };
  if (s.startsWith('1')) {
    const m = NANP.exec(s);
    if (!m) return undefined;
    const npa = m[1]!;
    const nxx = m[2]!;
    // N11 codes are not area codes or exchanges.
    if (npa.endsWith('11') || nxx.endsWith('11')) return undefined;
    return { digits: s, zone: nanpZone(npa, nxx), npanxx: npa + nxx, country: CARIBBEAN_NPAS.get(npa) ?? (CANADA_NPAS.has(npa) ? 'CA' : 'US') };
  }
  if (!/^[2-9]\d{6,14}$/.test(s)) return undefined;
  return { digits: s, zone: 'international', npanxx: null, country: null };
}

function nanpZone(npa: string, nxx: string): Zone {
  if (TOLLFREE_NPAS.has(npa)) return 'tollfree';
  if (PREMIUM_NPAS.has(npa) || PREMIUM_NXXS.has(nxx)) return 'premium';
  if (CANADA_NPAS.has(npa)) return 'canada';
  if (CARIBBEAN_NPAS.has(npa)) return 'caribbean';
  return 'us';
}

/** The trunk setting (allowed_destinations) a zone falls under. Caribbean NANP is international: it is priced and defrauded like it. */
export function destinationClassOf(zone: Zone): 'domestic' | 'international' | 'tollfree' | 'premium' {
  switch (zone) {
    case 'tollfree':
      return 'tollfree';
    case 'premium':
      return 'premium';
    case 'international':
    case 'caribbean':
      return 'international';
    default:
      return 'domestic';
  }
}

export type AniClass = 'domestic' | 'domestic_tollfree' | 'international' | 'none';

/** The caller's class, for the providers' accepted ANI classes. */
export function aniClassOf(ani: Normalized | undefined): AniClass {
  if (!ani || ani.zone === 'n11') return 'none';
  if (ani.zone === 'tollfree') return 'domestic_tollfree';
  if (ani.zone === 'international' || ani.zone === 'caribbean') return 'international';
  return 'domestic';
}

/** Does an NPA-NXX pattern with N (2-9) and X (0-9) wildcards match the start of a 10-digit national number? */
export function matchesPattern(pattern: string, national: string): boolean {
  if (national.length < pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern.charCodeAt(i);
    const c = national.charCodeAt(i);
    if (p === 78 /* N */) {
      if (c < 50 || c > 57) return false;
    } else if (p === 88 /* X */) {
      if (c < 48 || c > 57) return false;
    } else if (p !== c) return false;
  }
  return true;
}
