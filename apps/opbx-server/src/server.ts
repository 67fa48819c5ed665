import type { FastifyInstance } from 'fastify';
import { installProcessGuards } from '@opbx/platform';
import { buildApp } from './app.js';
import type { OpbxConfig } from './config.js';
import { createContext, type AppContext } from './context.js';
import { DEMO_CLOUDONIX, DEMO_LOGIN, seedDemo } from './demo/seed.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  wsPort: number;
  stop(): Promise<void>;
}

/** Migrate, optionally seed, listen, and stop cleanly on SIGTERM/SIGINT (in-flight requests finish). */
export async function startServer(config: OpbxConfig, options: { demo?: boolean; signals?: boolean } = {}): Promise<RunningServer> {
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await app.close();
      await ctx.close();
    })());
  // Installed before listening, so a signal during start-up already shuts down cleanly.
  if (options.signals !== false) {
    installProcessGuards(app.log, stop);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      // `on`, not `once`: a terminal's Ctrl-C can arrive twice (directly and relayed by tsx); stop() is idempotent.
      process.on(signal, () => {
        app.log.info({ signal }, 'shutting down');
        void stop().then(() => process.exit(0));
      });
    }
  }
  await app.listen({ host: config.HOST, port: config.PORT });
  const wsPort = await app.realtime.pusher.listen(config.OPBX_WS_PORT, config.HOST);
  app.realtime.port = wsPort;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://localhost:${port}`;
  if (options.demo) {
    const seeded = await seedDemo(ctx, { baseUrl: url });
    if (seeded.created) app.log.info('Demo organization created');
  }
  const banner = [
    `OPBX API listening on ${url}/api/v1 (database: ${ctx.dialect})`,
    `Realtime (Pusher protocol): ws://localhost:${wsPort}/app/${config.OPBX_WS_KEY}`,
    `API docs: ${url}/api/docs`,
    ...(app.hasWebApp ? [`Web app: ${url}/`] : [`Web app not built: run \`npm run build:web\` (npm start does it)`]),
  ];
  if (options.demo) {
    banner.push(`Demo login: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`);
    banner.push(`Place a simulated call: npm run opbx -- simulate call --base-url ${url} --from +12125550123 --to +15550100002 (demo Cloudonix requests key: ${DEMO_CLOUDONIX.requestsKey})`);
  }
  console.log(banner.join('\n'));
  return { app, ctx, url, wsPort, stop };
}
