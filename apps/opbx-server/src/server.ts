import { ConfigError, handleProcessSignals } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import { buildApp } from './app.js';
import type { OpbxConfig } from './config.js';
import { type AppContext, createContext } from './context.js';
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
  if (options.demo && config.NODE_ENV === 'production') {
    throw new ConfigError('serve --demo creates an owner with a published password and requests key: it does not run with NODE_ENV=production');
  }
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await app.close();
      await ctx.close();
    })());
  if (options.signals !== false) handleProcessSignals(app.log, stop);
  await app.listen({ host: config.HOST, port: config.PORT });
  const wsPort = await app.realtime.pusher.listen(config.OPBX_WS_PORT, config.HOST);
  app.realtime.port = wsPort;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://localhost:${port}`;
  // The demo goes only into an empty database (or is already there from an earlier --demo run).
  const demo = options.demo ? await seedDemo(ctx, { baseUrl: url, onlyIntoEmpty: true }) : undefined;
  if (demo?.created) app.log.info('Demo organization created');
  if (demo?.refused) app.log.warn('Demo organization not created: the database already has organizations (--demo seeds only an empty database)');
  const banner = [
    `OPBX API listening on ${url}/api/v1 (database: ${ctx.dialect})`,
    `Realtime (Pusher protocol): ws://localhost:${wsPort}/app/${config.OPBX_WS_KEY}`,
    `API docs: ${url}/api/docs`,
    ...(app.hasWebApp ? [`Web app: ${url}/`] : [`Web app not built: run \`npm run build:web\` (npm start does it)`]),
  ];
  if (demo && !demo.refused) {
    banner.push(`Demo login: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`);
    banner.push(
      `Place a simulated call: npm run opbx -- simulate call --base-url ${url} --from +12125550123 --to +15550100002 (demo Cloudonix requests key: ${DEMO_CLOUDONIX.requestsKey})`,
    );
  }
  console.log(banner.join('\n'));
  return { app, ctx, url, wsPort, stop };
}
