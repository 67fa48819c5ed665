import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';

export function didRoutes(_app: FastifyInstance, _ctx: AppContext) {
  // TODO(issue 2): routes
}
