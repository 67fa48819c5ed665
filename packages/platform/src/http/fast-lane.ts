import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

import { parse as parseQuery } from 'fast-querystring';

import { clientIpResolver, type TrustProxy } from './client-ip.js';
import { parseJsonBody } from './json-body.js';

/**
 * The fast lane: a few machine-to-machine routes (the voice webhook Cloudonix waits on while a
 * caller listens to silence) answered straight from Node's HTTP server, before Fastify. On those
 * routes the framework's per-request work (request and reply objects, hooks, a child logger,
 * content-type dispatch) costs more than routing the call itself. Everything else, including any
 * method or path a lane route does not claim, goes to Fastify unchanged.
 *
 * A lane route gets a parsed request and returns a complete answer; the lane reads the body
 * within the size limit, parses JSON and form bodies and the query string, sets `x-request-id`,
 * records the same metrics as Fastify's routes and logs one line per request.
 */
export interface LaneRequest {
  id: string;
  method: 'GET' | 'POST';
  path: string;
  query: Record<string, unknown>;
  /** Parsed JSON or form body; undefined when there was none. */
  body: unknown;
  headers: IncomingHttpHeaders;
  ip: string;
}

export interface LaneAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

/** Why the lane refused a request before its handler ran. */
export type LaneRefusal = { status: 400 | 413 | 415 | 503; reason: string };

export interface LaneRoute {
  handle(request: LaneRequest): Promise<LaneAnswer>;
  /** The answer to a request the lane refused (bad body, too large, unsupported type). */
  refuse(refusal: LaneRefusal, request: LaneRequest): LaneAnswer;
  /** The answer when the handler threw; it also logs. */
  fail(err: unknown, request: LaneRequest): LaneAnswer;
}

interface LaneLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface LaneOptions {
  bodyLimit: number;
  trustProxy: TrustProxy;
  observe(method: string, route: string, status: number, seconds: number): void;
  logger(): LaneLogger | undefined;
}

/** The request id, as Fastify's routes get it too: a caller's x-request-id when it looks sane, else a fresh one. */
export const requestIdOf = (incoming: string | string[] | undefined): string =>
  typeof incoming === 'string' && /^[\w.-]{8,64}$/.test(incoming) ? incoming : `req_${randomUUID()}`;

export class FastLane {
  private readonly routes = new Map<string, LaneRoute>();
  private closing = false;
  /** The client address by the same rule as Fastify's `request.ip`. */
  private readonly ipOf: (req: IncomingMessage) => string;

  constructor(private readonly options: LaneOptions) {
    this.ipOf = clientIpResolver(options.trustProxy);
  }

  /**
   * The server is shutting down: what still arrives on open connections is refused (503, the
   * connection closed) rather than handled by a server whose call journal may already be closed.
   */
  close(): void {
    this.closing = true;
  }

  /** Claims GET and POST on `path` (exact match; the query string is free). */
  route(path: string, route: LaneRoute): void {
    if (this.routes.has(path)) throw new Error(`fast lane route ${path} already exists`);
    this.routes.set(path, route);
  }

  find(path: string): LaneRoute | undefined {
    return this.routes.get(path);
  }

  /**
   * Takes the request if a lane route claims it; false hands it on to Fastify. (No named closures
   * per request here: under tsx each one costs a defineProperty to keep its name.)
   */
  take(req: IncomingMessage, res: ServerResponse): boolean {
    // Whatever a request does to the lane ends with that request, never with the process.
    try {
      return this.claim(req, res);
    } catch (err) {
      this.lastResort(err, req, res);
      return true;
    }
  }

  private claim(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = this.routes.get(path);
    const method = req.method;
    if (!route || (method !== 'GET' && method !== 'POST')) return false;
    const started = process.hrtime.bigint();
    const request: LaneRequest = {
      id: requestIdOf(req.headers['x-request-id']),
      method,
      path,
      query: q < 0 ? {} : (parseQuery(url.slice(q + 1)) as Record<string, unknown>),
      body: undefined,
      headers: req.headers,
      ip: this.ipOf(req),
    };
    if (this.closing) {
      this.answer(req, res, request, route.refuse({ status: 503, reason: 'shutting down' }, request), started, true);
      return true;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.options.bodyLimit) {
      this.answer(req, res, request, route.refuse({ status: 413, reason: 'body too large' }, request), started, true);
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > this.options.bodyLimit) {
        refused = true;
        try {
          this.answer(req, res, request, route.refuse({ status: 413, reason: 'body too large' }, request), started, true);
        } catch (err) {
          this.lastResort(err, req, res);
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      refused = true;
      res.destroy();
    });
    req.on('end', () => {
      if (refused) return;
      try {
        const parsed = parseBody(req.headers['content-type'], chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
        if ('status' in parsed) return this.answer(req, res, request, route.refuse(parsed, request), started, false);
        request.body = parsed.body;
        this.run(req, res, route, request, started);
      } catch (err) {
        this.lastResort(err, req, res);
      }
    });
    return true;
  }

  private run(req: IncomingMessage, res: ServerResponse, route: LaneRoute, request: LaneRequest, started: bigint): void {
    let pending: Promise<LaneAnswer>;
    try {
      pending = route.handle(request);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending
      .then(
        (a) => this.answer(req, res, request, a, started, false),
        (err: unknown) => this.answer(req, res, request, route.fail(err, request), started, false),
      )
      .catch((err: unknown) => this.lastResort(err, req, res));
  }

  /** A failure of the lane itself (or of a route's failure answer): logged, a bare 500, the connection closed. */
  private lastResort(err: unknown, req: IncomingMessage, res: ServerResponse): void {
    try {
      this.options.logger()?.error({ err, url: req.url?.slice(0, 200) }, 'fast lane request failed');
      if (res.headersSent || res.destroyed) return void res.destroy();
      res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
      res.end('Internal error');
    } catch {
      res.destroy();
    }
  }

  private answer(req: IncomingMessage, res: ServerResponse, request: LaneRequest, a: LaneAnswer, started: bigint, closeAfter: boolean) {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = {
      'content-type': a.contentType,
      'content-length': Buffer.byteLength(a.body),
      'x-request-id': request.id,
      ...a.headers,
    };
    if (closeAfter) headers.connection = 'close';
    res.writeHead(a.status, headers);
    res.end(a.body);
    // The rest of an oversized body is not worth reading; a closing server takes nothing more.
    if (closeAfter) res.once('finish', () => req.destroy());
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.options.observe(request.method, request.path, a.status, seconds);
    // Below the info level pino's info() is a no-op.
    this.options.logger()?.info(
      {
        reqId: request.id,
        request: { method: request.method, url: request.path, remoteAddress: request.ip },
        res: { statusCode: a.status },
        responseTime: seconds * 1000,
      },
      'request completed',
    );
  }
}

/** JSON (an empty body is no body), form-encoded, or nothing at all. */
function parseBody(contentType: string | undefined, raw: Buffer): { body: unknown } | LaneRefusal {
  if (raw.length === 0) return { body: undefined };
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    if (text.trim() === '') return { body: undefined };
    const parsed = parseJsonBody(text);
    return parsed.ok ? { body: parsed.value } : { status: 400, reason: parsed.message };
  }
  if (type === 'application/x-www-form-urlencoded') return { body: parseQuery(text) };
  return { status: 415, reason: `Unsupported content type ${type || '(none)'}` };
}
