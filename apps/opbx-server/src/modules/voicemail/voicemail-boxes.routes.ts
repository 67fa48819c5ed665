import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { authOf, MANAGERS } from '../../http/auth.js';
import { idParams } from '../../http/schemas.js';
import { boxMessageParams, listMessagesQuery, updateMessageBody, updateVoicemailBoxBody } from './voicemail-boxes.schema.js';
import * as service from './voicemail-boxes.service.js';

/**
 * The organization's voicemail boxes (beyond the spec): the general mailbox that takes voicemail
 * routed to no extension. Owners and admins only: agents read their own extension's box
 * (`/extensions/:id/voicemails`), not the company's.
 */
export function voicemailBoxRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['voicemail'];
  const config = { roles: MANAGERS };
  r.get('/voicemail-boxes', { config, schema: { tags } }, (req) => service.listBoxes(ctx, authOf(req)));
  r.get('/voicemail-boxes/:id', { config, schema: { tags, params: idParams } }, (req) => service.getBox(ctx, authOf(req), req.params.id));
  r.patch('/voicemail-boxes/:id', { config, schema: { tags, params: idParams, body: updateVoicemailBoxBody } }, (req) =>
    service.updateBox(ctx, authOf(req), req.params.id, req.body),
  );
  r.get('/voicemail-boxes/:id/messages', { config, schema: { tags, params: idParams, querystring: listMessagesQuery } }, (req) =>
    service.listMessages(ctx, authOf(req), req.params.id, req.query),
  );
  r.patch('/voicemail-boxes/:id/messages/:messageId', { config, schema: { tags, params: boxMessageParams, body: updateMessageBody } }, (req) =>
    service.markMessage(ctx, authOf(req), req.params.id, req.params.messageId, req.body.read),
  );
  r.delete('/voicemail-boxes/:id/messages/:messageId', { config, schema: { tags, params: boxMessageParams } }, async (req, reply) => {
    await service.deleteMessage(ctx, authOf(req), req.params.id, req.params.messageId);
    return reply.status(204).send();
  });
}
