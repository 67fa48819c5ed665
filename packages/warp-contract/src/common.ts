import { z } from 'zod';

/**
 * The envelope every WARP response uses, and the pieces every request schema shares.
 * Server and client both import these, so the shapes are written down once.
 */

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;

export const paginationMeta = z.object({
  page: z.number().int(),
  perPage: z.number().int(),
  total: z.number().int(),
  totalPages: z.number().int(),
});
export type PaginationMeta = z.infer<typeof paginationMeta>;

export const responseMeta = z.object({
  requestId: z.string(),
  timestamp: z.string(),
  pagination: paginationMeta.optional(),
});
export type ResponseMeta = z.infer<typeof responseMeta>;

/** `{data, meta}` around one resource. */
export const apiResponse = <T extends z.ZodType>(data: T) => z.object({ data, meta: responseMeta });
/** `{data: [...], meta: {pagination, ...}}` around a page of a list. */
export const apiListResponse = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), meta: responseMeta.extend({ pagination: paginationMeta }) });

export interface ApiResponse<T> {
  data: T;
  meta: ResponseMeta;
}
export interface ApiListResponse<T> {
  data: T[];
  meta: ResponseMeta & { pagination: PaginationMeta };
}

export const errorDetail = z.object({ field: z.string(), message: z.string() });
export type ErrorDetail = z.infer<typeof errorDetail>;

/** Every non-2xx body: code, message and details at the top level (the seed's createApiError reads them there). */
export const apiErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  details: z.array(errorDetail),
  requestId: z.string(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBody>;

export const ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION_ERROR',
  'RATE_LIMIT_EXCEEDED',
  'PAYLOAD_TOO_LARGE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

/** `page` (from 1) and `limit` (≤ 100) on every list. */
export const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;

export const idSchema = z.string().uuid('must be a valid id');
export const idParams = z.object({ id: z.string().max(64) });

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A trimmed single-line string of 1..max characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');

/** Free text that may span lines (descriptions, reasons). */
export const longText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'must not contain control characters');

export const emailSchema = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be a valid email address'))
  .transform((s) => s.toLowerCase());

/** Free-text search in list queries. */
export const searchSchema = z
  .string()
  .trim()
  .max(100)
  .refine((s) => !CONTROL.test(s), 'must not contain control characters')
  .optional();

/** Money is a decimal string ("1500.00"), never a float; numbers are accepted on input. */
export const moneySchema = z
  .union([z.string().trim(), z.number().finite()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be a non-negative amount with at most 4 decimals'));

/** An IPv4 or IPv6 network in CIDR form; a bare address means that one host (/32 or /128). */
export const cidrSchema = z
  .string()
  .trim()
  .max(64)
  .refine(
    (s) => z.cidrv4().safeParse(s).success || z.cidrv6().safeParse(s).success || z.ipv4().safeParse(s).success || z.ipv6().safeParse(s).success,
    'must be an IPv4 or IPv6 address or CIDR network, e.g. 203.0.113.0/24',
  )
  .transform((s) => (s.includes('/') ? s.toLowerCase() : `${s.toLowerCase()}/${s.includes(':') ? 128 : 32}`));

export const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time' });
