import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf, MANAGERS } from '../../http/auth.js';
import { idParams } from '../../http/schemas.js';
import { createRingGroupBody, listRingGroupsQuery, updateRingGroupBody } from './ring-groups.schema.js';
import * as service from './ring-groups.service.js';

export function ringGroupRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['ring-groups'];
  r.get('/ring-groups', { config: { roles: ALL_ROLES }, schema: { tags, querystring: listRingGroupsQuery } }, (req) =>
    service.listRingGroups(ctx, authOf(req), req.query),
  );
  r.get('/ring-groups/:id', { config: { roles: ALL_ROLES }, schema: { tags, params: idParams } }, (req) =>
    service.getRingGroup(ctx, authOf(req), req.params.id),
  );
  r.post('/ring-groups', { config: { roles: MANAGERS }, schema: { tags, body: createRingGroupBody } }, async (req, reply) =>
    reply.status(201).send(await service.createRingGroup(ctx, authOf(req), req.body)),
  );
  r.patch('/ring-groups/:id', { config: { roles: MANAGERS }, schema: { tags, params: idParams, body: updateRingGroupBody } }, (req) =>
    service.updateRingGroup(ctx, authOf(req), req.params.id, req.body),
  );
  r.delete('/ring-groups/:id', { config: { roles: MANAGERS }, schema: { tags, params: idParams } }, async (req, reply) => {
    await service.deleteRingGroup(ctx, authOf(req), req.params.id);
    return reply.status(204).send();
  });
}
