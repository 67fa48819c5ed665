import { z } from 'zod';

/** Bits of entropy per symbol in `symbols`, estimated from their frequencies (Shannon). */
function entropyPerSymbol<T>(symbols: T[]): number {
  const counts = new Map<T, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / symbols.length) * Math.log2(n / symbols.length);
  return bits;
}

/** Estimated strength below which a requests key is refused (random 24-character hex keys score 60–95, words and runs far less). */
const MIN_KEY_BITS = 56;

/**
 * A requests key is the only credential on the voice webhooks, so it must be hard to guess. Its
 * strength is estimated from how often each character occurs and, so that runs and repeated
 * patterns (`abcdef…`, `0123…`, `abab…`) score low too, from the steps between neighbours;
 * the weaker of the two counts.
 */
function estimatedKeyBits(key: string): number {
  const codes = [...key].map((c) => c.charCodeAt(0));
  const steps = codes.slice(1).map((c, i) => c - codes[i]!);
  return key.length * Math.min(entropyPerSymbol(codes), steps.length ? entropyPerSymbol(steps) : 0);
}

/** A stretch of 6+ characters that occurs twice (`Secret1Secret1…`): a random key of this length almost never has one. */
const hasRepeat = (key: string): boolean => /(.{6,}).*\1/s.test(key);

const isStrongKey = (key: string): boolean => new Set(key).size >= 8 && !hasRepeat(key) && estimatedKeyBits(key) >= MIN_KEY_BITS;

const requestsKeySchema = z
  .string()
  .min(24, 'must be at least 24 characters')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .refine(isStrongKey, 'is too easy to guess: use a long random key (omit it to have one generated)');

const baseUrlSchema = z
  .string()
  .max(500)
  .url('must be an absolute http(s) URL')
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http or https URL')
  .transform((u) => u.replace(/\/+$/, ''));

export const putCloudonixBody = z.strictObject({
  domain_uuid: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits, dots, dashes, colons or underscores'),
  domain_name: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(253)
    .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'must be a domain name'),
  /** Omitted: keep the current key, or generate one on first setup (returned once). */
  requests_key: requestsKeySchema.optional(),
  webhook_base_url: baseUrlSchema,
});
export type PutCloudonixInput = z.infer<typeof putCloudonixBody>;
