import { accountUserUpdate, adminUserListQuery, adminUserUpdate, idParams, listQuery, passwordChangeRequest } from '@warp/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { actorOf, tenantOf, userOf } from '../../http/auth.js';
import { listOf, ok } from '../../http/envelope.js';
import * as members from './members.service.js';

export function userRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];
  // The members of one customer account.
  r.get('/users', { config: { area: 'users' }, schema: { tags, querystring: listQuery } }, async (req) => {
    const { data, pagination } = await members.listMembers(ctx, tenantOf(req).customer.id, req.query);
    return listOf(req, data, pagination);
  });
  r.patch('/users/:id', { config: { area: 'users' }, schema: { tags, params: idParams, body: accountUserUpdate } }, async (req) =>
    ok(req, await members.updateMember(ctx, actorOf(req), tenantOf(req).customer.id, req.params.id, req.body.role)),
  );
  r.delete('/users/:id', { config: { area: 'users' }, schema: { tags, params: idParams } }, async (req, reply) => {
    await members.removeMember(ctx, actorOf(req), tenantOf(req).customer.id, req.params.id);
    return reply.status(204).send();
  });

  // Every user, for staff.
  const admin = ['admin: users'];
  r.get('/admin/users', { config: { area: 'admin_users' }, schema: { tags: admin, querystring: adminUserListQuery } }, async (req) => {
    const { data, pagination } = await members.listUsers(ctx, req.query);
    return listOf(req, data, pagination);
  });
  r.get('/admin/users/:id', { config: { area: 'admin_users' }, schema: { tags: admin, params: idParams } }, async (req) =>
    ok(req, await members.getUser(ctx, req.params.id)),
  );
  r.patch('/admin/users/:id', { config: { area: 'admin_users' }, schema: { tags: admin, params: idParams, body: adminUserUpdate } }, async (req) =>
    ok(req, await members.updateUser(ctx, actorOf(req), userOf(req), req.params.id, req.body)),
  );

  r.post('/auth/password', { config: { area: 'self' }, schema: { tags: ['auth'], body: passwordChangeRequest } }, async (req, reply) => {
    await members.changePassword(ctx, actorOf(req), userOf(req), req.body.current_password, req.body.new_password);
    return reply.status(204).send();
  });
}
