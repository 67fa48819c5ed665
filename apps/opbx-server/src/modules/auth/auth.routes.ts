import { dummyPasswordHash, notFound } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { authOf } from '../../http/auth.js';
import { presentUser } from '../users/users.presenter.js';
import { findUserById } from '../users/users.queries.js';
import { loginBody } from './auth.schema.js';
import * as auth from './auth.service.js';

export function authRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Made now, so the first sign-in with an unknown email takes no longer than one with a wrong password.
  void dummyPasswordHash();
  r.post('/auth/login', { config: { public: true }, schema: { tags: ['auth'], body: loginBody } }, (req) =>
    auth.login(ctx, req.body.email, req.body.password, req.ip),
  );
  r.post('/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    await auth.logout(ctx, authOf(req));
    return reply.status(204).send();
  });
  r.post('/auth/refresh', { schema: { tags: ['auth'] } }, (req) => auth.refresh(ctx, authOf(req)));
  r.get('/auth/me', { schema: { tags: ['auth'] } }, async (req) => {
    const a = authOf(req);
    const user = await findUserById(ctx.db, a.organizationId, a.userId);
    if (!user) throw notFound('User');
    return presentUser(user, ctx);
  });
}
