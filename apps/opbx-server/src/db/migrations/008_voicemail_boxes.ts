import { newId } from '@opbx/platform/ids';
import { type Kysely, sql } from 'kysely';

/**
 * The organization's general mailbox (issue 11): voicemail routing that names no extension (the
 * spec's DID form and business-hours types send none) records into it. Every organization gets one
 * here and at creation. Voicemail messages (`voicemails`) now belong to an extension's box or to such a box, and
 * can be marked read: the table is rebuilt (SQLite cannot drop a NOT NULL), keeping every message.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('voicemail_boxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('greeting', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('voicemail_boxes_org_kind', ['organization_id', 'kind'])
    .execute();
  const orgs = await db.selectFrom('organizations').select(['id', 'created_at']).execute();
  for (const o of orgs) {
    await db
      .insertInto('voicemail_boxes')
      .values({
        id: newId(),
        organization_id: o.id,
        kind: 'general',
        name: 'General mailbox',
        greeting: null,
        created_at: o.created_at,
        updated_at: o.created_at,
      })
      .execute();
  }

  await db.schema
    .createTable('voicemail_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('extension_id', 'text', (c) => c.references('extensions.id').onDelete('cascade'))
    .addColumn('box_id', 'text', (c) => c.references('voicemail_boxes.id').onDelete('cascade'))
    // The extension's or the box's id: one message per call and mailbox, whichever kind it is.
    .addColumn('mailbox', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('recording_url', 'text', (c) => c.notNull())
    .addColumn('duration', 'integer')
    .addColumn('read_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('voicemail_messages_org_call_mailbox', ['organization_id', 'call_id', 'mailbox'])
    .execute();
  await sql`insert into voicemail_messages (id, organization_id, extension_id, box_id, mailbox, call_id, from_number, recording_url, duration, read_at, created_at)
      select id, organization_id, extension_id, null, extension_id, call_id, from_number, recording_url, duration, null, created_at from voicemails`.execute(
    db,
  );
  await db.schema.dropTable('voicemails').execute();
  await db.schema.alterTable('voicemail_messages').renameTo('voicemails').execute();
  await db.schema.createIndex('voicemails_mailbox_created').on('voicemails').columns(['mailbox', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('voicemails').renameTo('voicemail_messages').execute();
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
  await sql`insert into voicemails select id, organization_id, extension_id, call_id, from_number, recording_url, duration, created_at
      from voicemail_messages where extension_id is not null`.execute(db);
  await db.schema.dropTable('voicemail_messages').execute();
  await db.schema.dropTable('voicemail_boxes').execute();
  await db.schema.createIndex('voicemails_ext_created').on('voicemails').columns(['extension_id', 'created_at']).execute();
}
