import { handleProcessSignals } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import { buildApp } from './app.js';
import type { WarpConfig } from './config.js';
import { type AppContext, createContext } from './context.js';
import { DEMO_CUSTOMER, DEMO_STAFF } from './demo/constants.js';
import { seedDemo } from './demo/seed.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  stop(): Promise<void>;
}

/** Migrate, optionally seed, listen, and stop cleanly on SIGTERM/SIGINT (in-flight requests finish). */
export async function startServer(config: WarpConfig, options: { demo?: boolean; signals?: boolean } = {}): Promise<RunningServer> {
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await app.close();
      await ctx.close();
    })());
  // Installed before listening: a signal during start-up already shuts down cleanly; the process guards log what escapes.
  if (options.signals !== false) handleProcessSignals(app.log, stop);
  if (options.demo) {
    const seeded = await seedDemo(ctx);
    if (seeded.created) app.log.info('Demo data created');
    // Routing demo data (issue 13), before listening: the first requests find the snapshot built.
    const { seedRoutingDemo } = await import('./modules/routing/demo.js');
    if (await seedRoutingDemo(ctx)) app.log.info('Routing demo data created');
    // A month of traffic on Acme's trunks (issue 15), once, so CDRs, usage and margins have something to show.
    const { seedDemoTraffic } = await import('./modules/cdrs/traffic.js');
    const traffic = await seedDemoTraffic(ctx).catch((err: Error) => app.log.warn({ err }, 'CDR demo traffic not created'));
    if (traffic) app.log.info(`CDR demo traffic: ${traffic.calls} calls over the last 30 days (${traffic.answered} answered)`);
  }
  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://localhost:${port}`;
  const banner = [`WARP API listening on ${url}/v1 (database: ${ctx.dialect})`, `API docs: ${url}/v1/docs`];
  if (options.demo) {
    banner.push(`Demo staff admin: ${DEMO_STAFF.email} / ${DEMO_STAFF.password}`);
    banner.push(`Demo customer admin (${DEMO_CUSTOMER.name}): ${DEMO_CUSTOMER.email} / ${DEMO_CUSTOMER.password}`);
  }
  console.log(banner.join('\n'));
  return { app, ctx, url, stop };
}
