import { type Kysely, sql } from 'kysely';

const text = 'text' as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('ban', text, (c) => c.notNull().unique())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('status_reason', text)
    .addColumn('contact', text, (c) => c.notNull())
    .addColumn('address', text)
    .addColumn('credit_limit', text, (c) => c.notNull())
    .addColumn('payment_terms', 'integer', (c) => c.notNull())
    .addColumn('currency', text, (c) => c.notNull())
    .addColumn('suspended_at', text)
    .addColumn('terminated_at', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customers_status_name').on('customers').columns(['status', 'name']).execute();
  await db.schema.createIndex('customers_created').on('customers').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('users')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('email', text, (c) => c.notNull().unique())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('staff_role', text)
    .addColumn('password_hash', text)
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('mfa_secret_enc', text)
    .addColumn('mfa_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_login_at', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('customer_id', text, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'customer_id'])
    .execute();
  await db.schema.createIndex('memberships_customer').on('memberships').column('customer_id').execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', text, (c) => c.notNull())
    .addColumn('used_at', text)
    .execute();
  await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('method', text, (c) => c.notNull())
    .addColumn('ip', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('revoked_at', text)
    .addColumn('revoked_reason', text)
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('session_id', text, (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('token_hash', text, (c) => c.notNull().unique())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('rotated_at', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refresh_tokens_session').on('refresh_tokens').column('session_id').execute();

  await db.schema
    .createTable('access_tokens')
    .addColumn('token_hash', text, (c) => c.primaryKey())
    .addColumn('session_id', text, (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_tokens_session').on('access_tokens').column('session_id').execute();
  await db.schema.createIndex('access_tokens_user').on('access_tokens').column('user_id').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('email', text, (c) => c.notNull())
    .addColumn('name', text)
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('customer_id', text, (c) => c.references('customers.id').onDelete('cascade'))
    .addColumn('token_hash', text, (c) => c.notNull().unique())
    .addColumn('invited_by', text, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('accepted_at', text)
    .addColumn('revoked_at', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invitations_customer').on('invitations').column('customer_id').execute();
  await db.schema.createIndex('invitations_invited_by').on('invitations').column('invited_by').execute();

  await db.schema
    .createTable('oidc_states')
    .addColumn('state_hash', text, (c) => c.primaryKey())
    .addColumn('code_verifier', text, (c) => c.notNull())
    .addColumn('nonce', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();

  // No foreign keys: the log outlives what it describes.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('actor_type', text, (c) => c.notNull())
    .addColumn('actor_id', text)
    .addColumn('actor_label', text)
    .addColumn('customer_id', text)
    .addColumn('action', text, (c) => c.notNull())
    .addColumn('target_type', text, (c) => c.notNull())
    .addColumn('target_id', text)
    .addColumn('changes', text, (c) => c.notNull())
    .addColumn('request_id', text)
    .addColumn('ip', text)
    .execute();
  await db.schema.createIndex('audit_log_created').on('audit_log').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('audit_log_customer').on('audit_log').columns(['customer_id', 'created_at']).execute();

  await db.schema
    .createTable('trunks')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('customer_id', text, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('description', text)
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('direction', text, (c) => c.notNull())
    .addColumn('auth_type', text, (c) => c.notNull())
    .addColumn('allowed_ips', text, (c) => c.notNull())
    .addColumn('sip_username', text, (c) => c.unique())
    .addColumn('sip_password_enc', text)
    .addColumn('tech_prefix', text)
    .addColumn('max_channels', 'integer', (c) => c.notNull())
    .addColumn('max_cps', 'integer', (c) => c.notNull())
    .addColumn('daily_spend_limit', text)
    .addColumn('allowed_destinations', text, (c) => c.notNull())
    .addColumn('blocked_prefixes', text, (c) => c.notNull())
    .addColumn('codecs', text, (c) => c.notNull())
    .addColumn('partition_id', text)
    .addColumn('outbound_destinations', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addUniqueConstraint('trunks_customer_name', ['customer_id', 'name'])
    .execute();
  await db.schema.createIndex('trunks_customer_created').on('trunks').columns(['customer_id', 'created_at']).execute();
  await db.schema.createIndex('trunks_partition').on('trunks').column('partition_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('customer_id', text, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('prefix', text, (c) => c.notNull().unique())
    .addColumn('key_hash', text, (c) => c.notNull())
    .addColumn('scopes', text, (c) => c.notNull())
    .addColumn('allowed_ips', text, (c) => c.notNull())
    .addColumn('expires_at', text)
    .addColumn('last_used_at', text)
    .addColumn('last_used_ip', text)
    .addColumn('revoked_at', text)
    .addColumn('created_by', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_keys_customer').on('api_keys').columns(['customer_id', 'created_at']).execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('customer_id', text, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('url', text, (c) => c.notNull())
    .addColumn('events', text, (c) => c.notNull())
    .addColumn('description', text)
    .addColumn('secret_enc', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('failing_since', text)
    .addColumn('disabled_reason', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_customer').on('webhooks').columns(['customer_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('webhook_id', text, (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('customer_id', text, (c) => c.notNull())
    .addColumn('event_id', text, (c) => c.notNull())
    .addColumn('event_type', text, (c) => c.notNull())
    .addColumn('payload', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', text)
    .addColumn('locked_until', text)
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', text)
    .addColumn('delivered_at', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_webhook').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('delivery_id', text, (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempted_at', text, (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', text)
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').column('delivery_id').execute();

  await appendOnly(db, 'audit_log');
}

/** The database itself refuses to change or remove audit entries, whatever code runs. */
async function appendOnly(db: Kysely<any>, table: string) {
  const isPostgres = (db.getExecutor().adapter as { constructor: { name: string } }).constructor.name.startsWith('Postgres');
  if (isPostgres) {
    await sql
      .raw(`create function ${table}_append_only() returns trigger language plpgsql as $$ begin raise exception '${table} is append-only'; end $$`)
      .execute(db);
    await sql.raw(`create trigger ${table}_no_change before update or delete on ${table} for each row execute function ${table}_append_only()`).execute(db);
  } else {
    for (const op of ['update', 'delete']) {
      await sql.raw(`create trigger ${table}_no_${op} before ${op} on ${table} begin select raise(abort, '${table} is append-only'); end`).execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'webhook_attempts',
    'webhook_deliveries',
    'webhooks',
    'api_keys',
    'trunks',
    'audit_log',
    'oidc_states',
    'invitations',
    'access_tokens',
    'refresh_tokens',
    'sessions',
    'recovery_codes',
    'memberships',
    'users',
    'customers',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
