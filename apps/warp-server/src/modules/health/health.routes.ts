import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { ok } from '../../http/envelope.js';

const startedAt = Date.now();

export function healthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/health', { config: { public: true }, schema: { tags: ['operations'] } }, async (req, reply) => {
    let database = 'ok';
    try {
      await sql`select 1`.execute(ctx.db);
    } catch {
      database = 'unavailable';
    }
    // Without Redis each instance counts its own rate limits: degraded, not out of service.
    const redis = ctx.backends.length === 0 ? 'not_configured' : ctx.backends.every((b) => b.ok) ? 'ok' : 'unavailable';
    const healthy = database === 'ok';
    if (!healthy) reply.header('retry-after', '5');
    return reply.status(healthy ? 200 : 503).send(
      ok(req, {
        status: healthy && redis !== 'unavailable' ? 'ok' : 'degraded',
        database,
        redis,
        dialect: ctx.dialect,
        uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      }),
    );
  });
}
