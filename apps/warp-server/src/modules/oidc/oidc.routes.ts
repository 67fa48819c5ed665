import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppContext } from '../../context.js';
import { ok } from '../../http/envelope.js';
import { tokenReply } from '../auth/auth.routes.js';
import { OidcSignIn } from './oidc.service.js';

const callbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(512).optional(),
  iss: z.string().max(2048).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(1024).optional(),
  session_state: z.string().max(512).optional(),
});

export function oidcRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const oidc = new OidcSignIn(ctx);
  const tags = ['auth'];
  // The portal sends the browser to authorization_url; the provider sends it back to
  // WARP_OIDC_REDIRECT_URI, whose page passes the query string to the callback below.
  r.get('/auth/oidc/authorize', { config: { public: true }, schema: { tags } }, async (req) => ok(req, { authorization_url: await oidc.authorizationUrl() }));
  r.get('/auth/oidc/callback', { config: { public: true }, schema: { tags, querystring: callbackQuery } }, async (req) => {
    const query = Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return tokenReply(req, await oidc.callback(query, req.ip));
  });
}
