import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import cors from '@fastify/cors';
import helmet from 'helmet';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { randomUUID } from 'node:crypto';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorHandler, envelope } from './errors.js';
import { registerMetrics, type HttpMetrics } from './metrics.js';

/** Returns true when it answered the request. */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => boolean | Promise<boolean>;

declare module 'fastify' {
  interface FastifyInstance {
    notFoundFallbacks: NotFoundFallback[];
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

export interface HttpAppOptions {
  title: string;
  version: string;
  logger: FastifyServerOptions['logger'] | false;
  corsOrigins: string[] | '*';
  /** Path of the interactive API docs, e.g. /api/docs. */
  docsPath?: string;
  bodyLimit?: number;
  trustProxy?: boolean;
}

export type HttpApp = FastifyInstance & { withTypeProvider(): FastifyInstance } & { metrics: HttpMetrics };

/** Paths and headers whose values must never reach a log line. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.access_token',
  '*.token',
];

export async function createHttpApp(options: HttpAppOptions) {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{8,64}$/.test(incoming) ? incoming : `req_${randomUUID()}`;
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // A later plugin (e.g. a single-page app) may claim unmatched requests first through `notFoundFallback`.
  const fallbacks: NotFoundFallback[] = [];
  app.decorate('notFoundFallbacks', fallbacks);
  app.setNotFoundHandler(async (request, reply) => {
    for (const fallback of fallbacks) if (await fallback(request, reply)) return reply;
    return reply.status(404).send(envelope(request, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`));
  });

  // Empty JSON bodies (e.g. axios `post('/auth/logout')`) are treated as no body, not an error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = Object.assign(new Error('The request body is not valid JSON'), {
        statusCode: 400,
        code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      });
      done(err, undefined);
    }
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
