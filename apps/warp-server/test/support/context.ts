import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { readConfig, type WarpConfig } from '../../src/config.js';
import { createContext, type AppContext } from '../../src/context.js';
import { buildApp, type BuildAppOptions } from '../../src/app.js';

/**
 * A fresh database for one test file: a SQLite file in a temporary directory, or with
 * DATABASE_URL=postgres://… a new PostgreSQL schema dropped afterwards. Same migrations and code
 * as production.
 */
export async function freshDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base || !base.startsWith('postgres')) {
    const dir = mkdtempSync(join(tmpdir(), 'warp-test-'));
    return { url: `sqlite:${join(dir, 'warp.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `w_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

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
