import { apiKeyCreate, idParams, listQuery } from '@warp/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { actorOf, principalOf, tenantOf } from '../../http/auth.js';
import { listOf, ok } from '../../http/envelope.js';
import * as service from './api-keys.service.js';

export function apiKeyRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['api keys'];
  r.get('/api-keys', { config: { area: 'api_keys' }, schema: { tags, querystring: listQuery } }, async (req) => {
    const { data, pagination } = await service.listApiKeys(ctx, tenantOf(req).customer, req.query);
    return listOf(req, data, pagination);
  });
  r.post('/api-keys', { config: { area: 'api_keys' }, schema: { tags, body: apiKeyCreate } }, async (req, reply) =>
    reply.status(201).send(ok(req, await service.createApiKey(ctx, actorOf(req), principalOf(req), tenantOf(req).customer, req.body))),
  );
  r.delete('/api-keys/:id', { config: { area: 'api_keys' }, schema: { tags, params: idParams } }, async (req, reply) => {
    await service.revokeApiKey(ctx, actorOf(req), tenantOf(req).customer, req.params.id);
    return reply.status(204).send();
  });
}
