import { createServer, type RequestListener } from 'node:http';

import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyContextConfig, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import helmet from 'helmet';

import { trustFunction, type TrustProxy } from './client-ip.js';
import { createErrorHandler, envelope, type ErrorRenderer } from './errors.js';
import { FastLane, type LaneAnswer, type LaneRequest, type LaneRoute, requestIdOf } from './fast-lane.js';
import { parseJsonBody } from './json-body.js';
import { type HttpMetrics, registerMetrics } from './metrics.js';

/** Returns true when it answered the request. */
type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => boolean | Promise<boolean>;

declare module 'fastify' {
  interface FastifyInstance {
    notFoundFallbacks: NotFoundFallback[];
    /** Routes answered before Fastify's pipeline (see fast-lane.ts). */
    fastLane: {
      route(path: string, route: LaneRoute, config?: FastifyContextConfig): void;
      /** The route on `path` (benchmarks call a handler without HTTP). */
      find(path: string): LaneRoute | undefined;
    };
  }
  interface FastifyContextConfig {
    /**
     * false: a machine-to-machine route (e.g. a telephony webhook) that skips the browser security
     * headers; they mean nothing to its caller and cost time on a hot path.
     */
    browserHeaders?: boolean;
  }
}

/** Route config of a machine-to-machine route: no browser security headers, no CORS. */
export const MACHINE_ROUTE = { browserHeaders: false, cors: false } as const;

interface HttpAppOptions {
  title: string;
  version: string;
  logger: FastifyServerOptions['logger'] | false;
  corsOrigins: string[] | '*';
  /** Path of the interactive API docs, e.g. /api/docs. */
  docsPath?: string;
  bodyLimit?: number;
  /** Which proxies may name the client in X-Forwarded-For (see client-ip.ts); default none. */
  trustProxy?: TrustProxy;
  /** Shape of error bodies (default: OPBX's `{error:{code,message,details,request_id}}`). */
  errorBody?: ErrorRenderer;
}

export type HttpApp = FastifyInstance & { withTypeProvider(): FastifyInstance } & { metrics: HttpMetrics };

/** Paths and headers whose values must never reach a log line. */
export const LOG_REDACT = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.password', '*.access_token', '*.token'];

export async function createHttpApp(options: HttpAppOptions) {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  // `metrics` and `app` are declared below; the lane only calls these once requests arrive.
  const lane = new FastLane({
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
    observe: (method, route, status, seconds) => metrics.observe(method, route, status, seconds),
    logger: () => app.log,
  });
  const app = Fastify({
    logger: options.logger,
    bodyLimit,
    // The same rule as the lane's (client-ip.ts); false keeps Fastify's untrusting fast path.
    trustProxy: options.trustProxy ? trustFunction(options.trustProxy) : false,
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    // Node's server with the fast lane in front; Fastify's own server settings are kept.
    serverFactory: (handler: RequestListener, opts) => {
      const server = createServer((req, res) => {
        if (!lane.take(req, res)) handler(req, res);
      });
      const o = opts as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number; maxRequestsPerSocket?: number };
      if (o.keepAliveTimeout !== undefined) server.keepAliveTimeout = o.keepAliveTimeout;
      if (o.requestTimeout !== undefined) server.requestTimeout = o.requestTimeout;
      if (o.connectionTimeout !== undefined) server.setTimeout(o.connectionTimeout);
      if (o.maxRequestsPerSocket) server.maxRequestsPerSocket = o.maxRequestsPerSocket;
      return server;
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.addHook('preClose', (done) => {
    lane.close();
    done();
  });
  app.decorate('fastLane', {
    find: (path: string) => lane.find(path),
    route(path: string, route: LaneRoute, config: FastifyContextConfig = {}) {
      lane.route(path, route);
      // The same handler as a Fastify route: what reaches Fastify without the server (inject) is answered alike.
      app.route({
        method: ['GET', 'POST'],
        url: path,
        exposeHeadRoute: false,
        config: { ...config, ...MACHINE_ROUTE },
        schema: { hide: true },
        handler: async (request, reply) => {
          const req: LaneRequest = {
            id: request.id,
            method: request.method as 'GET' | 'POST',
            path,
            query: (request.query ?? {}) as Record<string, unknown>,
            body: request.body,
            headers: request.headers,
            ip: request.ip,
          };
          const answer: LaneAnswer = await route.handle(req).catch((err: unknown) => route.fail(err, req));
          return reply
            .status(answer.status)
            .headers(answer.headers ?? {})
            .type(answer.contentType)
            .send(answer.body);
        },
      });
    },
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const renderError = options.errorBody ?? envelope;
  app.setErrorHandler(createErrorHandler(renderError));
  // A later plugin (e.g. a single-page app) may claim unmatched requests first through `notFoundFallback`.
  const fallbacks: NotFoundFallback[] = [];
  app.decorate('notFoundFallbacks', fallbacks);
  app.setNotFoundHandler(async (request, reply) => {
    for (const fallback of fallbacks) if (await fallback(request, reply)) return reply;
    return reply.status(404).send(renderError(request, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`));
  });

  // Empty JSON bodies (e.g. axios `post('/auth/logout')`) are treated as no body, not an error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    const parsed = parseJsonBody(text);
    if (parsed.ok) return done(null, parsed.value);
    done(
      Object.assign(new Error(parsed.message), { statusCode: 400, code: parsed.tooDeep ? 'FST_ERR_CTP_JSON_TOO_DEEP' : 'FST_ERR_CTP_INVALID_JSON_BODY' }),
      undefined,
    );
  });

  // Hooks here run on every request, the voice webhook's too: plain callbacks, no promises.
  const securityHeaders = helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'same-site' } });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (request.routeOptions.config.browserHeaders === false) return done();
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });

  await app.register(formbody);
  await app.register(cors, {
    origin: options.corsOrigins === '*' ? true : options.corsOrigins,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition'],
  });
  await app.register(swagger, {
    openapi: {
      info: { title: options.title, version: options.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  if (options.docsPath) await app.register(swaggerUi, { routePrefix: options.docsPath });
  const metrics = registerMetrics(app);
  return Object.assign(app, { metrics });
}
