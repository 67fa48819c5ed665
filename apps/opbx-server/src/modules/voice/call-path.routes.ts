import { AppError, notFound } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppContext } from '../../context.js';
import { authOf, MANAGERS } from '../../http/auth.js';
import { explainCallPath } from './call-path.js';
import type { VoiceRuntime } from './runtime.js';

const dialString = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(/^[+0-9*# \-().]+$/, 'must be a phone number or an extension number');

const callPathBody = z.strictObject({
  /** An extension number (a call placed from it) or an outside number; omitted: an outside caller. */
  from: dialString.optional(),
  to: dialString,
  /** When the call happens (ISO 8601 with an offset); omitted: now. */
  at: z.string().datetime({ offset: true, message: 'must be an ISO 8601 date and time with a zone offset' }).optional(),
});

/** Test calls per user per minute: each loads names and runs the router, cheap but not free. */
const TESTS_PER_MINUTE = 60;

export function callPathRoutes(app: FastifyInstance, ctx: AppContext, voice: VoiceRuntime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post('/call-path', { config: { roles: MANAGERS }, schema: { tags: ['routing'], body: callPathBody } }, async (req) => {
    const auth = authOf(req);
    const limit = await ctx.limiter.hit(`call-path:${auth.userId}`, TESTS_PER_MINUTE, 60);
    if (!limit.allowed)
      throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many call-path tests; try again in a minute', undefined, { 'retry-after': String(limit.retryAfter) });
    const snap = await voice.snapshots.get(auth.organizationId);
    if (!snap) throw notFound('Organization');
    return explainCallPath(ctx.db, snap, { from: req.body.from, to: req.body.to, at: req.body.at ? new Date(req.body.at) : new Date() });
  });
}
