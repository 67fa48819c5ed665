import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  type RawBuilder,
  type SelectQueryBuilder,
  sql,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type Transaction,
} from 'kysely';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

/** What query functions take: the database or a transaction on it, so they compose inside transactions. */
export type DbOrTransaction<DB> = Kysely<DB> | Transaction<DB>;

export interface DatabaseHandle<DB> {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Human-readable location without credentials, for logs. */
  describe: string;
  /** PostgreSQL schema selected through the URL, if any (the migrator keeps its tables there). */
  schema?: string;
  close(): Promise<void>;
}

interface DatabaseOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
}

/**
 * `sqlite:./data/opbx.db`, `sqlite::memory:` or `postgres://user@host/db`. A `schema` query
 * parameter on a PostgreSQL URL selects the search_path (the test suite uses a schema per file).
 */
export function openDatabase<DB>(url: string, options: DatabaseOptions = {}): DatabaseHandle<DB> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres<DB>(url, options);
  if (url.startsWith('sqlite:')) return openSqlite<DB>(url.slice('sqlite:'.length));
  throw new Error(`Unsupported DATABASE_URL "${redactUrl(url)}": use sqlite:<path> or postgres://…`);
}

function openSqlite<DB>(path: string): DatabaseHandle<DB> {
  const memory = path === ':memory:' || path === '';
  const file = memory ? ':memory:' : resolve(path);
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database: cachingStatements(database) }) });
  return { db, dialect: 'sqlite', describe: `sqlite:${file}`, close: () => db.destroy() };
}

/**
 * Transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE). The call journal writes
 * through its own connection in a worker thread; if it committed between a deferred transaction's
 * read and its first write, SQLite would fail that transaction with SQLITE_BUSY at once instead
 * of waiting for the lock (busy_timeout only covers acquiring it).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new (class extends SqliteDriver {
      override async beginTransaction(connection: DatabaseConnection): Promise<void> {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      }
    })(this.settings);
  }
}

/**
 * Kysely prepares every query afresh; keeping prepared statements saves SQLite's parse and plan.
 * Reusing one statement is safe because Kysely runs one query at a time on its single SQLite
 * connection (nothing here streams results, which would keep a statement busy).
 */
function cachingStatements(database: SQLite.Database): SqliteDialectConfig['database'] {
  // Least recently used first: multi-row inserts and IN lists make one text per size.
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        statement = database.prepare(text);
        if (statements.size >= 500) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  } as SqliteDialectConfig['database'];
}

function openPostgres<DB>(url: string, options: DatabaseOptions): DatabaseHandle<DB> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema && !/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error('Invalid schema name in DATABASE_URL');
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: options.poolSize ?? 10,
    // A partition (no refusal, no answer) must not hang requests: give up on a connection, or on
    // waiting for a free one, after 10 s (answered 503); keepalive notices dead idle connections.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A client losing its connection must not crash the process. Idle: the pool replaces it.
  // Checked out: pg emits 'error' on the client itself, where nobody else listens; the query in
  // flight (or the next one) fails on its own, and that failure is answered as 503.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', describe: redactUrl(url), ...(schema ? { schema } : {}), close: () => db.destroy() };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]+@/, ':***@');
  }
}

const UNIQUE_CODES = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const FK_CODES = new Set(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']);

export const isUniqueViolation = (err: unknown): boolean => UNIQUE_CODES.has((err as { code?: string } | null)?.code ?? '');
export const isForeignKeyViolation = (err: unknown): boolean => {
  const e = err as { code?: string; message?: string } | null;
  if (FK_CODES.has(e?.code ?? '')) return true;
  // SQLite reports an ON DELETE RESTRICT violation as a trigger constraint.
  return e?.code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/i.test(e.message ?? '');
};

/** Escape LIKE wildcards so user input matches literally. */
export const likePattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Case-insensitive substring match that behaves the same on SQLite and PostgreSQL. */
export function containsInsensitive(column: string, term: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${sql.ref(column)}) like ${likePattern(term.toLowerCase())} escape '\\'`;
}

/** Portable integer count. */
const countAll = () => sql<number>`cast(count(*) as integer)`;

/** The number of rows a filtered query matches (pg returns counts as strings; this is always a number). */
export async function countRows(query: SelectQueryBuilder<any, any, any>): Promise<number> {
  const row = (await query.clearSelect().select(countAll().as('n')).executeTakeFirst()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}
