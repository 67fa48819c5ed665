import type { FastifyInstance } from 'fastify';

import type { BackendHealth, HealthChange } from '../backend-health.js';
import { forbidden, unauthorized } from '../errors.js';
import type { HttpMetrics } from '../http/metrics.js';
import { metricsAccess } from '../http/metrics.js';

interface OperationsOptions {
  /** Bearer token that may scrape /metrics; unset: local scrapers only (see metricsAccess). */
  metricsToken: string | undefined;
  /** The variable that sets it, named in the refusal. */
  metricsTokenVariable: string;
  /** Shared backends (Redis) whose outage and recovery are logged once each. */
  backends: readonly BackendHealth[];
}

/** `/metrics` behind its token, and one log line when a shared backend goes and one when it comes back. */
export function registerOperations(app: FastifyInstance & { metrics: HttpMetrics }, options: OperationsOptions): void {
  const allowed = metricsAccess(options.metricsToken);
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const access = allowed(req.raw);
    if (access === 'unauthorized') throw unauthorized('Send the metrics token as a Bearer token');
    if (access === 'forbidden') throw forbidden(`Metrics are served to this host only; set ${options.metricsTokenVariable} to scrape them remotely`);
    return reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
  });

  for (const backend of options.backends) {
    const report = ({ component, impact, ok, err }: HealthChange) => {
      if (ok) app.log.info({ component }, `Redis is back for the ${component}`);
      else app.log.warn({ component, err }, `Redis unavailable for the ${component}: ${impact}`);
    };
    const off = backend.onChange(report);
    app.addHook('onClose', async () => off());
    // Down before we listened (Redis absent at start-up): say so now.
    if (!backend.ok) report({ component: backend.component, impact: backend.impact, ok: false });
  }
}
