import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Telique sandbox: the LRN dip as Telique documents it (docs in
 * /work/shared/reference/tollfree-telique-lnp.md §2), answering from a table, with its failures on
 * switches. `GET /api/v1/lrn/{tn}` (and `/v1/telique/lrn/{tn}`), `?format=plain|json|xml`, plain by
 * default; `x-api-token` (or `X-API-Key`) auth, anonymous callers limited per minute; 400
 * `BADCOMMAND` (plain) or `INVALID_PHONE_NUMBER` for anything but 10 digits; a TN absent from the
 * table is not ported and answers itself as its LRN; a table entry with `lrn: null` is 404
 * `PHONE_NUMBER_NOT_FOUND`; `/health`, `/ready`.
 */
export interface LrnRecord {
  lrn: string | null;
  spid?: string;
  lnp_type?: 'lspp' | 'lisp' | 'pool';
}

export type TeliqueFailure = 'none' | 'unavailable' | 'rate_limit' | 'timeout' | 'garbage';

export interface TeliqueSandboxOptions {
  table?: Record<string, LrnRecord>;
  /** the valid API token; unset = every caller is anonymous */
  token?: string;
  /** anonymous requests allowed per minute (Telique: 10) */
  anonymousPerMinute?: number;
  /** JSON shape: Telique's public spec (flat) or the WARP/MCP shape with metadata */
  shape?: 'flat' | 'warp';
  port?: number;
  /** do not keep the process alive for this server (the demo: it ends with the WARP server) */
  unref?: boolean;
}

export interface TeliqueSandbox {
  url: string;
  /** base for the LRN client: `${url}/api/v1` */
  apiBase: string;
  table: Map<string, LrnRecord>;
  requests: { path: string; token: string | undefined }[];
  fail(mode: TeliqueFailure): void;
  close(): Promise<void>;
}

export async function startTeliqueSandbox(options: TeliqueSandboxOptions = {}): Promise<TeliqueSandbox> {
  const table = new Map(Object.entries(options.table ?? {}));
  const requests: TeliqueSandbox['requests'] = [];
  let failure: TeliqueFailure = 'none';
  let window = { start: Date.now(), count: 0 };
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const error = (res: ServerResponse, status: number, code: string, message: string, format: string) =>
    format === 'plain'
      ? send(res, status, code === 'INVALID_PHONE_NUMBER' ? 'BADCOMMAND' : code, 'text/plain')
      : send(res, status, JSON.stringify({ error: { code, message } }));

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname === '/health') return send(res, 200, JSON.stringify({ status: 'ok' }));
    if (url.pathname === '/ready') return send(res, 200, JSON.stringify({ ready: true, records: table.size }));
    const match = /^\/(?:api\/v1|v1\/telique)\/lrn\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return send(res, 404, JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no such endpoint' } }));
    const format = url.searchParams.get('format') ?? 'plain';
    const header = req.headers['x-api-token'] ?? req.headers['x-api-key'];
    const token = typeof header === 'string' ? header : undefined;
    requests.push({ path: url.pathname, token });
    if (!['plain', 'json', 'xml'].includes(format)) return error(res, 400, 'INVALID_FORMAT', 'format must be plain, json or xml', 'json');
    if (token !== undefined && token !== options.token) return error(res, 401, 'UNAUTHORIZED', 'invalid API token', format);
    if (token === undefined) {
      if (Date.now() - window.start >= 60_000) window = { start: Date.now(), count: 0 };
      if (++window.count > (options.anonymousPerMinute ?? 10))
        return error(res, 429, 'RATE_LIMIT_EXCEEDED', 'anonymous use is limited to 10 requests per minute', format);
    }
    if (failure === 'timeout') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (failure === 'unavailable') return error(res, 503, 'DATA_STORE_UNAVAILABLE', 'the LRN data store is unavailable', format);
    if (failure === 'rate_limit') return error(res, 429, 'RATE_LIMIT_EXCEEDED', 'too many requests', format);
    if (failure === 'garbage') return send(res, 200, '<html>gateway error</html>', 'text/html');
    const tn = decodeURIComponent(match[1]!);
    if (!/^\d{10}$/.test(tn)) return error(res, 400, 'INVALID_PHONE_NUMBER', 'the telephone number must be 10 digits', format);
    const record = table.get(tn) ?? { lrn: tn };
    if (record.lrn === null) return error(res, 404, 'PHONE_NUMBER_NOT_FOUND', 'no record for this number', format);
    if (format === 'plain') return send(res, 200, record.spid ? `${record.lrn};${record.spid}` : record.lrn, 'text/plain');
    if (format === 'xml')
      return send(
        res,
        200,
        `<?xml version="1.0"?><response><lrn>${record.lrn}</lrn>${record.spid ? `<spid>${record.spid}</spid>` : ''}</response>`,
        'application/xml',
      );
    const now = new Date().toISOString();
    const body =
      options.shape === 'warp'
        ? {
            phone_number: tn,
            lrn: record.lrn,
            status: 'success',
            timestamp: now,
            metadata: { spid: record.spid ?? null, lnp_type: record.lnp_type ?? 'lspp', activation_timestamp: now, last_updated: now },
          }
        : { lrn: record.lrn, spid: record.spid ?? null, lnp_type: '1', activation_timestamp: now };
    return send(res, 200, JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  if (options.unref) server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiBase: `${url}/api/v1`,
    table,
    requests,
    fail(mode) {
      failure = mode;
      if (mode !== 'timeout') for (const res of hanging) res.destroy();
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
