import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';

import type { AppContext } from '../../context.js';

const startedAt = Date.now();

export function healthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/health', { config: { public: true }, schema: { tags: ['operations'] } }, async (_req, reply) => {
    let database = 'ok';
    try {
      await sql`select 1`.execute(ctx.db);
    } catch {
      database = 'unavailable';
    }
    const ok = database === 'ok';
    // Without Redis every instance still answers calls on its own: degraded, not out of service.
    const redis = ctx.backends.length === 0 ? 'not_configured' : ctx.backends.every((b) => b.ok) ? 'ok' : 'unavailable';
    return reply.status(ok ? 200 : 503).send({
      status: ok && redis !== 'unavailable' ? 'ok' : 'degraded',
      database,
      redis,
      dialect: ctx.dialect,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
    });
  });
}
