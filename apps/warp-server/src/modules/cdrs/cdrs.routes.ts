import { notFound } from '@opbx/platform';
import { adminCdrQuery, cdrExportRequest, cdrQuery, cdrRerateRequest, idParams, marginQuery, reportPeriod, usageSummaryQuery } from '@warp/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppContext } from '../../context.js';
import { actorOf, tenantOf } from '../../http/auth.js';
import { listOf, ok } from '../../http/envelope.js';
import { findCustomer } from '../customers/customers.queries.js';
import * as cdrs from './cdrs.service.js';
import { getExport, openDownload, startExport } from './export.service.js';
import { providerPerformance } from './performance.service.js';
import { rerate } from './rerate.service.js';
import * as usage from './usage.service.js';

const periodQuery = z.object({ period: reportPeriod.default('month') });

/** The customer's CDRs, usage and live metrics (sell side only), and staff's CDR, usage and margin views. */
export function cdrRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['cdrs'];

  r.get('/cdrs', { config: { area: 'cdrs' }, schema: { tags, querystring: cdrQuery } }, async (req) => {
    const { data, pagination } = await cdrs.listCdrs(ctx, tenantOf(req).customer, req.query);
    return listOf(req, data, pagination);
  });
  r.post('/cdrs/export', { config: { area: 'cdr_exports' }, schema: { tags, body: cdrExportRequest } }, async (req, reply) =>
    reply.status(202).send(ok(req, await startExport(ctx, tenantOf(req).customer, req.body, req.log))),
  );
  r.get('/cdrs/exports/:id', { config: { area: 'cdrs' }, schema: { tags, params: idParams } }, async (req) =>
    ok(req, await getExport(ctx, tenantOf(req).customer, req.params.id)),
  );
  // The signed link is the credential (webhook receivers and browsers follow it without a session).
  r.get(
    '/cdrs/exports/:id/download',
    { config: { public: true }, schema: { tags, params: idParams, querystring: z.object({ token: z.string().min(1).max(2048) }) } },
    async (req, reply) => {
      const file = await openDownload(ctx, req.params.id, req.query.token);
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'private, no-store')
        .send(file.stream);
    },
  );
  r.get('/usage/summary', { config: { area: 'usage' }, schema: { tags: ['usage'], querystring: usageSummaryQuery } }, async (req) =>
    ok(req, await usage.usageSummary(ctx, tenantOf(req).customer, req.query)),
  );
  r.get('/metrics/current', { config: { area: 'usage' }, schema: { tags: ['usage'] } }, async (req) =>
    ok(req, await usage.currentMetrics(ctx, tenantOf(req).customer)),
  );

  const admin = ['admin: cdrs'];
  r.get('/admin/cdrs', { config: { area: 'admin_cdrs' }, schema: { tags: admin, querystring: adminCdrQuery } }, async (req) => {
    const { data, pagination } = await cdrs.listAdminCdrs(ctx, req.query);
    return listOf(req, data, pagination);
  });
  r.get('/admin/cdrs/:id', { config: { area: 'admin_cdrs' }, schema: { tags: admin, params: idParams } }, async (req) =>
    ok(req, await cdrs.getAdminCdr(ctx, req.params.id)),
  );
  r.post('/admin/cdrs/rerate', { config: { area: 'admin_cdrs' }, schema: { tags: admin, body: cdrRerateRequest } }, async (req) =>
    ok(req, await rerate(ctx, actorOf(req), req.body)),
  );
  r.get('/admin/customers/:id/usage', { config: { area: 'admin_usage' }, schema: { tags: admin, params: idParams, querystring: periodQuery } }, async (req) => {
    const customer = await findCustomer(ctx.db, req.params.id);
    if (!customer) throw notFound('Customer');
    return ok(req, await usage.customerUsage(ctx, customer, { period: req.query.period }));
  });
  r.get(
    '/admin/providers/:id/performance',
    { config: { area: 'admin_usage' }, schema: { tags: admin, params: idParams, querystring: periodQuery } },
    async (req) => ok(req, await providerPerformance(ctx, req.params.id, req.query.period)),
  );
  r.get('/admin/margins/analysis', { config: { area: 'admin_margins' }, schema: { tags: admin, querystring: marginQuery } }, async (req) =>
    ok(req, await usage.marginAnalysis(ctx, req.query)),
  );
}
