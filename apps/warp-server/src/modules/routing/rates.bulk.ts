import { type Dialect, newId } from '@opbx/platform';
import { type Kysely, sql } from 'kysely';

import type { Database } from '../../db/schema.js';

/*
 * Bulk writes of deck rows. A 383,000-row deck written through Kysely's multi-row INSERT spent
 * as long building statements (ten thousand bound values each, compiled in JavaScript) as SQLite
 * spent storing them. Here each batch is one statement with one JSON parameter that the database
 * unpacks itself — SQLite's json_each, PostgreSQL's json_array_elements — so the work per row in
 * JavaScript is one array in a JSON.stringify. Same SQL shape on both databases.
 */

/** Rows per statement (~1 MB of JSON). */
export const BULK_ROWS = 5000;

/** The per-row columns after the id, in the order of each row's JSON array; the integers are cast on PostgreSQL. */
const ROW_COLUMNS = [
  'prefix',
  'npanxx',
  'ocn',
  'lata',
  'description',
  'country',
  'interstate',
  'intrastate',
  'local',
  'indeterminate',
  'rate',
  'connection_fee',
  'initial_increment',
  'subsequent_increment',
  'minimum_duration',
  'effective_date',
  'end_date',
] as const;
const INTEGER = new Set<string>(['initial_increment', 'subsequent_increment', 'minimum_duration']);

export type BulkRateRow = {
  [K in (typeof ROW_COLUMNS)[number]]: K extends 'initial_increment' | 'subsequent_increment' | 'minimum_duration' ? number : string | null;
};

/** What every row of one import shares. */
export interface BulkRateOwner {
  owner: string;
  provider_id: string | null;
  rate_plan: string | null;
  import_id: string;
  created_at: string;
}

/** One row's JSON array, in ROW_COLUMNS order after a new id (written out: this runs per row). */
const rowValues = (r: BulkRateRow) => [
  newId(),
  r.prefix,
  r.npanxx,
  r.ocn,
  r.lata,
  r.description,
  r.country,
  r.interstate,
  r.intrastate,
  r.local,
  r.indeterminate,
  r.rate,
  r.connection_fee,
  r.initial_increment,
  r.subsequent_increment,
  r.minimum_duration,
  r.effective_date,
  r.end_date,
];

const element = (dialect: Dialect, i: number, name: string) =>
  dialect === 'postgres' ? (INTEGER.has(name) ? `(r->>${i})::integer` : `r->>${i}`) : `r.value ->> ${i}`;
const elements = (dialect: Dialect) => (dialect === 'postgres' ? sql`json_array_elements` : sql`json_each`);

/** Inserts `rows` (already validated), each with a new id, in batches of BULK_ROWS. */
export async function insertRates(db: Kysely<Database>, dialect: Dialect, shared: BulkRateOwner, rows: readonly BulkRateRow[]): Promise<void> {
  const columns = sql.raw(['owner', 'provider_id', 'rate_plan', 'import_id', 'created_at', 'id', ...ROW_COLUMNS].join(', '));
  const values = sql.raw(['id', ...ROW_COLUMNS].map((c, i) => element(dialect, i, c)).join(', '));
  const cast = dialect === 'postgres' ? sql`::json` : sql``;
  for (let i = 0; i < rows.length; i += BULK_ROWS) {
    const batch = JSON.stringify(rows.slice(i, i + BULK_ROWS).map(rowValues));
    await sql`insert into rates (${columns})
      select ${shared.owner}, ${shared.provider_id}, ${shared.rate_plan}, ${shared.import_id}, ${shared.created_at}, ${values}
      from ${elements(dialect)}(${batch}${cast}) as r`.execute(db);
  }
}

/** Sets `end_date` on the rows with these ids, in batches of BULK_ROWS. */
export async function endRates(db: Kysely<Database>, dialect: Dialect, endDate: string, ids: readonly string[]): Promise<void> {
  const cast = dialect === 'postgres' ? sql`::json` : sql``;
  const value = dialect === 'postgres' ? sql`r` : sql`r.value`;
  const elementsText = dialect === 'postgres' ? sql`json_array_elements_text` : sql`json_each`;
  for (let i = 0; i < ids.length; i += BULK_ROWS) {
    const batch = JSON.stringify(ids.slice(i, i + BULK_ROWS));
    await sql`update rates set end_date = ${endDate} where id in (select ${value} from ${elementsText}(${batch}${cast}) as r)`.execute(db);
  }
}
