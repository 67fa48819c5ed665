/**
 * The call's HTTP side towards the voice application: CXML documents it runs (the route, actions,
 * redirects) and callbacks whose answers Cloudonix discards. Every request is recorded as an exchange.
 */
import { CallEnded, type DocRequest } from './call-ended.js';
import type { CallState } from './call-state.js';
import { roundSeconds } from './clock.js';
import { CxmlParseError, parseCxml } from './cxml/parse.js';
import type { CxmlDocument, HttpMethod } from './cxml/types.js';
import { isLoopbackUrl, resolveUrl, send } from './http.js';
import type { ExchangeKind, HttpExchange } from './transcript.js';

const DEFAULT_MAX_DOCUMENTS = 50;

/** Resolves a URL from the CXML; a URL that cannot be parsed is the application's error and ends the call. */
export function resolveCxmlUrl(call: CallState, url: string, base: string): string {
  try {
    return resolveUrl(url, base);
  } catch {
    const reason = `invalid URL in CXML: ${JSON.stringify(url)}`;
    call.errors.push(reason);
    throw new CallEnded({ hungUpBy: 'error', reason });
  }
}

function targetUrl(call: CallState, url: string): string {
  if (!call.opts.rewriteOrigin || !URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.origin === call.baseOrigin) return url;
  return `${call.baseOrigin}${parsed.pathname}${parsed.search}`;
}

async function exchange(call: CallState, request: DocRequest, executed: boolean): Promise<HttpExchange> {
  const opts = call.opts;
  const url = targetUrl(call, request.url);
  const params = { ...call.commonParams(), ...request.extra };
  const record: HttpExchange = {
    seq: call.nextSeq(),
    at: roundSeconds(call.clock.elapsed()),
    kind: request.kind,
    cause: request.cause,
    method: request.method,
    url,
    params,
    ok: false,
    latencyMs: 0,
    executed,
  };
  call.exchanges.push(record);
  if (opts.loopbackOnly && !isLoopbackUrl(url)) {
    record.error = 'refused: not a loopback URL';
    return record;
  }
  const result = await send({
    method: request.method,
    url,
    requestsKey: opts.requestsKey,
    params,
    encoding: opts.bodyEncoding,
    headers: opts.headers,
    timeoutMs: opts.requestTimeoutMs ?? 10_000,
    signal: opts.signal,
  });
  Object.assign(record, result);
  return record;
}

/** Requests a CXML document; any failure ends the call (Cloudonix's behaviour on errors is undocumented). */
export async function fetchDocument(call: CallState, request: DocRequest): Promise<{ doc: CxmlDocument; url: string; number: number }> {
  const maxDocuments = call.opts.maxDocuments ?? DEFAULT_MAX_DOCUMENTS;
  if (call.documents >= maxDocuments) {
    const reason = `loop guard: more than ${maxDocuments} CXML documents in one call (next was ${request.url})`;
    call.errors.push(reason);
    throw new CallEnded({ hungUpBy: 'guard', reason });
  }
  call.documents += 1;
  const number = call.documents;
  const record = await exchange(call, request, true);
  if (call.opts.signal?.aborted) {
    call.errors.push('aborted');
    throw new CallEnded({ hungUpBy: 'guard', reason: 'aborted' });
  }
  if (!record.ok) {
    const reason = `${request.cause} ${record.method} ${record.url} failed: ${record.error ?? 'unknown error'}`;
    call.errors.push(reason);
    throw new CallEnded({ hungUpBy: 'error', reason });
  }
  if (record.contentType && !/xml/i.test(record.contentType)) {
    call.warnings.push(`document ${number}: Content-Type ${record.contentType} is not XML`);
  }
  try {
    const doc = parseCxml(record.body ?? '');
    for (const warning of doc.warnings) call.warnings.push(`document ${number}: ${warning}`);
    return { doc, url: record.url, number };
  } catch (err) {
    if (!(err instanceof CxmlParseError)) throw err;
    record.executed = false;
    const reason = `document ${number} from ${record.url} is not valid CXML: ${err.message}`;
    call.errors.push(reason);
    throw new CallEnded({ hungUpBy: 'error', reason });
  }
}

/** A request whose response Cloudonix discards (status callbacks, actions after hangup). */
export async function callback(call: CallState, kind: ExchangeKind, cause: string, url: string, method: HttpMethod, extra: Record<string, unknown>) {
  const record = await exchange(call, { kind, cause, url, method, extra }, false);
  if (!record.ok) call.errors.push(`${cause} ${record.method} ${record.url} failed: ${record.error ?? 'unknown error'}`);
}
