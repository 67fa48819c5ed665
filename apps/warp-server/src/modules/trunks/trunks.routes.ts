import { adminTrunkListQuery, idParams, trunkCreate, trunkListQuery, trunkTestRequest, trunkUpdate } from '@warp/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppContext } from '../../context.js';
import { actorOf, tenantOf } from '../../http/auth.js';
import { listOf, ok } from '../../http/envelope.js';
import { getCustomer } from '../customers/customers.service.js';
import { trunkSipStatus } from '../sip-edge/trunk-status.js';
import { presentTrunk } from './trunks.presenter.js';
import * as service from './trunks.service.js';

const writer = (req: FastifyRequest): service.Writer => ({
  actor: actorOf(req),
  isStaff: req.principal?.kind === 'user' && req.principal.type === 'staff',
});

const customerParams = z.object({ customerId: z.string().max(64) });

export function trunkRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['trunks'];

  // The paths, and the seed client's /customers/:customerId/trunks (the id works like X-Customer-ID).
  for (const base of ['/trunks', '/customers/:customerId/trunks']) {
    const params = base === '/trunks' ? undefined : customerParams;
    r.get(base, { config: { area: 'trunks' }, schema: { tags, querystring: trunkListQuery, ...(params && { params }) } }, async (req) => {
      const { data, pagination } = await service.listTrunks(ctx, tenantOf(req).customer, req.query);
      return listOf(req, data, pagination);
    });
    r.post(base, { config: { area: 'trunks' }, schema: { tags, body: trunkCreate, ...(params && { params }) } }, async (req, reply) =>
      reply.status(201).send(ok(req, await service.createTrunk(ctx, writer(req), tenantOf(req).customer, req.body))),
    );
  }
  r.get('/trunks/:id', { config: { area: 'trunks' }, schema: { tags, params: idParams } }, async (req) => {
    const { customer } = tenantOf(req);
    return ok(req, presentTrunk(await service.findTrunk(ctx, customer.id, req.params.id), customer.status));
  });
  r.patch('/trunks/:id', { config: { area: 'trunks' }, schema: { tags, params: idParams, body: trunkUpdate } }, async (req) =>
    ok(req, await service.updateTrunk(ctx, writer(req), tenantOf(req).customer, req.params.id, req.body)),
  );
  r.delete('/trunks/:id', { config: { area: 'trunks' }, schema: { tags, params: idParams } }, async (req, reply) => {
    await service.deleteTrunk(ctx, writer(req), tenantOf(req).customer, req.params.id);
    return reply.status(204).send();
  });
  r.get('/trunks/:id/credentials', { config: { area: 'trunk_credentials' }, schema: { tags, params: idParams } }, async (req) =>
    ok(req, await service.trunkCredentials(ctx, actorOf(req), tenantOf(req).customer, req.params.id)),
  );
  r.post('/trunks/:id/test', { config: { area: 'trunks' }, schema: { tags, params: idParams, body: trunkTestRequest } }, async (req) =>
    ok(req, await service.testTrunk(ctx, tenantOf(req).customer, req.params.id, req.body.test_number)),
  );

  r.get('/admin/trunks', { config: { area: 'admin_trunks' }, schema: { tags: ['admin: trunks'], querystring: adminTrunkListQuery } }, async (req) => {
    const { data, pagination } = await service.listAllTrunks(ctx, req.query);
    return listOf(req, data, pagination);
  });
  // Whether the trunk's origination destinations answer SIP OPTIONS (this server's latest pings).
  r.get('/admin/trunks/:id/sip-status', { config: { area: 'admin_trunks' }, schema: { tags: ['admin: trunks'], params: idParams } }, async (req) =>
    ok(req, await trunkSipStatus(ctx, req.params.id)),
  );
  r.get(
    '/admin/customers/:id/trunks',
    { config: { area: 'admin_trunks' }, schema: { tags: ['admin: trunks'], params: idParams, querystring: trunkListQuery } },
    async (req) => {
      const customer = await getCustomer(ctx, req.params.id);
      const { data, pagination } = await service.listTrunks(ctx, customer, req.query);
      return listOf(req, data, pagination);
    },
  );
}
