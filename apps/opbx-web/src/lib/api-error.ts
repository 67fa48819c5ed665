import type { APIError } from '@opbx/client';
import { isAxiosError } from 'axios';

export interface ErrorDetail {
  field: string;
  message: string;
  /** Beyond the spec, on a 409 "still in use": the record that uses the one being deleted. */
  used_by?: { type: string; id: string; name: string };
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
      if (typeof navigator !== 'undefined' && navigator.onLine === false) {
        return { status: null, code: 'OFFLINE', message: "You're offline. Nothing was saved; reconnect and try again.", details: [] };
      }
      if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') {
        return {
          status: null,
          code: 'TIMEOUT',
          message: "The server didn't answer in time. Nothing may have been saved; check your connection and try again.",
          details: [],
        };
      }
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

/** Plain names for API field paths the forms use, where the words differ from the path. */
const FIELD_LABELS: Record<string, string> = {
  'settings.default_caller_id': 'Default caller ID',
  'settings.voicemail_enabled': 'Voicemail',
  'settings.recording_enabled': 'Record calls',
  'sip_config.password': 'SIP password',
  'sip_config.username': 'SIP username',
  'sip_config.domain': 'SIP domain',
  'call_forwarding.destination': 'Forward to',
  'routing_config.extension_id': 'Extension',
  'routing_config.ring_group_id': 'Ring group',
  'routing_config.business_hours_id': 'Business hours',
  'routing_config.fallback_extension_id': 'Fallback extension',
  open_hours_routing: 'When open',
  closed_hours_routing: 'When closed',
  fallback_action: 'When nobody answers',
  domain_uuid: 'Domain UUID',
  webhook_base_url: 'Webhook base URL',
  phone_number: 'Phone number',
  friendly_name: 'Name',
  user_id: 'Assigned user',
  current_password: 'Current password',
};

/** "schedules.2.open_time" → "Schedules 3: open time"; known paths by their form label. */
export function fieldLabel(path: string): string {
  if (FIELD_LABELS[path]) return FIELD_LABELS[path];
  const parts = path.split('.');
  const words: string[] = [];
  for (const part of parts) {
    if (/^\d+$/.test(part)) words[words.length - 1] = `${words[words.length - 1] ?? 'Item'} ${Number(part) + 1}:`;
    else words.push((FIELD_LABELS[part] ?? part).replace(/_/g, ' '));
  }
  const text = words.join(' ').replace(/: $/, '').replace(/:$/, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
