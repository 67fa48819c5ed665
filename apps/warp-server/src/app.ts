import { createHttpApp, LOG_REDACT, registerOperations } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from './context.js';
import { registerAuth } from './http/auth.js';
import { warpErrorBody } from './http/envelope.js';
import { apiKeyRoutes } from './modules/api-keys/api-keys.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { purgeExpired } from './modules/auth/housekeeping.js';
import { cdrRoutes } from './modules/cdrs/cdrs.routes.js';
import { scheduleCdrHousekeeping } from './modules/cdrs/housekeeping.js';
import { internalCdrRoutes } from './modules/cdrs/internal.routes.js';
import { customerRoutes } from './modules/customers/customers.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { invitationRoutes } from './modules/invitations/invitations.routes.js';
import { oidcRoutes } from './modules/oidc/oidc.routes.js';
import { routingRoutes } from './modules/routing/routing.routes.js';
import { callLimitsOf } from './modules/sip-edge/call-limits.js';
import { sipEdgeRoutes } from './modules/sip-edge/sip.routes.js';
import { watchTrunkStatus } from './modules/sip-edge/trunk-status.js';
import { trunkRoutes } from './modules/trunks/trunks.routes.js';
import { userRoutes } from './modules/users/users.routes.js';
import { DeliveryWorker } from './modules/webhooks/delivery.js';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.js';

export const API_PREFIX = '/v1';

declare module 'fastify' {
  interface FastifyInstance {
    deliveries: DeliveryWorker;
  }
}

export interface BuildAppOptions {
  /** false disables request logging (tests). */
  logger?: boolean;
  /** Where JSON log lines go (default stdout); tests capture them to prove no secret is logged. */
  logStream?: { write(line: string): void };
}

export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = await createHttpApp({
    title: 'WARP API',
    version: '1.0.0',
    logger:
      options.logger === false
        ? false
        : {
            level: config.LOG_LEVEL,
            redact: { paths: [...LOG_REDACT, 'req.headers["x-api-key"]'], censor: '[redacted]' },
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    corsOrigins:
      config.WARP_CORS_ORIGINS === '*'
        ? '*'
        : config.WARP_CORS_ORIGINS.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    docsPath: `${API_PREFIX}/docs`,
    trustProxy: config.WARP_TRUST_PROXY,
    errorBody: warpErrorBody,
  });

  // /metrics: Bearer WARP_METRICS_TOKEN, or (unset) local scrapers only; Redis outages logged once each way.
  registerOperations(app, { metricsToken: ctx.config.WARP_METRICS_TOKEN, metricsTokenVariable: 'WARP_METRICS_TOKEN', backends: ctx.backends });

  await app.register(
    async (api) => {
      registerAuth(api, ctx);
      healthRoutes(api, ctx);
      authRoutes(api, ctx);
      customerRoutes(api, ctx);
      auditRoutes(api, ctx);
      trunkRoutes(api, ctx);
      apiKeyRoutes(api, ctx);
      webhookRoutes(api, ctx);
      invitationRoutes(api, ctx);
      userRoutes(api, ctx);
      oidcRoutes(api, ctx);
      internalCdrRoutes(api, ctx);
      cdrRoutes(api, ctx);
      routingRoutes(api, ctx);
      void api.register(sipEdgeRoutes(ctx, callLimitsOf(ctx)), { prefix: '/internal/sip' });
    },
    { prefix: API_PREFIX },
  );

  // Outbound webhooks leave from the database queue, after the writes that queued them committed.
  const deliveries = new DeliveryWorker(ctx, app.log);
  app.decorate('deliveries', deliveries);
  if (config.WARP_WEBHOOK_POLL_MS > 0) deliveries.start(config.WARP_WEBHOOK_POLL_MS);
  app.addHook('onClose', async () => deliveries.stop());
  // Hourly: forget tokens that can no longer be used.
  const purge = setInterval(() => void purgeExpired(ctx).catch((err) => app.log.warn({ err }, 'token purge failed')), 3600_000).unref();
  app.addHook('onClose', async () => clearInterval(purge));
  // Hourly: next month's CDR partition, CDR retention, expired exports.
  scheduleCdrHousekeeping(app, ctx);
  watchTrunkStatus(app, ctx);
  return app;
}
