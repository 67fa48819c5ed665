import type { Kysely } from 'kysely';

/** The last TOTP time step a user spent: a code is accepted once (RFC 6238 §5.2). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('mfa_last_step', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('mfa_last_step').execute();
}
