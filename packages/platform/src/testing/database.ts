import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

/**
 * A fresh database for one test file: a SQLite file in a temporary directory (a file, as in
 * production, so worker threads can share it), or with DATABASE_URL=postgres://… a new PostgreSQL
 * schema, dropped afterwards. Same migrations, same code as production.
 */
export async function freshDatabaseUrl(label = 'test'): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base || !base.startsWith('postgres')) {
    const dir = mkdtempSync(join(tmpdir(), `${label}-`));
    return { url: `sqlite:${join(dir, `${label}.db`)}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
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
