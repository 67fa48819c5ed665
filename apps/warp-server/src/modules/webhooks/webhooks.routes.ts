import { deliveryListQuery, idParams, listQuery, webhookCreate, webhookUpdate } from '@warp/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppContext } from '../../context.js';
import { actorOf, tenantOf } from '../../http/auth.js';
import { listOf, ok } from '../../http/envelope.js';
import * as service from './webhooks.service.js';

const deliveryParams = z.object({ id: z.string().max(64), deliveryId: z.string().max(64) });

export function webhookRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['webhooks'];
  const config = { area: 'webhooks' } as const;
  r.get('/webhooks', { config, schema: { tags, querystring: listQuery } }, async (req) => {
    const { data, pagination } = await service.listWebhooks(ctx, tenantOf(req).customer, req.query);
    return listOf(req, data, pagination);
  });
  r.post('/webhooks', { config, schema: { tags, body: webhookCreate } }, async (req, reply) =>
    reply.status(201).send(ok(req, await service.createWebhook(ctx, actorOf(req), tenantOf(req).customer, req.body))),
  );
  r.get('/webhooks/:id', { config, schema: { tags, params: idParams } }, async (req) =>
    ok(req, service.presentWebhook(await service.findWebhook(ctx, tenantOf(req).customer.id, req.params.id))),
  );
  r.patch('/webhooks/:id', { config, schema: { tags, params: idParams, body: webhookUpdate } }, async (req) =>
    ok(req, await service.updateWebhook(ctx, actorOf(req), tenantOf(req).customer, req.params.id, req.body)),
  );
  r.delete('/webhooks/:id', { config, schema: { tags, params: idParams } }, async (req, reply) => {
    await service.deleteWebhook(ctx, actorOf(req), tenantOf(req).customer, req.params.id);
    return reply.status(204).send();
  });
  r.post('/webhooks/:id/rotate-secret', { config, schema: { tags, params: idParams } }, async (req) =>
    ok(req, await service.rotateSecret(ctx, actorOf(req), tenantOf(req).customer, req.params.id)),
  );
  r.get('/webhooks/:id/deliveries', { config, schema: { tags, params: idParams, querystring: deliveryListQuery } }, async (req) => {
    const { data, pagination } = await service.listDeliveries(ctx, tenantOf(req).customer, req.params.id, req.query);
    return listOf(req, data, pagination);
  });
  r.get('/webhooks/:id/deliveries/:deliveryId', { config, schema: { tags, params: deliveryParams } }, async (req) =>
    ok(req, await service.getDelivery(ctx, tenantOf(req).customer, req.params.id, req.params.deliveryId)),
  );
  r.post('/webhooks/:id/deliveries/:deliveryId/redeliver', { config, schema: { tags, params: deliveryParams } }, async (req, reply) =>
    reply.status(202).send(ok(req, await service.redeliver(ctx, actorOf(req), tenantOf(req).customer, req.params.id, req.params.deliveryId))),
  );
}
