import type { Kysely } from 'kysely';

const text = 'text' as const;

/** CDR export jobs (issue 15): the file lives in WARP_DATA_DIR/exports for 24 hours. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cdr_exports')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('customer_id', text, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('date_from', text, (c) => c.notNull())
    .addColumn('date_to', text, (c) => c.notNull())
    .addColumn('format', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('error', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('completed_at', text)
    .addColumn('expires_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cdr_exports_customer').on('cdr_exports').columns(['customer_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cdr_exports').execute();
}
