import type { Kysely } from 'kysely';

const text = 'text' as const;

/**
 * Route decisions as the edge got them (issues 15 and 16): a CDR names its decision_id, and rating
 * prices on the jurisdiction and LRN recorded here instead of guessing them again. The trace is
 * what staff see in a CDR's detail. Kept as long as the CDRs (WARP_CDR_RETENTION_MONTHS).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('route_decisions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('decided_at', text, (c) => c.notNull())
    .addColumn('customer_id', text, (c) => c.notNull())
    .addColumn('trunk_id', text)
    .addColumn('decision', text, (c) => c.notNull())
    .addColumn('jurisdiction', text)
    .addColumn('lrn', text)
    .addColumn('trace', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('route_decisions_decided_at').on('route_decisions').column('decided_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('route_decisions').execute();
}
