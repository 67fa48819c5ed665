import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf, MANAGERS } from '../../http/auth.js';
import { idParams } from '../../http/schemas.js';
import { createBusinessHoursBody, listBusinessHoursQuery, updateBusinessHoursBody } from './business-hours.schema.js';
import * as service from './business-hours.service.js';

export function businessHoursRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['business-hours'];
  r.get('/business-hours', { config: { roles: ALL_ROLES }, schema: { tags, querystring: listBusinessHoursQuery } }, (req) =>
    service.listBusinessHours(ctx, authOf(req), req.query),
  );
  r.get('/business-hours/:id', { config: { roles: ALL_ROLES }, schema: { tags, params: idParams } }, (req) =>
    service.getBusinessHours(ctx, authOf(req), req.params.id),
  );
  r.post('/business-hours', { config: { roles: MANAGERS }, schema: { tags, body: createBusinessHoursBody } }, async (req, reply) =>
    reply.status(201).send(await service.createBusinessHours(ctx, authOf(req), req.body)),
  );
  r.patch('/business-hours/:id', { config: { roles: MANAGERS }, schema: { tags, params: idParams, body: updateBusinessHoursBody } }, (req) =>
    service.updateBusinessHours(ctx, authOf(req), req.params.id, req.body),
  );
  r.delete('/business-hours/:id', { config: { roles: MANAGERS }, schema: { tags, params: idParams } }, async (req, reply) => {
    await service.deleteBusinessHours(ctx, authOf(req), req.params.id);
    return reply.status(204).send();
  });
}
