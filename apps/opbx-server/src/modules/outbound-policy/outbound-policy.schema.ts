import { isCountryCode } from '@opbx/platform/telephony';
import { z } from 'zod';

const country = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, e.g. US')
  .refine(isCountryCode, 'is not a country with a telephone numbering plan');

/** Omitted fields keep their current value (the default's, before the first write). */
export const putOutboundPolicyBody = z.strictObject({
  country: country.optional(),
  allow_national: z.boolean().optional(),
  allow_international: z.boolean().optional(),
  allow_premium: z.boolean().optional(),
  allow_special: z.boolean().optional(),
  blocked_prefixes: z
    .array(z.string().regex(/^\+[1-9]\d{0,14}$/, 'must be + and 1 to 15 digits, e.g. +1900'))
    .max(200, 'must have at most 200 prefixes')
    .transform((list) => [...new Set(list)])
    .optional(),
  blocked_countries: z
    .array(country)
    .max(250, 'must have at most 250 countries')
    .transform((list) => [...new Set(list)])
    .optional(),
});
export type PutOutboundPolicyInput = z.infer<typeof putOutboundPolicyBody>;
