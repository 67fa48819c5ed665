import type { IncomingMessage } from 'node:http';

import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

import { constantTimeEqual } from '../security/tokens.js';

export interface HttpMetrics {
  registry: Registry;
  /** Records one answered request (routes outside Fastify's pipeline call this themselves). */
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** Request counts and latency by route pattern (never raw URLs, which would explode cardinality). */
export function registerMetrics(app: FastifyInstance): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // One labelled child per (method, route, status), made once: prom-client would otherwise hash
  // the label set on every request.
  const children = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();
  const observe = (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      const labels = { method, route, status: String(status) };
      child = { count: requests.labels(labels), time: latency.labels(labels) };
      children.set(key, child);
    }
    child.count.inc();
    child.time.observe(seconds);
  };
  app.addHook('onResponse', (request, reply, done) => {
    observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  return { registry, observe };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Who may read the metrics (they describe traffic, routes and the process): with a token, whoever
 * sends it as `Authorization: Bearer <token>`; without one, only a scraper on this host (a loopback
 * peer, and not a request a local reverse proxy relayed, which carries X-Forwarded-For/Forwarded).
 */
export function metricsAccess(token: string | undefined): (req: IncomingMessage) => 'ok' | 'unauthorized' | 'forbidden' {
  if (token) {
    const expected = `Bearer ${token}`;
    return (req) => (typeof req.headers.authorization === 'string' && constantTimeEqual(req.headers.authorization, expected) ? 'ok' : 'unauthorized');
  }
  return (req) => {
    const local = LOOPBACK.test(req.socket.remoteAddress ?? '') && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
    return local ? 'ok' : 'forbidden';
  };
}
