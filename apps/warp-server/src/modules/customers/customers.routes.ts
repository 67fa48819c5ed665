import { accountUpdate, customerCreate, customerListQuery, customerUpdate, statusChangeRequest } from '@warp/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppContext } from '../../context.js';
import { actorOf, tenantOf } from '../../http/auth.js';
import { listOf, ok } from '../../http/envelope.js';
import { presentCustomer } from './customers.presenter.js';
import * as service from './customers.service.js';

const customerParams = z.object({ id: z.string().max(64) });

export function customerRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin: customers'];
  r.get('/admin/customers', { config: { area: 'admin_customers' }, schema: { tags, querystring: customerListQuery } }, async (req) => {
    const { data, pagination } = await service.listCustomers(ctx, req.query);
    return listOf(req, data, pagination);
  });
  r.post('/admin/customers', { config: { area: 'admin_customers' }, schema: { tags, body: customerCreate } }, async (req, reply) =>
    reply.status(201).send(ok(req, presentCustomer(await service.createCustomer(ctx, actorOf(req), req.body)))),
  );
  r.get('/admin/customers/:id', { config: { area: 'admin_customers' }, schema: { tags, params: customerParams } }, async (req) =>
    ok(req, presentCustomer(await service.getCustomer(ctx, req.params.id))),
  );
  r.patch('/admin/customers/:id', { config: { area: 'admin_customers' }, schema: { tags, params: customerParams, body: customerUpdate } }, async (req) =>
    ok(req, presentCustomer(await service.updateCustomer(ctx, actorOf(req), req.params.id, req.body))),
  );
  const status = (path: string, to: 'active' | 'suspended' | 'terminated') =>
    r.post(path, { config: { area: 'admin_customer_status' }, schema: { tags, params: customerParams, body: statusChangeRequest } }, async (req) =>
      ok(req, presentCustomer(await service.changeStatus(ctx, actorOf(req), req.params.id, to, req.body.reason))),
    );
  status('/admin/customers/:id/suspend', 'suspended');
  status('/admin/customers/:id/terminate', 'terminated');
  status('/admin/customers/:id/reactivate', 'active');

  // The customer's own account (or the one named by X-Customer-ID).
  r.get('/account', { config: { area: 'account' }, schema: { tags: ['account'] } }, async (req) => ok(req, presentCustomer(tenantOf(req).customer)));
  r.patch('/account', { config: { area: 'account' }, schema: { tags: ['account'], body: accountUpdate } }, async (req) =>
    ok(req, presentCustomer(await service.updateAccount(ctx, actorOf(req), tenantOf(req).customer, req.body))),
  );
}
