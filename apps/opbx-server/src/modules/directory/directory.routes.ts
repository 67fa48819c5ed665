import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf } from '../../http/auth.js';
import { listDirectory } from './directory.service.js';

/** Beyond the spec: the colleague directory every role may read. */
export function directoryRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/directory', { config: { roles: ALL_ROLES }, schema: { tags: ['directory'] } }, (req) => listDirectory(ctx, authOf(req)));
}
