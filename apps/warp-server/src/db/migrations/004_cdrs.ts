import { type Kysely, sql } from 'kysely';

import { ensureCdrPartition, isPostgres } from '../../modules/cdrs/partitions.js';

const text = 'text' as const;

/**
 * CDRs and rating (issue 15). On PostgreSQL `cdrs` is partitioned by month on started_at
 * (declarative range partitioning; partitions are created ahead and on demand, see
 * modules/cdrs/partitions.ts); on SQLite it is a plain table. Money columns are integers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('edge_keys')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('prefix', text, (c) => c.notNull().unique())
    .addColumn('key_hash', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('last_used_at', text)
    .addColumn('revoked_at', text)
    .execute();

  await db.schema
    .createTable('cdr_calls')
    .addColumn('call_id', text, (c) => c.primaryKey())
    .addColumn('cdr_id', text, (c) => c.notNull())
    .addColumn('started_at', text, (c) => c.notNull())
    .addColumn('received_at', text, (c) => c.notNull())
    .execute();

  let cdrs = db.schema
    .createTable('cdrs')
    .addColumn('id', text, (c) => c.notNull())
    .addColumn('call_id', text, (c) => c.notNull())
    .addColumn('customer_id', text, (c) => c.notNull())
    .addColumn('trunk_id', text)
    .addColumn('provider_id', text)
    .addColumn('ani', text, (c) => c.notNull())
    .addColumn('dni', text, (c) => c.notNull())
    .addColumn('direction', text, (c) => c.notNull())
    .addColumn('zone', text)
    .addColumn('decision_id', text)
    .addColumn('started_at', text, (c) => c.notNull())
    .addColumn('answered_at', text)
    .addColumn('ended_at', text)
    .addColumn('duration', 'integer', (c) => c.notNull())
    .addColumn('disposition', text, (c) => c.notNull())
    .addColumn('sip_code', 'integer')
    .addColumn('disconnect_cause', text)
    .addColumn('attempts', text, (c) => c.notNull())
    .addColumn('trace', text, (c) => c.notNull())
    .addColumn('sell_rate', 'bigint')
    .addColumn('sell_billable', 'integer', (c) => c.notNull())
    .addColumn('sell_amount', 'bigint', (c) => c.notNull())
    .addColumn('cost_rate', 'bigint')
    .addColumn('cost_billable', 'integer', (c) => c.notNull())
    .addColumn('cost_amount', 'bigint', (c) => c.notNull())
    .addColumn('rating_error', text)
    .addColumn('rated_at', text, (c) => c.notNull())
    .addColumn('received_at', text, (c) => c.notNull())
    // A partitioned table's key must include the partition column.
    .addPrimaryKeyConstraint('cdrs_pk', ['id', 'started_at']);
  if (pg) cdrs = cdrs.modifyEnd(sql`partition by range (started_at)`);
  await cdrs.execute();
  // On PostgreSQL these are partitioned indexes: every monthly partition gets its own.
  await db.schema.createIndex('cdrs_customer_started').on('cdrs').columns(['customer_id', 'started_at']).execute();
  await db.schema.createIndex('cdrs_provider_started').on('cdrs').columns(['provider_id', 'started_at']).execute();
  await db.schema.createIndex('cdrs_started').on('cdrs').columns(['started_at']).execute();
  await db.schema.createIndex('cdrs_id').on('cdrs').column('id').execute();
  if (pg) {
    const now = new Date();
    await ensureCdrPartition(db, now);
    await ensureCdrPartition(db, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)));
  }

  await db.schema
    .createTable('cdr_rating_history')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('cdr_id', text, (c) => c.notNull())
    .addColumn('rerate_id', text, (c) => c.notNull())
    .addColumn('started_at', text, (c) => c.notNull())
    .addColumn('sell_rate', 'bigint')
    .addColumn('sell_billable', 'integer', (c) => c.notNull())
    .addColumn('sell_amount', 'bigint', (c) => c.notNull())
    .addColumn('cost_rate', 'bigint')
    .addColumn('cost_billable', 'integer', (c) => c.notNull())
    .addColumn('cost_amount', 'bigint', (c) => c.notNull())
    .addColumn('rating_error', text)
    .addColumn('rated_at', text, (c) => c.notNull())
    .addColumn('replaced_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cdr_rating_history_cdr').on('cdr_rating_history').columns(['cdr_id', 'replaced_at']).execute();

  await db.schema
    .createTable('usage_hourly')
    .addColumn('customer_id', text, (c) => c.notNull())
    .addColumn('trunk_id', text, (c) => c.notNull())
    .addColumn('provider_id', text, (c) => c.notNull())
    .addColumn('zone', text, (c) => c.notNull())
    .addColumn('hour', text, (c) => c.notNull())
    .addColumn('calls', 'integer', (c) => c.notNull())
    .addColumn('answered', 'integer', (c) => c.notNull())
    .addColumn('duration', 'bigint', (c) => c.notNull())
    .addColumn('sell_billable', 'bigint', (c) => c.notNull())
    .addColumn('sell_amount', 'bigint', (c) => c.notNull())
    .addColumn('cost_amount', 'bigint', (c) => c.notNull())
    .addColumn('unrated', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_hourly_pk', ['customer_id', 'hour', 'trunk_id', 'provider_id', 'zone'])
    .execute();
  await db.schema.createIndex('usage_hourly_provider').on('usage_hourly').columns(['provider_id', 'hour']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['usage_hourly', 'cdr_rating_history', 'cdrs', 'cdr_calls', 'edge_keys']) await db.schema.dropTable(t).execute();
}
