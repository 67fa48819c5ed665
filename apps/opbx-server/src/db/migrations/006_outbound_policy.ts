import type { Kysely } from 'kysely';

/**
 * Outbound policy (toll fraud): per organization, which destinations its extensions may dial and
 * forward to. No row means the default (national calls only, in the country of most of the
 * organization's numbers, else the US). Call logs name the rule that blocked a call.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbound_policies')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('allow_national', 'integer', (c) => c.notNull())
    .addColumn('allow_international', 'integer', (c) => c.notNull())
    .addColumn('allow_premium', 'integer', (c) => c.notNull())
    .addColumn('allow_special', 'integer', (c) => c.notNull())
    .addColumn('blocked_prefixes', 'text', (c) => c.notNull())
    .addColumn('blocked_countries', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('call_logs').addColumn('blocked_reason', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('call_logs').dropColumn('blocked_reason').execute();
  await db.schema.dropTable('outbound_policies').execute();
}
