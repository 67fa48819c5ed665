import { isUuid } from '@opbx/platform';

import type { Db } from '../../db/db.js';
import type { CustomersTable } from '../../db/schema.js';

export const BAN_RE = /^WARP-\d{8}$/;

/** A customer by id or by BAN (what X-Customer-ID may carry). */
export async function findCustomer(db: Db, idOrBan: string): Promise<CustomersTable | undefined> {
  const value = idOrBan.trim();
  if (isUuid(value)) return db.selectFrom('customers').selectAll().where('id', '=', value.toLowerCase()).executeTakeFirst();
  if (BAN_RE.test(value.toUpperCase())) return db.selectFrom('customers').selectAll().where('ban', '=', value.toUpperCase()).executeTakeFirst();
  return undefined;
}
