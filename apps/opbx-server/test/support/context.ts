import { randomBytes } from 'node:crypto';

import { freshDatabaseUrl as freshDatabase } from '@opbx/platform/testing';
import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../src/app.js';
import { type OpbxConfig, readConfig } from '../../src/config.js';
import { type AppContext, createContext } from '../../src/context.js';

/** A fresh database for one test file (SQLite file or PostgreSQL schema): the kernel's, named for OPBX. */
export const freshDatabaseUrl = () => freshDatabase('opbx-test');

export function testConfig(url: string, env: Record<string, string> = {}): OpbxConfig {
  return readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    OPBX_APP_KEY: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'silent',
    OPBX_REDIS_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
    OPBX_LOGIN_LIMIT_IP: '100000',
    OPBX_LOGIN_LIMIT_EMAIL: '100000',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...env,
  });
}

export interface TestServer {
  app: FastifyInstance;
  ctx: AppContext;
  close(): Promise<void>;
}

export async function createTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const db = await freshDatabaseUrl();
  const ctx = await createContext(testConfig(db.url, env));
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await ctx.close();
      await db.drop();
    },
  };
}
