import { sql } from 'kysely';

import type { AppContext } from '../../src/context.js';
import type { Database } from '../../src/db/schema.js';

export type Snapshot = Record<string, string[]>;

/** Every table of the database, found at run time so a table added later is covered too. */
export async function tableNames(ctx: AppContext): Promise<string[]> {
  const query =
    ctx.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`
      : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`;
  const { rows } = await query.execute(ctx.db);
  return rows.map((r) => r.name).sort();
}

/** Every row of every table, each row as canonical JSON, rows sorted: equal snapshots mean an unchanged database. */
export async function snapshotDatabase(ctx: AppContext): Promise<Snapshot> {
  let names = knownTables.get(ctx);
  if (!names) knownTables.set(ctx, (names = await tableNames(ctx)));
  // Tables are read concurrently (PostgreSQL spreads them over the pool); suites take thousands of these.
  const tables = await Promise.all(
    names.map((table) =>
      ctx.db
        .selectFrom(table as keyof Database)
        .selectAll()
        .execute(),
    ),
  );
  const out: Snapshot = {};
  names.forEach((table, i) => {
    out[table] = tables[i]!.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))).sort();
  });
  return out;
}

/** Table names per context: the schema does not change while a suite runs. */
const knownTables = new WeakMap<AppContext, string[]>();

/** Human-readable differences (empty when equal), for assertion messages. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = new Set(before[table] ?? []);
    const now = new Set(after[table] ?? []);
    for (const row of now) if (!was.has(row)) out.push(`${table} + ${row.slice(0, 300)}`);
    for (const row of was) if (!now.has(row)) out.push(`${table} - ${row.slice(0, 300)}`);
  }
  return out;
}
