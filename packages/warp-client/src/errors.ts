import type { ErrorDetail } from '@warp/contract';

/**
 * What every failed call rejects with. The seed's `ApiError` was a plain object; this is an Error
 * (stack traces, `instanceof`) with the same fields: `statusCode`, `code`, `message`, `details`.
 * `statusCode` is 408 for a timeout and 0 when no HTTP answer arrived (network error).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] | Record<string, unknown> = {},
    readonly requestId?: string,
  ) {
    super(message);
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

/** Reads WARP's error body (`{code, message, details, requestId}` at the top level) as the seed's createApiError did. */
export function createApiError(statusCode: number, body: unknown, statusText = ''): ApiError {
  const data = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const message = str(data.message) ?? (typeof body === 'string' && body.length < 200 ? str(body.trim()) : undefined) ?? (statusText || 'An error occurred');
  const details = Array.isArray(data.details) || (data.details && typeof data.details === 'object') ? (data.details as ApiError['details']) : {};
  return new ApiError(statusCode, str(data.code) ?? 'UNKNOWN_ERROR', message, details, str(data.requestId));
}
