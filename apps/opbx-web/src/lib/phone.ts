import { type CountryCode, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Every phone number the console shows goes through here. Numbers are stored in E.164; a number
 * of the organization's own country is written the way people there write it ("(202) 555-0123",
 * "020 7183 8750"), any other in international format with its country code ("+44 20 7183 8750").
 * Values that are not E.164 (an extension, "anonymous") are shown as they are.
 */
export function formatPhone(value: string | null | undefined, homeCountry?: string): string {
  if (!value) return '—';
  if (!value.startsWith('+')) return value;
  const parsed = parsePhoneNumberFromString(value);
  if (!parsed) return value;
  return isHome(parsed.country, parsed.countryCallingCode, homeCountry) ? parsed.formatNational() : parsed.formatInternational();
}

function isHome(country: CountryCode | undefined, callingCode: string, home: string | undefined): boolean {
  if (!home) return false;
  if (country) return country === home;
  // A range the metadata does not place in a country (+1 555 01xx): home when it shares the
  // home country's calling code, since it is dialled like the home country's numbers.
  try {
    return getCountryCallingCode(home as CountryCode) === callingCode;
  } catch {
    return false;
  }
}
