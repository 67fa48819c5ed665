import { type CountryCode, getCountries, getCountryCallingCode, type NumberType, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * What kind of destination an E.164 number is, from libphonenumber's full ("max") metadata: its
 * country and number type, sorted into the classes toll-fraud policies decide on: premium rate;
 * "special" (shared cost, personal numbers, UAN, pagers, voicemail access, and every
 * non-geographic code: satellite, international networks, global services such as +881/+882/+883);
 * everything else is standard. A range the metadata does not know keeps the country of its calling
 * code where only one country has that code (+90 → TR), else none (+1 555…, +44 99…).
 */
type DestinationClass = 'standard' | 'premium' | 'special';

interface Destination {
  e164: string;
  /** ISO 3166-1 alpha-2, or null (non-geographic codes, unknown ranges of shared calling codes). */
  country: string | null;
  callingCode: string;
  nonGeographic: boolean;
  type: NumberType | null;
  class: DestinationClass;
}

const SPECIAL_TYPES = new Set<NumberType>(['SHARED_COST', 'PERSONAL_NUMBER', 'UAN', 'PAGER', 'VOICEMAIL']);

let countries: Set<string> | undefined;
export const isCountryCode = (code: string): boolean => (countries ??= new Set(getCountries())).has(code);

/** The calling code of an ISO country (`US` → `1`), or undefined for an unknown country. */
export const callingCodeOf = (country: string): string | undefined => (isCountryCode(country) ? getCountryCallingCode(country as CountryCode) : undefined);

export function classifyDestination(e164: string): Destination | undefined {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return undefined;
  const type = parsed.getType() ?? null;
  const nonGeographic = parsed.isNonGeographic();
  const cls: DestinationClass = type === 'PREMIUM_RATE' ? 'premium' : nonGeographic || (type !== null && SPECIAL_TYPES.has(type)) ? 'special' : 'standard';
  return { e164: parsed.number, country: parsed.country ?? null, callingCode: parsed.countryCallingCode, nonGeographic, type, class: cls };
}
