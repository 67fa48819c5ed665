import { checkHealth } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { ok } from '../../http/envelope.js';

export function healthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/health', { config: { public: true }, schema: { tags: ['operations'] } }, async (req, reply) => {
    const { healthy, report } = await checkHealth(ctx.db, ctx.dialect, ctx.backends);
    if (!healthy) reply.header('retry-after', '5');
    return reply.status(healthy ? 200 : 503).send(ok(req, report));
  });
}
