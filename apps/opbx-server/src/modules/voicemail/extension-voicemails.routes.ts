import { countRows, forbidden, isUuid, notFound, paginate, paginationQuery } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf } from '../../http/auth.js';
import { idParams } from '../../http/schemas.js';

/** An extension's voicemail box (beyond the spec): managers see every box, agents their own. */
export function extensionVoicemailRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/extensions/:id/voicemails',
    { config: { roles: ALL_ROLES }, schema: { tags: ['extensions'], params: idParams, querystring: paginationQuery } },
    async (req) => {
      const auth = authOf(req);
      const ext = isUuid(req.params.id)
        ? await ctx.db
            .selectFrom('extensions')
            .select(['id', 'user_id'])
            .where('organization_id', '=', auth.organizationId)
            .where('id', '=', req.params.id)
            .executeTakeFirst()
        : undefined;
      if (!ext) throw notFound('Extension');
      if (auth.role === 'agent' && ext.user_id !== auth.userId) throw forbidden('Agents may only read their own voicemail');
      const filtered = ctx.db.selectFrom('voicemails').where('organization_id', '=', auth.organizationId).where('extension_id', '=', ext.id);
      return paginate(
        filtered.select(['id', 'extension_id', 'call_id', 'from_number', 'recording_url', 'duration', 'created_at']),
        req.query,
        { column: 'created_at', idColumn: 'id', direction: 'desc' },
        () => countRows(filtered),
      );
    },
  );
}
