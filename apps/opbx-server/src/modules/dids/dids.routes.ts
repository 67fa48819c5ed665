import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf, MANAGERS } from '../../http/auth.js';
import { idParams } from '../../http/schemas.js';
import { createDidBody, listDidsQuery, updateDidBody } from './dids.schema.js';
import * as service from './dids.service.js';

export function didRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['dids'];
  r.get('/dids', { config: { roles: ALL_ROLES }, schema: { tags, querystring: listDidsQuery } }, (req) => service.listDids(ctx, authOf(req), req.query));
  r.get('/dids/:id', { config: { roles: ALL_ROLES }, schema: { tags, params: idParams } }, (req) => service.getDid(ctx, authOf(req), req.params.id));
  r.post('/dids', { config: { roles: MANAGERS }, schema: { tags, body: createDidBody } }, async (req, reply) =>
    reply.status(201).send(await service.createDid(ctx, authOf(req), req.body)),
  );
  r.patch('/dids/:id', { config: { roles: MANAGERS }, schema: { tags, params: idParams, body: updateDidBody } }, (req) =>
    service.updateDid(ctx, authOf(req), req.params.id, req.body),
  );
  r.delete('/dids/:id', { config: { roles: MANAGERS }, schema: { tags, params: idParams } }, async (req, reply) => {
    await service.deleteDid(ctx, authOf(req), req.params.id);
    return reply.status(204).send();
  });
}
