import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';
import pg from 'pg';

import { buildApp } from '../../src/app.js';
import { type OpbxConfig, readConfig } from '../../src/config.js';
import { type AppContext, createContext } from '../../src/context.js';

/**
 * A fresh database for one test file: a SQLite file in a temporary directory (a file, as in
 * production, so the call journal commits from its own thread), or with DATABASE_URL=postgres://…
 * a new PostgreSQL schema dropped afterwards. Same migrations, same code as production.
 */
export async function freshDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base || !base.startsWith('postgres')) {
    const dir = mkdtempSync(join(tmpdir(), 'opbx-test-'));
    return { url: `sqlite:${join(dir, 'opbx.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
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
