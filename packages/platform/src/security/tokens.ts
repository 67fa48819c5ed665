import crypto, { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A bearer token: 32 random bytes, URL-safe, with a prefix so leaked tokens are recognisable. */
export const generateToken = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

// `crypto.hash` (Node 20.12+) digests without building a Hash object; every authenticated request hashes its token.
const oneShot: typeof crypto.hash | undefined = crypto.hash;

/** Tokens are stored only as their SHA-256; a database leak does not leak usable tokens. */
export const sha256Hex = (value: string): string => oneShot?.('sha256', value, 'hex') ?? createHash('sha256').update(value).digest('hex');

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    // Compare anyway so the time does not depend on where the inputs differ.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** A random secret of the given alphabet, e.g. SIP passwords. */
export function randomSecret(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    // Reject bytes that would bias the modulo.
    if (bytes[i]! < 256 - (256 % alphabet.length)) out += alphabet[bytes[i]! % alphabet.length];
  }
  return out.length === length ? out : randomSecret(length);
}
