import { adminInvitationCreate, customerInvitationCreate, idParams, invitationAcceptRequest, listQuery } from '@warp/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { actorOf, tenantOf, userOf } from '../../http/auth.js';
import { listOf, ok } from '../../http/envelope.js';
import { tokenReply } from '../auth/auth.routes.js';
import * as service from './invitations.service.js';

export function invitationRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];
  // A customer account's invitations.
  r.get('/invitations', { config: { area: 'users' }, schema: { tags, querystring: listQuery } }, async (req) => {
    const { data, pagination } = await service.listInvitations(ctx, tenantOf(req).customer.id, req.query);
    return listOf(req, data, pagination);
  });
  r.post('/invitations', { config: { area: 'users' }, schema: { tags, body: customerInvitationCreate } }, async (req, reply) =>
    reply.status(201).send(ok(req, await service.createInvitation(ctx, actorOf(req), { ...req.body, customerId: tenantOf(req).customer.id }))),
  );
  r.delete('/invitations/:id', { config: { area: 'users' }, schema: { tags, params: idParams } }, async (req, reply) => {
    await service.revokeInvitation(ctx, actorOf(req), tenantOf(req).customer.id, req.params.id);
    return reply.status(204).send();
  });

  // Staff invitations (staff roles, or a customer's user by customer_id).
  r.get('/admin/invitations', { config: { area: 'admin_users' }, schema: { tags: ['admin: users'], querystring: listQuery } }, async (req) => {
    const { data, pagination } = await service.listInvitations(ctx, null, req.query);
    return listOf(req, data, pagination);
  });
  r.post('/admin/invitations', { config: { area: 'admin_users' }, schema: { tags: ['admin: users'], body: adminInvitationCreate } }, async (req, reply) =>
    reply.status(201).send(ok(req, await service.inviteAsStaff(ctx, actorOf(req), userOf(req), req.body))),
  );
  r.delete('/admin/invitations/:id', { config: { area: 'admin_users' }, schema: { tags: ['admin: users'], params: idParams } }, async (req, reply) => {
    await service.revokeInvitation(ctx, actorOf(req), null, req.params.id);
    return reply.status(204).send();
  });

  r.post('/auth/invitations/accept', { config: { public: true }, schema: { tags: ['auth'], body: invitationAcceptRequest } }, async (req) =>
    tokenReply(req, await service.acceptInvitation(ctx, req.body, req.ip)),
  );
}
