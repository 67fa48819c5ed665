import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { ok } from '../../http/envelope.js';
import { requireEdgeKey } from './edge-keys.js';
import { ingestCdrs } from './ingest.js';

/** /v1/internal/*: SIP edges only, with an edge key (never a user token or API key). */
export function internalCdrRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post(
    '/internal/cdrs',
    {
      // public to the user/API-key hook: the edge key is checked here instead
      config: { public: true },
      schema: { tags: ['internal'], hide: true },
      // 1,000 CDRs with their attempts
      bodyLimit: 8 * 1024 * 1024,
      preHandler: async (req) => void (await requireEdgeKey(ctx, req)),
    },
    async (req) => ok(req, await ingestCdrs(ctx, req.body)),
  );
}
