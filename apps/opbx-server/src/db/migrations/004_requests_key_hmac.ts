import type { Kysely } from 'kysely';

/**
 * Requests keys are looked up by an HMAC under a key derived from the app key, no longer by their
 * bare SHA-256 (a stolen database alone then cannot confirm guesses). A migration cannot compute
 * the HMAC (it has no app key), so existing rows are marked `sha256` here and re-hashed at start-up
 * from the key they also hold encrypted (`upgradeRequestsKeyHashes`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cloudonix_settings')
    .addColumn('requests_key_hash_alg', 'text', (c) => c.notNull().defaultTo('sha256'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cloudonix_settings').dropColumn('requests_key_hash_alg').execute();
}
