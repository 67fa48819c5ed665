import { notFound, nowIso } from '@opbx/platform';
import { type AuthTokens, loginRequest, mfaConfirmRequest, mfaDisableRequest, refreshRequest } from '@warp/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { actorOf, userOf } from '../../http/auth.js';
import { ok } from '../../http/envelope.js';
import { presentUserById } from '../users/users.service.js';
import { login } from './auth.service.js';
import * as mfa from './mfa.js';
import { refreshSession, revokeSession } from './sessions.js';

/** The tokens at the top level (the seed's refresh reads them there) and as `{data, meta}`. */
export const tokenReply = <T extends AuthTokens>(req: FastifyRequest, grant: T) => ({
  ...grant,
  data: grant,
  meta: { requestId: String(req.id), timestamp: nowIso() },
});

export function authRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  r.post('/auth/login', { config: { public: true }, schema: { tags, body: loginRequest } }, async (req) => tokenReply(req, await login(ctx, req.body, req.ip)));
  r.post('/auth/refresh', { config: { public: true }, schema: { tags, body: refreshRequest } }, async (req) =>
    tokenReply(req, await refreshSession(ctx, req.body.refresh_token)),
  );
  r.post('/auth/logout', { config: { area: 'self' }, schema: { tags } }, async (req, reply) => {
    await revokeSession(ctx.db, userOf(req).sessionId, 'logout');
    return reply.status(204).send();
  });
  r.get('/auth/me', { config: { area: 'self' }, schema: { tags } }, async (req) => ok(req, await presentUserById(ctx.db, userOf(req).userId)));

  const currentUser = async (req: FastifyRequest) => {
    const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', userOf(req).userId).executeTakeFirst();
    if (!row) throw notFound('User');
    return row;
  };
  r.post('/auth/mfa/enroll', { config: { area: 'self' }, schema: { tags } }, async (req) => ok(req, await mfa.enrol(ctx, await currentUser(req))));
  r.post('/auth/mfa/confirm', { config: { area: 'self' }, schema: { tags, body: mfaConfirmRequest } }, async (req) =>
    ok(req, await mfa.confirm(ctx, actorOf(req), await currentUser(req), req.body.code)),
  );
  r.post('/auth/mfa/disable', { config: { area: 'self' }, schema: { tags, body: mfaDisableRequest } }, async (req, reply) => {
    await mfa.disable(ctx, actorOf(req), await currentUser(req), req.body.password, req.body.code);
    return reply.status(204).send();
  });
}
