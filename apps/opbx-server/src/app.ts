import { clientIpResolver, createHttpApp, LOG_REDACT, registerOperations } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from './context.js';
import { registerAuth } from './http/auth.js';
import { registerWebApp } from './http/web-app.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { businessHoursRoutes } from './modules/business-hours/business-hours.routes.js';
import { callLogRoutes } from './modules/call-logs/call-logs.routes.js';
import { sweepStaleCalls } from './modules/call-records/sweep.js';
import { cloudonixRoutes } from './modules/cloudonix/cloudonix.routes.js';
import { cloudonixVerifyRoutes } from './modules/cloudonix/cloudonix.verify.js';
import { webhookRoutes } from './modules/cloudonix/cloudonix-webhooks.routes.js';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes.js';
import { didRoutes } from './modules/dids/dids.routes.js';
import { directoryRoutes } from './modules/directory/directory.routes.js';
import { extensionRoutes } from './modules/extensions/extensions.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { organizationRoutes } from './modules/organization/organization.routes.js';
import { outboundPolicyRoutes } from './modules/outbound-policy/outbound-policy.routes.js';
import { broadcastingRoutes } from './modules/realtime/broadcasting.routes.js';
import { createRealtime, type Realtime } from './modules/realtime/realtime.js';
import { ringGroupRoutes } from './modules/ring-groups/ring-groups.routes.js';
import { userRoutes } from './modules/users/users.routes.js';
import { callPathRoutes } from './modules/voice/call-path.routes.js';
import { createVoiceRuntime, type VoiceRuntime } from './modules/voice/runtime.js';
import { voiceRoutes } from './modules/voice/voice.routes.js';
import { extensionVoicemailRoutes } from './modules/voicemail/extension-voicemails.routes.js';
import { voicemailBoxRoutes } from './modules/voicemail/voicemail-boxes.routes.js';

const API_PREFIX = '/api/v1';

interface BuildAppOptions {
  /** false disables request logging (tests, benchmarks). */
  logger?: boolean;
  /** Where JSON log lines go (default stdout); tests capture them to prove no secret is logged. */
  logStream?: { write(line: string): void };
  /** Interval of the stale-call sweep; 0 disables it (tests call it directly). */
  sweepIntervalMs?: number;
  /** Serve the built web app at `/` (default: when apps/opbx-web/dist exists). */
  webApp?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    voice: VoiceRuntime;
    realtime: Realtime;
    hasWebApp: boolean;
  }
}

export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = await createHttpApp({
    title: 'OPBX API',
    version: '1.0.0',
    logger:
      options.logger === false
        ? false
        : {
            level: config.LOG_LEVEL,
            redact: { paths: [...LOG_REDACT, 'req.headers["x-cx-apikey"]'], censor: '[redacted]' },
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    corsOrigins:
      config.OPBX_CORS_ORIGINS === '*'
        ? '*'
        : config.OPBX_CORS_ORIGINS.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    docsPath: '/api/docs',
    trustProxy: config.OPBX_TRUST_PROXY,
  });

  // /metrics: Bearer OPBX_METRICS_TOKEN, or (unset) local scrapers only; Redis outages logged once each way.
  registerOperations(app, { metricsToken: config.OPBX_METRICS_TOKEN, metricsTokenVariable: 'OPBX_METRICS_TOKEN', backends: ctx.backends });
  const voice = createVoiceRuntime(ctx, (err) => app.log.error({ err }, 'call journal write failed'));
  app.decorate('voice', voice);
  voiceRoutes(app, ctx, voice);
  webhookRoutes(app, ctx, voice);
  const sweepMs = options.sweepIntervalMs ?? 60_000;
  const sweep =
    sweepMs > 0
      ? setInterval(() => void sweepStaleCalls(ctx, voice.journal).catch((err) => app.log.error({ err }, 'call sweep failed')), sweepMs).unref()
      : undefined;
  const realtime = createRealtime(ctx, voice, { log: app.log, ipOf: clientIpResolver(config.OPBX_TRUST_PROXY) });
  app.decorate('realtime', realtime);
  app.addHook('onClose', async () => {
    if (sweep) clearInterval(sweep);
    await voice.journal.close();
    voice.close();
    await realtime.close();
  });
  // Channel auth sits at the root, where laravel-echo looks for it by default.
  await app.register(async (root) => {
    registerAuth(root, ctx);
    broadcastingRoutes(root, ctx, realtime);
  });

  await app.register(
    async (api) => {
      registerAuth(api, ctx);
      healthRoutes(api, ctx);
      // What the browser app needs to find the realtime server; public, no secrets.
      api.get('/client-config', { config: { public: true }, schema: { tags: ['operations'] } }, async () => ({
        websocket: { key: realtime.key, port: realtime.port ?? ctx.config.OPBX_WS_PORT },
      }));
      authRoutes(api, ctx);
      organizationRoutes(api, ctx);
      userRoutes(api, ctx);
      extensionRoutes(api, ctx);
      didRoutes(api, ctx);
      ringGroupRoutes(api, ctx);
      businessHoursRoutes(api, ctx);
      cloudonixRoutes(api, ctx);
      cloudonixVerifyRoutes(api, ctx);
      outboundPolicyRoutes(api, ctx);
      extensionVoicemailRoutes(api, ctx);
      voicemailBoxRoutes(api, ctx);
      callLogRoutes(api, ctx);
      dashboardRoutes(api, ctx, voice);
      callPathRoutes(api, ctx, voice);
      directoryRoutes(api, ctx);
    },
    { prefix: API_PREFIX },
  );
  app.decorate('hasWebApp', options.webApp === false ? false : await registerWebApp(app, { wsPort: () => realtime.port ?? ctx.config.OPBX_WS_PORT }));
  return app;
}
