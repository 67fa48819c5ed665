import type { Kysely } from 'kysely';

const text = 'text' as const;

/**
 * Least-cost routing (issue 13): providers, rate decks (both sides, effective-dated, never
 * deleted by an import), partitions, overrides, exclusions, the NPA-NXX reference table, and the
 * rate plan of customers and trunks. Rates are decimal strings (TEXT), never floats.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('providers')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('gateways', text, (c) => c.notNull())
    .addColumn('dial_string_template', text)
    .addColumn('tech_prefix', text)
    .addColumn('jurisdiction_policy', text, (c) => c.notNull())
    .addColumn('poi_state', text)
    .addColumn('ani_classes', text, (c) => c.notNull())
    .addColumn('max_channels', 'integer')
    .addColumn('max_cps', 'integer')
    .addColumn('initial_increment', 'integer', (c) => c.notNull())
    .addColumn('subsequent_increment', 'integer', (c) => c.notNull())
    .addColumn('connection_fee', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();

  // One table for both sides: `owner` is `p:<provider id>` (cost) or `s:<rate plan>` (sell).
  await db.schema
    .createTable('rates')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('owner', text, (c) => c.notNull())
    .addColumn('provider_id', text)
    .addColumn('rate_plan', text)
    .addColumn('prefix', text)
    .addColumn('npanxx', text)
    .addColumn('description', text)
    .addColumn('country', text)
    .addColumn('interstate', text)
    .addColumn('intrastate', text)
    .addColumn('local', text)
    .addColumn('indeterminate', text)
    .addColumn('rate', text)
    .addColumn('connection_fee', text, (c) => c.notNull())
    .addColumn('initial_increment', 'integer', (c) => c.notNull())
    .addColumn('subsequent_increment', 'integer', (c) => c.notNull())
    .addColumn('minimum_duration', 'integer', (c) => c.notNull())
    .addColumn('effective_date', text, (c) => c.notNull())
    .addColumn('end_date', text)
    .addColumn('import_id', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rates_owner_open').on('rates').columns(['owner', 'end_date']).execute();
  await db.schema.createIndex('rates_owner_prefix').on('rates').columns(['owner', 'prefix', 'effective_date']).execute();
  await db.schema.createIndex('rates_owner_npanxx').on('rates').columns(['owner', 'npanxx', 'effective_date']).execute();

  await db.schema
    .createTable('partitions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('description', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('partition_providers')
    .addColumn('partition_id', text, (c) => c.notNull().references('partitions.id').onDelete('cascade'))
    .addColumn('provider_id', text, (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('weight', 'integer', (c) => c.notNull())
    .addColumn('time_windows', text)
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('partition_providers_pk', ['partition_id', 'provider_id'])
    .execute();
  await db.schema.createIndex('partition_providers_provider').on('partition_providers').column('provider_id').execute();

  await db.schema
    .createTable('routing_overrides')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('customer_id', text, (c) => c.references('customers.id').onDelete('cascade'))
    .addColumn('trunk_id', text, (c) => c.references('trunks.id').onDelete('cascade'))
    .addColumn('prefix', text)
    .addColumn('npanxx', text)
    .addColumn('ocn', text)
    .addColumn('lata', text)
    .addColumn('action', text, (c) => c.notNull())
    .addColumn('provider_ids', text, (c) => c.notNull())
    .addColumn('rate', text)
    .addColumn('time_window', text)
    .addColumn('note', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text)
    .execute();

  await db.schema
    .createTable('routing_exclusions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('customer_id', text, (c) => c.references('customers.id').onDelete('cascade'))
    .addColumn('provider_id', text, (c) => c.references('providers.id').onDelete('cascade'))
    .addColumn('prefix', text)
    .addColumn('npanxx_pattern', text)
    .addColumn('country', text)
    .addColumn('premium', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', text)
    .addColumn('reason', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('npanxx_reference')
    .addColumn('npanxx', text, (c) => c.primaryKey())
    .addColumn('state', text, (c) => c.notNull())
    .addColumn('rate_center', text)
    .addColumn('ocn', text)
    .addColumn('lata', text)
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('customers').addColumn('rate_plan', text).execute();
  await db.schema
    .alterTable('customers')
    .addColumn('allow_loss', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('trunks').addColumn('rate_plan', text).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trunks').dropColumn('rate_plan').execute();
  await db.schema.alterTable('customers').dropColumn('allow_loss').execute();
  await db.schema.alterTable('customers').dropColumn('rate_plan').execute();
  for (const t of ['npanxx_reference', 'routing_exclusions', 'routing_overrides', 'partition_providers', 'partitions', 'rates', 'providers']) {
    await db.schema.dropTable(t).execute();
  }
}
