import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf, OWNER } from '../../http/auth.js';
import { updateOrganizationBody } from './organization.schema.js';
import { getOrganization, updateOrganization } from './organization.service.js';

export function organizationRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['organization'];
  r.get('/organization', { config: { roles: ALL_ROLES }, schema: { tags } }, (req) => getOrganization(ctx, authOf(req).organizationId));
  r.patch('/organization', { config: { roles: OWNER }, schema: { tags, body: updateOrganizationBody } }, (req) =>
    updateOrganization(ctx, authOf(req).organizationId, req.body),
  );
}
