import type { SecretBox } from '@opbx/platform';
import type { Kysely } from 'kysely';

import type { Database } from '../../db/schema.js';

/**
 * Re-hashes requests keys stored before migration 004 (a bare SHA-256) with the keyed hash. The
 * key itself is stored encrypted too, so no plaintext is needed: decrypt, HMAC, replace. Runs at
 * start-up after the migrations; every instance may run it at once (each update is idempotent,
 * guarded by the old hash). A row whose key no longer decrypts (the app key changed) could not
 * authenticate anyway and is left as it is.
 */
export async function upgradeRequestsKeyHashes(db: Kysely<Database>, secrets: SecretBox, keyedHash: (value: string) => string): Promise<number> {
  const legacy = await db
    .selectFrom('cloudonix_settings')
    .select(['organization_id', 'requests_key_hash', 'requests_key_enc'])
    .where('requests_key_hash_alg', '=', 'sha256')
    .execute();
  let upgraded = 0;
  for (const row of legacy) {
    let key: string;
    try {
      key = secrets.decrypt(row.requests_key_enc);
    } catch {
      continue;
    }
    const result = await db
      .updateTable('cloudonix_settings')
      .set({ requests_key_hash: keyedHash(key), requests_key_hash_alg: 'hmac-sha256' })
      .where('organization_id', '=', row.organization_id)
      .where('requests_key_hash', '=', row.requests_key_hash)
      .executeTakeFirst();
    upgraded += Number(result.numUpdatedRows);
  }
  return upgraded;
}
