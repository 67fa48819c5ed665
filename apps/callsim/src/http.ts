import type { HttpMethod } from './cxml/types.js';

export type BodyEncoding = 'json' | 'form';

export interface HttpResult {
  status?: number;
  ok: boolean;
  contentType?: string;
  body?: string;
  latencyMs: number;
  error?: string;
}

interface SendOptions {
  method: HttpMethod;
  url: string;
  requestsKey: string;
  /** Request parameters. GET puts them in the query string; POST sends them as the body. */
  params: Record<string, unknown>;
  encoding?: BodyEncoding;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

const USER_AGENT = 'callsim/0.1 (Cloudonix-compatible simulator)';

function flatten(value: unknown): string {
  // Cloudonix sends scalars as strings; nested objects (SessionData) have no documented flat form, so JSON.
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function withQuery(url: string, params: Record<string, unknown>): string {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) target.searchParams.append(key, flatten(value));
  return target.toString();
}

export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** One HTTP exchange with Bearer auth, bounded by a timeout. Never throws: failures come back in `error`. */
export async function send(options: SendOptions): Promise<HttpResult> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${options.requestsKey}`,
    'User-Agent': USER_AGENT,
    Accept: 'application/xml, text/xml, application/json;q=0.5, */*;q=0.1',
    ...options.headers,
  };
  let url = options.url;
  let body: string | undefined;
  if (options.method === 'GET') {
    try {
      url = withQuery(url, options.params);
    } catch {
      return { ok: false, latencyMs: 0, error: `invalid URL ${JSON.stringify(url)}` };
    }
  } else if (options.encoding === 'form') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(options.params)) form.append(key, flatten(value));
    body = form.toString();
  } else {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.params);
  }

  const signals = [AbortSignal.timeout(options.timeoutMs)];
  if (options.signal) signals.push(options.signal);
  const started = performance.now();
  try {
    const response = await fetch(url, { method: options.method, headers, body, signal: AbortSignal.any(signals) });
    const text = await response.text();
    return {
      status: response.status,
      ok: response.ok,
      contentType: response.headers.get('content-type') ?? undefined,
      body: text,
      latencyMs: performance.now() - started,
      error: response.ok ? undefined : `HTTP ${response.status}`,
    };
  } catch (err) {
    const error = err as Error;
    const reason =
      error.name === 'TimeoutError'
        ? `no answer within ${options.timeoutMs} ms`
        : error.name === 'AbortError'
          ? 'aborted'
          : `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`;
    return { ok: false, latencyMs: performance.now() - started, error: reason };
  }
}

/** Resolves a CXML URL (absolute or relative) against the document that carried it. */
export function resolveUrl(url: string, base: string): string {
  return new URL(url.trim(), base).toString();
}
