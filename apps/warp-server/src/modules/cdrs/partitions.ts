import { type Kysely, sql } from 'kysely';

/*
 * Monthly partitions of `cdrs` on PostgreSQL. Bounds are ISO-8601 UTC text, which sorts as time:
 * a month's partition holds [YYYY-MM, next YYYY-MM). Ingestion makes sure the month of every
 * CDR it stores exists (late and early arrivals included); a daily timer creates next month's
 * ahead of time. SQLite has one plain table and none of this.
 */

export const isPostgres = (db: Kysely<any>): boolean => (db.getExecutor().adapter as { constructor: { name: string } }).constructor.name.startsWith('Postgres');

const monthOf = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

const known = new WeakMap<Kysely<any>, Set<string>>();

/** Creates the partition holding `at`'s month if missing; safe to call concurrently from any instance. */
export async function ensureCdrPartition(db: Kysely<any>, at: Date): Promise<void> {
  if (!isPostgres(db)) return;
  const month = monthOf(at);
  let seen = known.get(db);
  if (!seen) known.set(db, (seen = new Set()));
  if (seen.has(month)) return;
  const next = monthOf(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)));
  const name = `cdrs_${month.replace('-', '_')}`;
  // Two sessions racing on CREATE TABLE IF NOT EXISTS can still collide in the catalog: serialize
  // on an advisory lock for the length of the little transaction.
  const create = async (trx: Kysely<any>) => {
    await sql`select pg_advisory_xact_lock(hashtext(${'warp.cdrs.' + month}))`.execute(trx);
    await sql.raw(`create table if not exists ${name} partition of cdrs for values from ('${month}') to ('${next}')`).execute(trx);
  };
  // Inside a migration the caller's transaction serves; elsewhere a short one of its own.
  if (db.isTransaction) await create(db);
  else await db.transaction().execute(create);
  seen.add(month);
}

/** Every month a set of instants falls in (one call per month, not per CDR). */
export async function ensureCdrPartitions(db: Kysely<any>, instants: Iterable<string>): Promise<void> {
  if (!isPostgres(db)) return;
  const months = new Map<string, Date>();
  for (const t of instants) {
    const d = new Date(t);
    months.set(monthOf(d), d);
  }
  for (const d of months.values()) await ensureCdrPartition(db, d);
}

/** Retention: drops whole months older than `months` (PostgreSQL) or deletes the rows (SQLite). */
export async function purgeCdrsBefore(db: Kysely<any>, cutoff: Date): Promise<void> {
  const month = monthOf(cutoff);
  known.delete(db);
  if (isPostgres(db)) {
    const { rows } = await sql<{
      name: string;
    }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'cdrs' and p.relnamespace = current_schema()::regnamespace`.execute(
      db,
    );
    for (const { name } of rows) {
      const m = /^cdrs_(\d{4})_(\d{2})$/.exec(name);
      if (m && `${m[1]}-${m[2]}` < month) await sql.raw(`drop table ${name}`).execute(db);
    }
  } else await db.deleteFrom('cdrs').where('started_at', '<', `${month}`).execute();
  await db.deleteFrom('cdr_calls').where('started_at', '<', `${month}`).execute();
  await db.deleteFrom('cdr_rating_history').where('started_at', '<', `${month}`).execute();
  await db.deleteFrom('usage_hourly').where('hour', '<', `${month}`).execute();
}
