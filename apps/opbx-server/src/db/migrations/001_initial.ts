import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_org_name').on('users').columns(['organization_id', 'name', 'id']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();
  await db.schema.createIndex('api_tokens_org').on('api_tokens').column('organization_id').execute();

  await db.schema
    .createTable('extensions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('restrict'))
    .addColumn('extension_number', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sip_username', 'text', (c) => c.notNull())
    .addColumn('sip_domain', 'text')
    .addColumn('sip_password_enc', 'text', (c) => c.notNull())
    .addColumn('voicemail_enabled', 'integer', (c) => c.notNull())
    .addColumn('forwarding_enabled', 'integer', (c) => c.notNull())
    .addColumn('forwarding_destination', 'text')
    .addColumn('forwarding_on_no_answer', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('extensions_org_number', ['organization_id', 'extension_number'])
    .addUniqueConstraint('extensions_org_sip_username', ['organization_id', 'sip_username'])
    .execute();
  // At most one user extension per user (NULLs do not collide in either dialect).
  await db.schema.createIndex('extensions_user').on('extensions').column('user_id').unique().execute();
  await db.schema.createIndex('extensions_org_forwarding').on('extensions').columns(['organization_id', 'forwarding_destination']).execute();

  await db.schema
    .createTable('ring_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('timeout', 'integer', (c) => c.notNull())
    .addColumn('fallback_type', 'text')
    .addColumn('fallback_extension_id', 'text', (c) => c.references('extensions.id').onDelete('restrict'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rotation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ring_groups_org_name', ['organization_id', 'name'])
    .execute();
  await db.schema.createIndex('ring_groups_fallback').on('ring_groups').column('fallback_extension_id').execute();

  await db.schema
    .createTable('ring_group_members')
    .addColumn('ring_group_id', 'text', (c) => c.notNull().references('ring_groups.id').onDelete('cascade'))
    .addColumn('extension_id', 'text', (c) => c.notNull().references('extensions.id').onDelete('restrict'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('ring_group_members_pk', ['ring_group_id', 'extension_id'])
    .execute();
  await db.schema.createIndex('ring_group_members_extension').on('ring_group_members').column('extension_id').execute();
  await db.schema.createIndex('ring_group_members_org').on('ring_group_members').column('organization_id').execute();

  await db.schema
    .createTable('business_hours')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('schedules', 'text', (c) => c.notNull())
    .addColumn('holidays', 'text', (c) => c.notNull())
    .addColumn('open_type', 'text', (c) => c.notNull())
    .addColumn('open_extension_id', 'text', (c) => c.references('extensions.id').onDelete('restrict'))
    .addColumn('open_ring_group_id', 'text', (c) => c.references('ring_groups.id').onDelete('restrict'))
    .addColumn('closed_type', 'text', (c) => c.notNull())
    .addColumn('closed_extension_id', 'text', (c) => c.references('extensions.id').onDelete('restrict'))
    .addColumn('closed_ring_group_id', 'text', (c) => c.references('ring_groups.id').onDelete('restrict'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('business_hours_org_name', ['organization_id', 'name'])
    .execute();
  for (const col of ['open_extension_id', 'open_ring_group_id', 'closed_extension_id', 'closed_ring_group_id']) {
    await db.schema.createIndex(`business_hours_${col}`).on('business_hours').column(col).execute();
  }

  await db.schema
    .createTable('dids')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('phone_number', 'text', (c) => c.notNull().unique())
    .addColumn('friendly_name', 'text')
    .addColumn('routing_type', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.references('extensions.id').onDelete('restrict'))
    .addColumn('ring_group_id', 'text', (c) => c.references('ring_groups.id').onDelete('restrict'))
    .addColumn('business_hours_id', 'text', (c) => c.references('business_hours.id').onDelete('restrict'))
    .addColumn('fallback_extension_id', 'text', (c) => c.references('extensions.id').onDelete('restrict'))
    .addColumn('voicemail_greeting', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cloudonix_dnid', 'text')
    .addColumn('cloudonix_voice_application_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dids_org_number').on('dids').columns(['organization_id', 'phone_number']).execute();
  for (const col of ['extension_id', 'ring_group_id', 'business_hours_id', 'fallback_extension_id']) {
    await db.schema.createIndex(`dids_${col}`).on('dids').column(col).execute();
  }

  await db.schema
    .createTable('config_versions')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['config_versions', 'dids', 'business_hours', 'ring_group_members', 'ring_groups', 'extensions', 'api_tokens', 'users', 'organizations']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
