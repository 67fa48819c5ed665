import type { Kysely } from 'kysely';

/**
 * When the session a token belongs to began (the login; refreshes carry it over), so refresh can
 * end a session after OPBX_SESSION_MAX_AGE however often it is renewed. Older tokens have none
 * and count from their own creation.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_tokens').addColumn('session_started_at', 'text').execute();
  // Deactivation now revokes tokens; before, they were only hidden while the user was inactive and
  // came back on reactivation. Revoke the ones inactive users still hold.
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date().toISOString() })
    .where('revoked_at', 'is', null)
    .where('user_id', 'in', db.selectFrom('users').select('id').where('status', '!=', 'active'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('session_started_at').execute();
}
