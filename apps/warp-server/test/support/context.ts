import { randomBytes } from 'node:crypto';

import { freshDatabaseUrl as freshDatabase } from '@opbx/platform/testing';
import type { FastifyInstance } from 'fastify';

import { buildApp, type BuildAppOptions } from '../../src/app.js';
import { readConfig, type WarpConfig } from '../../src/config.js';
import { type AppContext, createContext } from '../../src/context.js';

/** A fresh database for one test file (SQLite file or PostgreSQL schema): the kernel's, named for WARP. */
export const freshDatabaseUrl = () => freshDatabase('warp-test');

export function testConfig(url: string, env: Record<string, string> = {}): WarpConfig {
  return readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    WARP_APP_KEY: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'silent',
    WARP_REDIS_PREFIX: `wtest:${randomBytes(4).toString('hex')}:`,
    WARP_LOGIN_LIMIT_IP: '100000',
    WARP_LOGIN_LIMIT_EMAIL: '100000',
    WARP_WEBHOOK_POLL_MS: '0',
    // no background SIP OPTIONS pings unless a test asks for them (sip-trunk-status.test.ts)
    WARP_SIP_OPTIONS_INTERVAL: '0',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...env,
  });
}

export interface TestServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

export async function createTestServer(env: Record<string, string> = {}, options: BuildAppOptions = {}): Promise<TestServer> {
  const db = await freshDatabaseUrl();
  const ctx = await createContext(testConfig(db.url, env));
  const app = await buildApp(ctx, { logger: false, ...options });
  await app.ready();
  return {
    app,
    ctx,
    url: db.url,
    async close() {
      await app.close();
      await ctx.close();
      await db.drop();
    },
  };
}
