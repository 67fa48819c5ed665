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
    return reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      database,
      dialect: ctx.dialect,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
    });
  });
}
