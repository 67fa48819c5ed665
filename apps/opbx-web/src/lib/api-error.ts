import type { APIError } from '@opbx/client';
import { isAxiosError } from 'axios';

export interface ErrorDetail {
  field: string;
  message: string;
}

/** Every failure the app shows, normalised from the server's envelope or the network. */
export interface ApiErrorInfo {
  status: number | null;
  code: string;
  message: string;
  details: ErrorDetail[];
  requestId?: string;
}

const FALLBACKS: Record<number, string> = {
  403: "You don't have permission to do that.",
  404: 'It no longer exists. It may have been deleted.',
  429: 'Too many requests. Wait a moment and try again.',
};

export function apiError(err: unknown): ApiErrorInfo {
  if (isAxiosError<APIError>(err)) {
    const res = err.response;
    if (!res) {
      return { status: null, code: 'NETWORK_ERROR', message: "Can't reach the server. Check your connection and try again.", details: [] };
    }
    const body = res.data?.error;
    const status = res.status;
    if (body && typeof body === 'object') {
      return {
        status,
        code: body.code ?? 'ERROR',
        message: status === 403 ? body.message || FALLBACKS[403]! : body.message || FALLBACKS[status] || 'Something went wrong.',
        details: Array.isArray(body.details) ? body.details : [],
        ...(body.request_id ? { requestId: body.request_id } : {}),
      };
    }
    return { status, code: status >= 500 ? 'INTERNAL_ERROR' : 'ERROR', message: FALLBACKS[status] ?? `The server answered ${status}. Try again.`, details: [] };
  }
  return { status: null, code: 'CLIENT_ERROR', message: err instanceof Error ? err.message : 'Something went wrong.', details: [] };
}

/** First message per field path (`members.0.extension_id`, `routing_config.ring_group_id`, …). */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!err) return {};
  const out: Record<string, string> = {};
  for (const d of apiError(err).details) if (d.field && !(d.field in out)) out[d.field] = d.message;
  return out;
}

/** Details whose field no form control shows: they go in the summary above the form. */
export function unclaimedDetails(err: unknown, claimed: (field: string) => boolean): ErrorDetail[] {
  if (!err) return [];
  return apiError(err).details.filter((d) => !d.field || !claimed(d.field));
}

/** Prefix matcher for `unclaimedDetails`: `members` claims `members.3.priority`. */
export const claimedBy =
  (...prefixes: string[]) =>
  (field: string) =>
    prefixes.some((p) => field === p || field.startsWith(`${p}.`));
