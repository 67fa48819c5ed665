import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf, MANAGERS } from '../../http/auth.js';
import { idParams } from '../../http/schemas.js';
import { createExtensionBody, listExtensionsQuery, updateExtensionBody } from './extensions.schema.js';
import * as service from './extensions.service.js';

export function extensionRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['extensions'];
  r.get('/extensions', { config: { roles: ALL_ROLES }, schema: { tags, querystring: listExtensionsQuery } }, (req) =>
    service.listExtensions(ctx, authOf(req), req.query),
  );
  r.get('/extensions/:id', { config: { roles: ALL_ROLES }, schema: { tags, params: idParams } }, (req) =>
    service.getExtension(ctx, authOf(req), req.params.id),
  );
  r.post('/extensions', { config: { roles: MANAGERS }, schema: { tags, body: createExtensionBody } }, async (req, reply) =>
    reply.status(201).send(await service.createExtension(ctx, authOf(req), req.body)),
  );
  // Agents reach the service, which limits them to their own extension's voicemail and forwarding.
  r.patch('/extensions/:id', { config: { roles: ALL_ROLES }, schema: { tags, params: idParams, body: updateExtensionBody } }, (req) =>
    service.updateExtension(ctx, authOf(req), req.params.id, req.body),
  );
  r.delete('/extensions/:id', { config: { roles: MANAGERS }, schema: { tags, params: idParams } }, async (req, reply) => {
    await service.deleteExtension(ctx, authOf(req), req.params.id);
    return reply.status(204).send();
  });
  r.post('/extensions/:id/reset-sip-password', { config: { roles: MANAGERS }, schema: { tags, params: idParams } }, (req) =>
    service.resetSipPassword(ctx, authOf(req), req.params.id),
  );
}
