import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { authOf, MANAGERS, OWNER } from '../../http/auth.js';
import { putOutboundPolicyBody } from './outbound-policy.schema.js';
import { getOutboundPolicy, putOutboundPolicy } from './outbound-policy.service.js';

export function outboundPolicyRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['settings'];
  r.get('/settings/outbound-policy', { config: { roles: MANAGERS }, schema: { tags } }, async (req) => getOutboundPolicy(ctx, authOf(req).organizationId));
  r.put('/settings/outbound-policy', { config: { roles: OWNER }, schema: { tags, body: putOutboundPolicyBody } }, async (req) =>
    putOutboundPolicy(ctx, authOf(req).organizationId, req.body),
  );
}
