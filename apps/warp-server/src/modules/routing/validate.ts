import { type ErrorDetail, invalid } from '@opbx/platform';
import type { TimeWindow } from '@warp/contract';
import type { Kysely, Transaction } from 'kysely';

import type { Database } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A time zone Intl knows (an unknown one would make every later decision throw). */
export function timezoneIssues(windows: readonly (TimeWindow | undefined)[], field: (i: number) => string): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  windows.forEach((w, i) => {
    if (!w) return;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: w.timezone ?? 'UTC' });
    } catch {
      out.push({ field: field(i), message: `unknown time zone ${JSON.stringify(w.timezone)}` });
    }
  });
  return out;
}

/** 422 naming each id that is not in `table`. */
export async function mustExist(db: Db, table: 'providers' | 'customers' | 'trunks' | 'partitions', ids: { field: string; id: string }[]): Promise<void> {
  if (!ids.length) return;
  const found = new Set(
    (
      await db
        .selectFrom(table)
        .select('id')
        .where('id', 'in', [...new Set(ids.map((x) => x.id))])
        .execute()
    ).map((r) => r.id),
  );
  const missing = ids.filter((x) => !found.has(x.id)).map((x) => ({ field: x.field, message: `no such ${table.slice(0, -1)}` }));
  if (missing.length) throw invalid(missing);
}
