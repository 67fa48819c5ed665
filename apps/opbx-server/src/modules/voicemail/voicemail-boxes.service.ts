import { countRows, isUuid, newId, notFound, nowIso, type Page, paginate } from '@opbx/platform';
import { sql } from 'kysely';

import type { AppContext } from '../../context.js';
import type { Db } from '../../db/db.js';
import type { AuthInfo } from '../../http/auth.js';
import { presentVoicemail, presentVoicemailBox, type VoicemailBoxRow, type VoicemailBoxView, type VoicemailMessageView } from './voicemail-boxes.presenter.js';
import type { ListMessagesQuery, UpdateVoicemailBoxInput } from './voicemail-boxes.schema.js';

const GENERAL_BOX_NAME = 'General mailbox';

/** The general mailbox every organization has (created with it; migration 008 for older ones). */
export async function createGeneralBox(db: Db, organizationId: string, now = nowIso()): Promise<void> {
  await db
    .insertInto('voicemail_boxes')
    .values({ id: newId(), organization_id: organizationId, kind: 'general', name: GENERAL_BOX_NAME, greeting: null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['organization_id', 'kind']).doNothing())
    .execute();
}

async function requireBox(db: Db, organizationId: string, id: string): Promise<VoicemailBoxRow> {
  const row = isUuid(id)
    ? await db.selectFrom('voicemail_boxes').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw notFound('Voicemail box');
  return row;
}

async function countsOf(db: Db, organizationId: string, boxIds: string[]): Promise<Map<string, { total: number; unread: number }>> {
  if (boxIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('voicemails')
    .where('organization_id', '=', organizationId)
    .where('box_id', 'in', boxIds)
    .select((eb) => ['box_id', eb.fn.countAll<number>().as('total'), sql<number>`sum(case when read_at is null then 1 else 0 end)`.as('unread')])
    .groupBy('box_id')
    .execute();
  return new Map(rows.map((r) => [r.box_id!, { total: Number(r.total), unread: Number(r.unread ?? 0) }]));
}

const view = async (db: Db, row: VoicemailBoxRow) =>
  presentVoicemailBox(row, (await countsOf(db, row.organization_id, [row.id])).get(row.id) ?? { total: 0, unread: 0 });

export async function listBoxes(ctx: AppContext, auth: AuthInfo): Promise<{ data: VoicemailBoxView[] }> {
  const rows = await ctx.db
    .selectFrom('voicemail_boxes')
    .selectAll()
    .where('organization_id', '=', auth.organizationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const counts = await countsOf(
    ctx.db,
    auth.organizationId,
    rows.map((r) => r.id),
  );
  return { data: rows.map((r) => presentVoicemailBox(r, counts.get(r.id) ?? { total: 0, unread: 0 })) };
}

export async function getBox(ctx: AppContext, auth: AuthInfo, id: string): Promise<VoicemailBoxView> {
  return view(ctx.db, await requireBox(ctx.db, auth.organizationId, id));
}

export async function updateBox(ctx: AppContext, auth: AuthInfo, id: string, input: UpdateVoicemailBoxInput): Promise<VoicemailBoxView> {
  const current = await requireBox(ctx.db, auth.organizationId, id);
  const patch: Partial<VoicemailBoxRow> = { updated_at: nowIso() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.greeting !== undefined) patch.greeting = input.greeting || null;
  await ctx.db.updateTable('voicemail_boxes').set(patch).where('id', '=', current.id).where('organization_id', '=', auth.organizationId).execute();
  // Routing reads the greeting from its snapshot.
  if (input.greeting !== undefined) await ctx.configChanged(auth.organizationId);
  return view(ctx.db, { ...current, ...patch });
}

export async function listMessages(ctx: AppContext, auth: AuthInfo, id: string, query: ListMessagesQuery): Promise<Page<VoicemailMessageView>> {
  const box = await requireBox(ctx.db, auth.organizationId, id);
  const filtered = ctx.db
    .selectFrom('voicemails')
    .where('organization_id', '=', auth.organizationId)
    .where('mailbox', '=', box.id)
    .$if(query.unread === 'true', (q) => q.where('read_at', 'is', null))
    .$if(query.unread === 'false', (q) => q.where('read_at', 'is not', null));
  const page = await paginate(filtered.selectAll(), query, { column: 'created_at', idColumn: 'id', direction: 'desc' }, () => countRows(filtered));
  return { data: page.data.map((r) => presentVoicemail(r)), meta: page.meta };
}

async function requireMessage(db: Db, organizationId: string, boxId: string, messageId: string) {
  const row = isUuid(messageId)
    ? await db
        .selectFrom('voicemails')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('mailbox', '=', boxId)
        .where('id', '=', messageId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw notFound('Voicemail message');
  return row;
}

export async function markMessage(ctx: AppContext, auth: AuthInfo, id: string, messageId: string, read: boolean): Promise<VoicemailMessageView> {
  const box = await requireBox(ctx.db, auth.organizationId, id);
  const current = await requireMessage(ctx.db, auth.organizationId, box.id, messageId);
  // Marking read again keeps when it was first read.
  const read_at = read ? (current.read_at ?? nowIso()) : null;
  await ctx.db.updateTable('voicemails').set({ read_at }).where('id', '=', current.id).where('organization_id', '=', auth.organizationId).execute();
  return presentVoicemail({ ...current, read_at });
}

/** Deletes the message (the recording itself stays with Cloudonix, and the call log keeps its URL). */
export async function deleteMessage(ctx: AppContext, auth: AuthInfo, id: string, messageId: string): Promise<void> {
  const box = await requireBox(ctx.db, auth.organizationId, id);
  const current = await requireMessage(ctx.db, auth.organizationId, box.id, messageId);
  await ctx.db.deleteFrom('voicemails').where('id', '=', current.id).where('organization_id', '=', auth.organizationId).execute();
}
