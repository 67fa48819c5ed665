import { type Kysely, sql } from 'kysely';

/**
 * Call outcomes (issue 11): how a call turned out beyond the spec's CallStatus (answered, voicemail,
 * missed, busy, failed, abandoned), so a call that reached voicemail counts as missed. Existing rows
 * are filled from their status; those with a stored voicemail message become missed (`no_answer`)
 * with the `voicemail` outcome and no talk time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('call_logs').addColumn('outcome', 'text').execute();
  await sql`update call_logs set outcome = case status
      when 'completed' then 'answered' when 'answered' then 'answered' when 'busy' then 'busy'
      when 'failed' then 'failed' when 'no_answer' then 'missed' else null end`.execute(db);
  await sql`update call_logs set outcome = 'voicemail' where exists (
      select 1 from voicemails v where v.organization_id = call_logs.organization_id and v.call_id = call_logs.call_id)`.execute(db);
  // Nobody talked on those: the mailbox's answer is not talk time.
  await sql`update call_logs set status = 'no_answer', answer_time = null, duration = 0 where outcome = 'voicemail'`.execute(db);
  await db.schema.createIndex('call_logs_org_outcome_created').on('call_logs').columns(['organization_id', 'outcome', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('call_logs_org_outcome_created').execute();
  await db.schema.alterTable('call_logs').dropColumn('outcome').execute();
}
