import type { Kysely } from 'kysely';

const text = 'text' as const;

/**
 * The SIP edge (issue 16): which trunk owns a number WARP sold, so an INVITE from a provider to
 * that number is sent to the trunk's outbound destinations. The numbers issue will own number
 * inventory; until then `warp number assign` writes here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trunk_numbers')
    .addColumn('number', text, (c) => c.primaryKey())
    .addColumn('trunk_id', text, (c) => c.notNull().references('trunks.id').onDelete('cascade'))
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('trunk_numbers_trunk').on('trunk_numbers').column('trunk_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('trunk_numbers').execute();
}
