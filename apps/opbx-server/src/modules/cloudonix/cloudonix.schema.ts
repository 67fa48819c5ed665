import { z } from 'zod';

export const requestsKeySchema = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const baseUrlSchema = z
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
