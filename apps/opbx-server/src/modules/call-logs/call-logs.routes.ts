import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf } from '../../http/auth.js';
import { idParams } from '../../http/schemas.js';
import { callLogFilters, listCallLogsQuery } from './call-logs.schema.js';
import * as service from './call-logs.service.js';

export function callLogRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['call-logs'];
  r.get('/call-logs', { config: { roles: ALL_ROLES }, schema: { tags, querystring: listCallLogsQuery } }, (req) =>
    service.listCallLogs(ctx, authOf(req), req.query),
  );
  // Registered before /:id so "export" is never read as an id.
  r.get('/call-logs/export', { config: { roles: ALL_ROLES }, schema: { tags, querystring: callLogFilters } }, async (req, reply) => {
    const stream = await service.exportCallLogs(ctx, authOf(req), req.query);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="call-logs-${stamp}.csv"`)
      .header('cache-control', 'no-store')
      .send(stream);
  });
  r.get('/call-logs/:id', { config: { roles: ALL_ROLES }, schema: { tags, params: idParams } }, (req) => service.getCallLog(ctx, authOf(req), req.params.id));
}
