import { z } from 'zod';

/*
 * Scalars of the later-issue areas (routing, CDRs, billing, numbers, messaging, NetSuite).
 * Money and rates travel as decimal strings so that no side ever rounds them through a binary float.
 */

/** A rate or an amount: up to 6 decimal places, never a float. */
export const decimalSchema = z.string().regex(/^-?\d{1,12}(\.\d{1,6})?$/, 'a decimal number with up to 6 places');
export const dateSchema = z.iso.date();
/** E.164 with the plus: +15551234567. */
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +15551234567');
export const digitsSchema = z.string().regex(/^\d{1,20}$/, 'digits only');
export const usStateSchema = z.string().regex(/^[A-Z]{2}$/, 'a two-letter state code');

/** `?period=` of usage, performance and summary reports. */
export const reportPeriod = z.enum(['today', 'week', 'month']);
export type ReportPeriod = z.infer<typeof reportPeriod>;

/** A weekly time window in an IANA zone (partitions, overrides). */
export const timeWindow = z.strictObject({
  days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
  end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
  timezone: z.string().min(1).max(64).default('UTC'),
});
export type TimeWindow = z.infer<typeof timeWindow>;
