import { checkHealth } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';

export function healthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/health', { config: { public: true }, schema: { tags: ['operations'] } }, async (_req, reply) => {
    const { healthy, report } = await checkHealth(ctx.db, ctx.dialect, ctx.backends);
    return reply.status(healthy ? 200 : 503).send(report);
  });
}
