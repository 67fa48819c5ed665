import { forbidden, signChannel, SOCKET_ID_RE } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf } from '../../http/auth.js';
import { callsChannel, extensionsChannel, presenceChannel } from './channels.js';
import type { Realtime } from './realtime.js';

// pusher-js posts form-encoded; axios-based authorizers post JSON. Both parse to this shape.
const authBody = z.object({
  socket_id: z.string().regex(SOCKET_ID_RE, 'must be a Pusher socket id'),
  channel_name: z.string().min(1).max(200),
});

/** Channel authorization for pusher-js / laravel-echo: a user may join only their own organization's channels. */
export function broadcastingRoutes(app: FastifyInstance, ctx: AppContext, realtime: Realtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post('/broadcasting/auth', { config: { roles: ALL_ROLES }, schema: { tags: ['realtime'], body: authBody } }, async (req) => {
    const auth = authOf(req);
    const { socket_id, channel_name } = req.body;
    const org = auth.organizationId;
    // The grant (who, which session) is signed into the subscription: every instance can then
    // filter events per user and drop the subscription when that session ends.
    const grant = { user_id: auth.userId, session_id: await sessionOf(ctx, auth.tokenId) };
    if (channel_name === callsChannel(org) || channel_name === extensionsChannel(org)) {
      const channelData = JSON.stringify(grant);
      return { auth: signChannel(realtime.key, realtime.secret, socket_id, channel_name, channelData), channel_data: channelData };
    }
    if (channel_name === presenceChannel(org)) {
      const user = await ctx.db.selectFrom('users').select(['id', 'name', 'role']).where('id', '=', auth.userId).executeTakeFirstOrThrow();
      const channelData = JSON.stringify({ ...grant, user_info: { name: user.name, role: user.role } });
      return { auth: signChannel(realtime.key, realtime.secret, socket_id, channel_name, channelData), channel_data: channelData };
    }
    throw forbidden('You may not subscribe to this channel');
  });
}

/**
 * A session outlives its tokens (refresh rotates them), so a grant names the session by when it
 * began, which every token of the chain carries: signing out after a refresh still finds it.
 */
async function sessionOf(ctx: AppContext, tokenId: string): Promise<string> {
  const token = await ctx.db.selectFrom('api_tokens').select(['session_started_at', 'created_at']).where('id', '=', tokenId).executeTakeFirst();
  return token?.session_started_at ?? token?.created_at ?? tokenId;
}
