import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { notFound } from '@opbx/platform';
import type { AppContext } from '../../context.js';
import { OWNER, authOf } from '../../http/auth.js';
import { putCloudonixBody } from './cloudonix.schema.js';
import { getCloudonixSettings, putCloudonixSettings } from './cloudonix.service.js';

export function cloudonixRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['settings'];
  r.get('/settings/cloudonix', { config: { roles: OWNER }, schema: { tags } }, async (req) => {
    const view = await getCloudonixSettings(ctx, authOf(req).organizationId);
    if (!view) throw notFound('Cloudonix settings');
    return view;
  });
  r.put('/settings/cloudonix', { config: { roles: OWNER }, schema: { tags, body: putCloudonixBody } }, (req) =>
    putCloudonixSettings(ctx, authOf(req).organizationId, req.body),
  );
}
