import type { IncomingHttpHeaders } from 'node:http';

/**
 * Cloudonix parameters arrive as a JSON body (POST apps), a query string (GET apps) or, from
 * some proxies, form-encoded. Merge them; the body wins over the query string.
 */
export type VoiceParams = Record<string, unknown>;

export function voiceParams(request: { query: unknown; body: unknown }): VoiceParams {
  const query = (request.query && typeof request.query === 'object' ? request.query : {}) as Record<string, unknown>;
  const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
  return { ...query, ...body };
}

export function str(params: VoiceParams, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = params[key];
    if (typeof v === 'string' && v.trim() !== '') return v.trim().slice(0, 512);
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/** `SessionData` is an object in JSON bodies and may be a JSON string elsewhere. */
function sessionData(params: VoiceParams): Record<string, unknown> {
  const raw = params.SessionData;
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw === 'string') {
    try {
      const parsed = JSON.parse(raw);
      if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
    } catch {
      // not JSON: ignore
    }
  }
  return {};
}

/** The call's key: CallSid, else the session token. */
export function callSidOf(params: VoiceParams): string | undefined {
  const sid = str(params, 'CallSid', 'Session') ?? (typeof sessionData(params).token === 'string' ? (sessionData(params).token as string) : undefined);
  return sid && /^[\w.:@-]{1,128}$/.test(sid) ? sid : undefined;
}

/** Bearer token, or Cloudonix's `X-Cx-Apikey` header seen in some deployments. */
export function presentedKey(request: { headers: IncomingHttpHeaders }): string | undefined {
  const auth = request.headers.authorization;
  const m = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  if (m) return m[1];
  const header = request.headers['x-cx-apikey'];
  return typeof header === 'string' && header ? header : undefined;
}
