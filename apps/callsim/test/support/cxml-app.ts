import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted stand-in for "some CXML application": answers canned CXML per path and records every request,
 * so callsim can be tested as Cloudonix's side of the contract without an OPBX server.
 */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  raw: string;
  /** JSON body parsed, form body as an object, or the query parameters of a GET. */
  body: Record<string, any>;
}

export type Reply = string | { status?: number; body?: string; contentType?: string; delayMs?: number };
export type Handler = Reply | ((request: RecordedRequest, count: number) => Reply | Promise<Reply>);

export interface CxmlApp {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Requests to one path, in arrival order. */
  to(path: string): RecordedRequest[];
  on(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export const SESSION_UPDATE_PATH = '/api/webhooks/cloudonix/session-update';
export const CDR_PATH = '/api/webhooks/cloudonix/cdr';
export const ROUTE_PATH = '/api/voice/route';

export function cxml(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response>${body}</Response>`;
}

function parseBody(request: IncomingMessage, raw: string, query: Record<string, string>): Record<string, any> {
  const type = request.headers['content-type'] ?? '';
  if (type.includes('application/json') && raw) return JSON.parse(raw) as Record<string, any>;
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  return query;
}

export async function startCxmlApp(handlers: Record<string, Handler> = {}): Promise<CxmlApp> {
  const routes = new Map<string, Handler>(Object.entries(handlers));
  const counts = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const raw = Buffer.concat(chunks).toString('utf8');
      const query = Object.fromEntries(url.searchParams);
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query,
        headers: req.headers,
        raw,
        body: parseBody(req, raw, query),
      };
      requests.push(recorded);
      const count = (counts.get(url.pathname) ?? 0) + 1;
      counts.set(url.pathname, count);
      let handler = routes.get(url.pathname);
      if (handler === undefined && (url.pathname === SESSION_UPDATE_PATH || url.pathname === CDR_PATH)) {
        handler = { status: 201, body: '', contentType: 'text/plain' };
      }
      if (handler === undefined) handler = { status: 404, body: 'not found', contentType: 'text/plain' };
      try {
        const reply = typeof handler === 'function' ? await handler(recorded, count) : handler;
        const r = typeof reply === 'string' ? { body: reply } : reply;
        if (r.delayMs) await new Promise((resolve) => setTimeout(resolve, r.delayMs));
        res.writeHead(r.status ?? 200, { 'Content-Type': r.contentType ?? 'application/xml; charset=utf-8' });
        res.end(r.body ?? '');
      } catch (err) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    to: (path) => requests.filter((r) => r.path === path),
    on: (path, handler) => {
      routes.set(path, handler);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
