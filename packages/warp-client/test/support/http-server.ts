import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: Recorded, res: ServerResponse, n: number) => void | Promise<void>;

/** A real HTTP server on a random port whose answers each test scripts (slow, 503 then 200, 401, 204 ...). */
export interface TestServer {
  url: string;
  requests: Recorded[];
  /** routes by "METHOD /path" (path without query, under /v1), by path alone, or '*' for anything else */
  on(route: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const counts = new Map<string, number>();
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const bare = recorded.path.split('?')[0]!;
      const key = routes.has(`${recorded.method} ${bare}`) ? `${recorded.method} ${bare}` : bare;
      const handler = routes.get(key) ?? routes.get('*');
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      if (!handler) return json(res, 404, { code: 'NOT_FOUND', message: `no route ${recorded.method} ${bare}`, details: [], requestId: 'test' });
      Promise.resolve(handler(recorded, res, n)).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    on: (route, handler) => {
      if (route === '*') return void routes.set('*', handler);
      const [method, path] = route.includes(' ') ? route.split(' ') : [null, route];
      routes.set(method ? `${method} /v1${path}` : `/v1${path}`, handler);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export const meta = () => ({ requestId: 'req-1', timestamp: new Date().toISOString() });
export const ok = (res: ServerResponse, data: unknown, status = 200) => json(res, status, { data, meta: meta() });
export const fail = (res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) =>
  json(res, status, { code, message: `${code} happened`, details: [{ field: 'x', message: 'bad' }], requestId: 'req-err' }, headers);
