import { callingCodeOf, classifyDestination } from '@opbx/platform/telephony';

/**
 * The outbound policy (toll fraud): which external numbers an organization's extensions may dial
 * and forward to. Pure: the router and the extension writes both ask `refusalOf`.
 */
export interface OutboundPolicy {
  /** ISO 3166-1 alpha-2: "national" means numbers of this country. */
  country: string;
  allowNational: boolean;
  allowInternational: boolean;
  /** Premium-rate numbers (+1 900…, UK 09…), in any country the scope allows. */
  allowPremium: boolean;
  /** Shared-cost, personal, UAN, pager and voicemail-access numbers, and non-geographic codes (+881/+882/+883…). */
  allowSpecial: boolean;
  /** E.164 prefixes never dialled, whatever else allows them (`+1900`, `+44`). */
  blockedPrefixes: string[];
  /** ISO countries never dialled. */
  blockedCountries: string[];
}

export type BlockReason =
  'prefix_blocked' | 'country_blocked' | 'national_not_allowed' | 'international_not_allowed' | 'premium_not_allowed' | 'special_not_allowed';

/** Where an organization's numbers give no clue. */
const FALLBACK_COUNTRY = 'US';

/** The safe default: national calls of `country` only, no premium or special numbers. */
export const defaultPolicy = (country: string): OutboundPolicy => ({
  country,
  allowNational: true,
  allowInternational: false,
  allowPremium: false,
  allowSpecial: false,
  blockedPrefixes: [],
  blockedCountries: [],
});

/** How many of an organization's numbers decide its default country (classifying one costs ~0.1 ms). */
const COUNTRY_SAMPLE = 25;

/** The country most of `numbers` belong to (the organization's DIDs, an evenly spread sample of them), else the fallback. */
export function countryOfNumbers(numbers: Iterable<string>): string {
  const sorted = [...numbers].sort();
  const step = Math.max(1, Math.ceil(sorted.length / COUNTRY_SAMPLE));
  const counts = new Map<string, number>();
  for (let i = 0; i < sorted.length; i += step) {
    const n = sorted[i]!;
    const country = classifyDestination(n)?.country;
    if (country) counts.set(country, (counts.get(country) ?? 0) + 1);
  }
  let best = FALLBACK_COUNTRY;
  let most = 0;
  for (const [country, n] of counts) if (n > most) [best, most] = [country, n];
  return best;
}

/** Why `policy` refuses the E.164 number, or null when it may be dialled. */
export function refusalOf(policy: OutboundPolicy, e164: string): BlockReason | null {
  if (policy.blockedPrefixes.some((p) => e164.startsWith(p))) return 'prefix_blocked';
  const d = classifyDestination(e164);
  if (!d) return policy.allowInternational ? null : 'international_not_allowed';
  if (d.country && policy.blockedCountries.includes(d.country)) return 'country_blocked';
  // A range the metadata does not place (+1 555…) is national when it shares the policy country's calling code.
  const national = d.country ? d.country === policy.country : !d.nonGeographic && d.callingCode === callingCodeOf(policy.country);
  if (national && !policy.allowNational) return 'national_not_allowed';
  if (!national && !policy.allowInternational) return 'international_not_allowed';
  if (d.class === 'premium' && !policy.allowPremium) return 'premium_not_allowed';
  if (d.class === 'special' && !policy.allowSpecial) return 'special_not_allowed';
  return null;
}

/** What a refusal means, for people (422 details). */
export const REFUSALS: Record<BlockReason, string> = {
  prefix_blocked: 'is in a blocked number range of the outbound policy',
  country_blocked: 'is in a country the outbound policy blocks',
  national_not_allowed: 'is a national number and the outbound policy does not allow national calls',
  international_not_allowed: 'is an international number and the outbound policy allows national calls only',
  premium_not_allowed: 'is a premium-rate number and the outbound policy does not allow them',
  special_not_allowed: 'is a special-service or non-geographic number and the outbound policy does not allow them',
};
