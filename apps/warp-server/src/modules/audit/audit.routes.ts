import { auditListQuery } from '@warp/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { listOf } from '../../http/envelope.js';
import { listAudit } from './audit.service.js';

export function auditRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/admin/audit-log', { config: { area: 'admin_audit' }, schema: { tags: ['admin'], querystring: auditListQuery } }, async (req) => {
    const { data, pagination } = await listAudit(ctx.db, req.query);
    return listOf(req, data, pagination);
  });
}
