import { IANAZone } from 'luxon';
import { z } from 'zod';

/** Shared schema pieces. Request bodies are strict: unknown fields are a 422, never ignored. */
export const statusSchema = z.enum(['active', 'inactive']);
export const idSchema = z.string().uuid('must be a valid id');
export const idParams = z.object({ id: z.string().max(64) });

export const E164_RE = /^\+[1-9]\d{7,14}$/;
export const EXTENSION_NUMBER_RE = /^\d{2,8}$/;

export const extensionNumberSchema = z.string().regex(EXTENSION_NUMBER_RE, 'must be a string of 2 to 8 digits');

export const nameSchema = (max = 100) =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

/** Free-text search terms in list queries. */
export const searchSchema = z
  .string()
  .trim()
  .max(100)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters')
  .optional();

/** IANA zone names only (no fixed offsets), validated against the runtime's tz database. */
export const timezoneSchema = z
  .string()
  .max(64)
  .refine((tz) => /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz) && IANAZone.isValidZone(tz), 'must be a valid IANA time zone, e.g. America/New_York');

/** E.164 after stripping spaces, dashes, dots and parentheses people type. */
export const e164Schema = z
  .string()
  .max(32)
  .transform((s) => s.replace(/[\s\-().]/g, ''))
  .pipe(z.string().regex(E164_RE, 'must be an E.164 number: + followed by 8 to 15 digits'));
