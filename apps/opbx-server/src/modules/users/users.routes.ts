import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf, MANAGERS } from '../../http/auth.js';
import { idParams } from '../../http/schemas.js';
import { createUserBody, listUsersQuery, updateUserBody } from './users.schema.js';
import * as service from './users.service.js';

export function userRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];
  r.get('/users', { config: { roles: MANAGERS }, schema: { tags, querystring: listUsersQuery } }, (req) => service.listUsers(ctx, authOf(req), req.query));
  // Agents may read only themselves; the service enforces it.
  r.get('/users/:id', { config: { roles: ALL_ROLES }, schema: { tags, params: idParams } }, (req) => service.getUser(ctx, authOf(req), req.params.id));
  r.post('/users', { config: { roles: MANAGERS }, schema: { tags, body: createUserBody } }, async (req, reply) =>
    reply.status(201).send(await service.createUser(ctx, authOf(req), req.body)),
  );
  // Everyone may edit their own name, email and password; the service enforces the rest.
  r.patch('/users/:id', { config: { roles: ALL_ROLES }, schema: { tags, params: idParams, body: updateUserBody } }, (req) =>
    service.updateUser(ctx, authOf(req), req.params.id, req.body),
  );
  r.delete('/users/:id', { config: { roles: MANAGERS }, schema: { tags, params: idParams } }, async (req, reply) => {
    await service.deleteUser(ctx, authOf(req), req.params.id);
    return reply.status(204).send();
  });
}
