import type { Kysely } from 'kysely';

/** Execution plane: provider settings, call logs, the append-only event journal, voicemail, presence. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cloudonix_settings')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('domain_uuid', 'text', (c) => c.notNull())
    .addColumn('domain_name', 'text', (c) => c.notNull())
    .addColumn('requests_key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('requests_key_enc', 'text', (c) => c.notNull())
    .addColumn('webhook_base_url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('call_logs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('direction_raw', 'text')
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('did_id', 'text')
    .addColumn('extension_id', 'text')
    .addColumn('ring_group_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_source', 'text')
    .addColumn('status_raw', 'text')
    .addColumn('disposition_raw', 'text')
    .addColumn('sip_call_id', 'text')
    .addColumn('answer_time', 'text')
    .addColumn('end_time', 'text')
    .addColumn('duration', 'integer')
    .addColumn('recording_url', 'text')
    .addColumn('cloudonix_cdr', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('call_logs_org_call', ['organization_id', 'call_id'])
    .execute();
  // List and filter paths: newest first per organization, optionally narrowed by one dimension.
  await db.schema.createIndex('call_logs_org_created').on('call_logs').columns(['organization_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('call_logs_org_ext_created').on('call_logs').columns(['organization_id', 'extension_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('call_logs_org_did_created').on('call_logs').columns(['organization_id', 'did_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('call_logs_org_status_created').on('call_logs').columns(['organization_id', 'status', 'created_at', 'id']).execute();
  await db.schema.createIndex('call_logs_org_direction_created').on('call_logs').columns(['organization_id', 'direction', 'created_at', 'id']).execute();
  await db.schema.createIndex('call_logs_open').on('call_logs').columns(['status', 'updated_at']).execute();

  await db.schema
    .createTable('call_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('provider_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('call_events_org_key', ['organization_id', 'provider_key'])
    .execute();
  await db.schema.createIndex('call_events_org_call').on('call_events').columns(['organization_id', 'call_id']).execute();

  await db.schema
    .createTable('voicemails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('extension_id', 'text', (c) => c.notNull().references('extensions.id').onDelete('cascade'))
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('recording_url', 'text', (c) => c.notNull())
    .addColumn('duration', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('voicemails_org_call_ext', ['organization_id', 'call_id', 'extension_id'])
    .execute();
  await db.schema.createIndex('voicemails_ext_created').on('voicemails').columns(['extension_id', 'created_at']).execute();

  await db.schema
    .createTable('extension_presence')
    .addColumn('extension_id', 'text', (c) => c.primaryKey().references('extensions.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current_call_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('extension_presence_org').on('extension_presence').column('organization_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['extension_presence', 'voicemails', 'call_events', 'call_logs', 'cloudonix_settings']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
