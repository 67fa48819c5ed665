import { migrateToLatest, openDatabase } from '@opbx/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrations } from '../src/db/migrations/index.js';
import { freshDatabaseUrl } from './support/context.js';

/**
 * Migrations 007 (call outcomes) and 008 (general mailbox, voicemails rebuilt) on a database that
 * already holds calls and voicemail messages: nothing is lost, every organization gets its box, and
 * a call that went to voicemail becomes missed with the voicemail outcome.
 */
const handle = { current: undefined as ReturnType<typeof openDatabase<any>> | undefined };
let drop: () => Promise<void>;
const T = '2026-01-02T03:04:05.000Z';

beforeAll(async () => {
  const fresh = await freshDatabaseUrl();
  drop = fresh.drop;
  handle.current = openDatabase<any>(fresh.url);
});
afterAll(async () => {
  await handle.current?.close();
  await drop?.();
});

describe('migrations 007 and 008 on existing data', () => {
  it('backfill outcomes, give every organization a general mailbox and keep every message', async () => {
    const { db, schema } = handle.current!;
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '007'));
    await migrateToLatest(db, before, schema);
    const org = (id: string) => ({ id, name: id, status: 'active', timezone: 'UTC', settings: '{}', created_at: T, updated_at: T });
    await db
      .insertInto('organizations')
      .values([org('org-a'), org('org-b')])
      .execute();
    await db
      .insertInto('extensions')
      .values({
        id: 'ext-a',
        organization_id: 'org-a',
        user_id: null,
        extension_number: '200',
        type: 'virtual',
        status: 'active',
        sip_username: '200',
        sip_domain: null,
        sip_password_enc: 'x',
        voicemail_enabled: 1,
        forwarding_enabled: 0,
        forwarding_destination: null,
        forwarding_on_no_answer: 0,
        created_at: T,
        updated_at: T,
      })
      .execute();
    const call = (call_id: string, status: string, duration: number | null) => ({
      id: `log-${call_id}`,
      organization_id: 'org-a',
      call_id,
      direction: 'inbound',
      from_number: '+15550100001',
      to_number: '+15550100002',
      extension_id: 'ext-a',
      status,
      status_source: 'cdr',
      answer_time: status === 'completed' ? T : null,
      end_time: T,
      duration,
      created_at: T,
      updated_at: T,
    });
    await db
      .insertInto('call_logs')
      .values([
        call('talked', 'completed', 40),
        call('vm', 'completed', 25),
        call('busy', 'busy', 0),
        call('nobody', 'no_answer', 0),
        call('ringing', 'ringing', null),
      ])
      .execute();
    await db
      .insertInto('voicemails')
      .values({
        id: 'msg-1',
        organization_id: 'org-a',
        extension_id: 'ext-a',
        call_id: 'vm',
        from_number: '+15550100001',
        recording_url: 'https://rec.example/1.wav',
        duration: 20,
        created_at: T,
      })
      .execute();

    expect(await migrateToLatest(db, migrations, schema)).toEqual(['007_call_outcome', '008_voicemail_boxes']);

    const logs = await db.selectFrom('call_logs').select(['call_id', 'status', 'outcome', 'duration', 'answer_time']).orderBy('call_id').execute();
    expect(logs).toEqual([
      { call_id: 'busy', status: 'busy', outcome: 'busy', duration: 0, answer_time: null },
      { call_id: 'nobody', status: 'no_answer', outcome: 'missed', duration: 0, answer_time: null },
      { call_id: 'ringing', status: 'ringing', outcome: null, duration: null, answer_time: null },
      { call_id: 'talked', status: 'completed', outcome: 'answered', duration: 40, answer_time: T },
      { call_id: 'vm', status: 'no_answer', outcome: 'voicemail', duration: 0, answer_time: null },
    ]);
    const boxes = await db.selectFrom('voicemail_boxes').select(['organization_id', 'kind', 'name']).orderBy('organization_id').execute();
    expect(boxes).toEqual([
      { organization_id: 'org-a', kind: 'general', name: 'General mailbox' },
      { organization_id: 'org-b', kind: 'general', name: 'General mailbox' },
    ]);
    expect(await db.selectFrom('voicemails').selectAll().execute()).toEqual([
      {
        id: 'msg-1',
        organization_id: 'org-a',
        extension_id: 'ext-a',
        box_id: null,
        mailbox: 'ext-a',
        call_id: 'vm',
        from_number: '+15550100001',
        recording_url: 'https://rec.example/1.wav',
        duration: 20,
        read_at: null,
        created_at: T,
      },
    ]);
    // Deleting the extension still takes its messages with it (the rebuilt table keeps the cascade).
    await db.deleteFrom('extensions').where('id', '=', 'ext-a').execute();
    expect(await db.selectFrom('voicemails').select('id').execute()).toEqual([]);
  });
});
