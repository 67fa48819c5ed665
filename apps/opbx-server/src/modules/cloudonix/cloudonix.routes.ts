import { AppError, notFound } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf, OWNER } from '../../http/auth.js';
import { putCloudonixBody } from './cloudonix.schema.js';
import { getCloudonixSettings, putCloudonixSettings } from './cloudonix.service.js';

/** Settings writes per user per hour (the organization has its own budget in the service). */
const WRITES_PER_USER_PER_HOUR = 10;

export function cloudonixRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['settings'];
  // Every role reads (the README's role table); only owners see even the key's last characters.
  r.get('/settings/cloudonix', { config: { roles: ALL_ROLES }, schema: { tags } }, async (req) => {
    const auth = authOf(req);
    const view = await getCloudonixSettings(ctx, auth.organizationId, { withHint: auth.role === 'owner' });
    if (!view) throw notFound('Cloudonix settings');
    return view;
  });
  r.put('/settings/cloudonix', { config: { roles: OWNER }, schema: { tags, body: putCloudonixBody } }, async (req) => {
    const auth = authOf(req);
    const limit = await ctx.limiter.hit(`cloudonix-settings-user:${auth.userId}`, WRITES_PER_USER_PER_HOUR, 3600);
    if (!limit.allowed)
      throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many Cloudonix settings changes; try again later', undefined, { 'retry-after': String(limit.retryAfter) });
    return putCloudonixSettings(ctx, auth.organizationId, req.body);
  });
}
