// Subpath imports: the journal thread loads this module and nothing of the HTTP side.
import { type Dialect, isForeignKeyViolation } from '@opbx/platform/db';
import { newId } from '@opbx/platform/ids';
import { nowIso } from '@opbx/platform/time';
import type { Kysely, Selectable, Transaction } from 'kysely';

import type { CallLogsTable, CallOutcome, CallStatus, Database, PresenceStatus } from '../../db/schema.js';
import { type EventSource, isTerminal, nextStatus, outcomeOf } from './call-state.js';

export type CallLogRow = Selectable<CallLogsTable>;

/** One provider event, already interpreted by its webhook handler. */
export interface CallEvent {
  organizationId: string;
  /** Cloudonix CallSid / session token. */
  callId: string;
  kind: EventSource;
  /** Unique per organization; a replay with the same key is ignored. */
  providerKey: string;
  payload: unknown;
  status?: CallStatus;
  /** What only this event knows about the outcome: the call reached a mailbox, or the caller gave up. */
  outcome?: Extract<CallOutcome, 'voicemail' | 'abandoned'>;
  facts?: Partial<Pick<CallLogsTable, 'direction' | 'direction_raw' | 'from_number' | 'to_number' | 'did_id' | 'extension_id' | 'ring_group_id'>>;
  patch?: Partial<
    Pick<
      CallLogsTable,
      'answer_time' | 'end_time' | 'duration' | 'recording_url' | 'cloudonix_cdr' | 'sip_call_id' | 'status_raw' | 'disposition_raw' | 'blocked_reason'
    >
  >;
  /** Extensions this event starts ringing (a new Dial: those of an earlier one stop). */
  ringing?: string[];
}

/**
 * A call event as JSON text. Events wait in the journal's queue for up to 50 ms, long enough to live
 * through a young-generation garbage collection or two; as one flat string each is copied
 * without tracing an object graph (the graphs cost more collector time than the routing itself),
 * and it crosses to the journal thread as it is.
 */
export type QueuedEvent = string;

export const queued = (event: CallEvent): QueuedEvent => JSON.stringify(event);
export const unqueued = (events: QueuedEvent[]): CallEvent[] => events.map((e) => JSON.parse(e) as CallEvent);

export interface PresenceChange {
  extension_id: string;
  status: PresenceStatus;
  current_call_id: string | null;
}

export interface IngestResult {
  duplicate: boolean;
  /** This event created the call log. */
  created?: boolean;
  before?: CallLogRow;
  after?: CallLogRow;
  presence: PresenceChange[];
}

export const CALLS_TOPIC = 'opbx.calls';

/** Published on the bus after commit; the realtime layer turns these into channel events. */
export interface CallBusMessage {
  organization_id: string;
  type: 'call.started' | 'call.updated' | 'call.ended';
  call: CallLogRow;
  presence: PresenceChange[];
}

/** Presence that changed outside a call (an extension deactivated, deleted or reactivated); same topic, no call. */
export interface PresenceBusMessage {
  organization_id: string;
  type: 'presence';
  presence: PresenceChange[];
}

/** What a committed batch changed: the bus messages to publish and the organizations whose lists changed. */
export interface StoredBatch {
  messages: CallBusMessage[];
  organizations: string[];
}

/** Pure: the bus messages and changed organizations of stored events (duplicates change nothing). */
export function changesOf(events: CallEvent[], results: IngestResult[]): StoredBatch {
  const messages: CallBusMessage[] = [];
  const organizations = new Set<string>();
  events.forEach((ev, i) => {
    const result = results[i]!;
    if (result.duplicate || !result.after) return;
    organizations.add(ev.organizationId);
    const { before, after } = result;
    if (before && !result.created && isTerminal(before.status)) {
      // The live board hears about a call's end once; a later record that corrects the log (the CDR's
      // times and talk time) is sent as call.updated with the corrected log.
      if (visiblyChanged(before, after)) messages.push({ organization_id: ev.organizationId, type: 'call.updated', call: after, presence: result.presence });
      return;
    }
    const type: CallBusMessage['type'] = isTerminal(after.status) ? 'call.ended' : result.created ? 'call.started' : 'call.updated';
    // Session updates repeat the same state many times per call: an unchanged call is not news.
    if (type === 'call.updated' && before && !visiblyChanged(before, after) && result.presence.length === 0) return;
    messages.push({ organization_id: ev.organizationId, type, call: after, presence: result.presence });
  });
  return { messages, organizations: [...organizations] };
}

/** What clients are shown of a call (CallLog, LiveCall); other columns (raw provider values, timestamps of storage) are not news. */
const VISIBLE_KEYS = [
  'direction',
  'from_number',
  'to_number',
  'did_id',
  'extension_id',
  'ring_group_id',
  'status',
  'outcome',
  'answer_time',
  'end_time',
  'duration',
  'recording_url',
  'blocked_reason',
] as const;

const visiblyChanged = (before: CallLogRow, after: CallLogRow): boolean => VISIBLE_KEYS.some((k) => before[k] !== after[k]);

const FACT_KEYS = ['direction', 'direction_raw', 'from_number', 'to_number', 'did_id', 'extension_id', 'ring_group_id'] as const;

async function lockCall(trx: Transaction<Database>, dialect: Dialect, organizationId: string, callId: string) {
  return trx
    .selectFrom('call_logs')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('call_id', '=', callId)
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
}

async function setPresence(trx: Transaction<Database>, organizationId: string, changes: PresenceChange[]): Promise<PresenceChange[]> {
  if (changes.length === 0) return [];
  const now = nowIso();
  const upsert = (rows: PresenceChange[]) =>
    trx
      .insertInto('extension_presence')
      .values(rows.map((c) => ({ ...c, organization_id: organizationId, updated_at: now })))
      .onConflict((oc) =>
        oc.column('extension_id').doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          current_call_id: eb.ref('excluded.current_call_id'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  // Later changes for the same extension win (a multi-row upsert may not touch one row twice).
  const latest = [...new Map(changes.map((c) => [c.extension_id, c])).values()];
  try {
    await upsert(latest);
    return latest;
  } catch (err) {
    if (!isForeignKeyViolation(err)) throw err;
  }
  // An extension was deleted since the call was routed: apply the others one by one.
  const applied: PresenceChange[] = [];
  for (const c of latest) {
    try {
      await upsert([c]);
      applied.push(c);
    } catch (err) {
      if (!isForeignKeyViolation(err)) throw err;
    }
  }
  return applied;
}

/**
 * Stores events append-only and folds each into its call log, all in one transaction (the journal
 * batches under load: one commit instead of hundreds), each folded exactly as if alone. The
 * insert-or-ignore on (organization, provider key) is what makes replays harmless: of 100
 * concurrent copies exactly one inserts and changes state.
 */
export async function storeCallEvents(db: Kysely<Database>, dialect: Dialect, events: CallEvent[]): Promise<IngestResult[]> {
  return db.transaction().execute(async (trx) => {
    const out: Array<IngestResult | undefined> = new Array(events.length);
    const stored = events.length > 1 ? await foldNewCalls(trx, events, out) : new Set<number>();
    for (let i = 0; i < events.length; i++) out[i] ??= await foldEvent(trx, dialect, events[i]!, stored.has(i));
    return out as IngestResult[];
  });
}

function blankRow(ev: CallEvent, now: string): CallLogRow {
  return {
    id: newId(),
    organization_id: ev.organizationId,
    call_id: ev.callId,
    direction: ev.facts?.direction ?? 'inbound',
    direction_raw: ev.facts?.direction_raw ?? null,
    from_number: ev.facts?.from_number ?? '',
    to_number: ev.facts?.to_number ?? '',
    did_id: null,
    extension_id: null,
    ring_group_id: null,
    status: 'initiated',
    status_source: null,
    status_raw: null,
    disposition_raw: null,
    sip_call_id: null,
    answer_time: null,
    end_time: null,
    duration: null,
    recording_url: null,
    cloudonix_cdr: null,
    blocked_reason: null,
    outcome: null,
    created_at: now,
    updated_at: now,
  };
}

/** Pure: the call log after applying `ev` to `before`. */
function applyEvent(before: CallLogRow, ev: CallEvent, now: string): CallLogRow {
  const after: CallLogRow = { ...before, updated_at: now };
  // The voice request's Direction is the one authoritative source of a call's direction.
  if (ev.kind === 'route' && ev.facts?.direction) after.direction = ev.facts.direction;
  for (const key of FACT_KEYS) {
    const value = ev.facts?.[key];
    // Facts fill gaps, never overwrite: whichever event arrives first may have created the row.
    if (value !== undefined && value !== null && value !== '' && (after[key] === null || after[key] === '')) (after as any)[key] = value;
  }
  if (ev.patch) {
    for (const [key, value] of Object.entries(ev.patch)) {
      if (value === undefined || value === null) continue;
      // The CDR is authoritative for everything; a recording callback for the recording URL.
      const authoritative = ev.kind === 'cdr' || (ev.kind === 'recording' && key === 'recording_url');
      if (authoritative || (after as any)[key] === null) (after as any)[key] = value;
    }
  }
  // Our own goodbye message answers the call, so Cloudonix bills it as ANSWERED; a call nobody
  // picked up stays missed (routing already decided it), with no talk time.
  const announcementOnly =
    ev.kind === 'cdr' &&
    ev.status === 'completed' &&
    (before.status_source === 'dial' || before.status_source === 'route') &&
    ['busy', 'no_answer', 'failed'].includes(before.status);
  if (announcementOnly) {
    after.answer_time = before.answer_time;
    after.duration = before.duration ?? 0;
  }
  if (ev.status && !announcementOnly) {
    const status = nextStatus({ status: before.status, source: before.status_source }, { status: ev.status, source: ev.kind });
    if (status !== before.status || ev.kind === 'cdr') after.status_source = ev.kind;
    after.status = status;
  }
  after.outcome = outcomeOf(after.status, before.outcome, ev.outcome);
  if (after.status === 'answered' && !after.answer_time) after.answer_time = now;
  if (isTerminal(after.status)) {
    // Nobody talked on a call that was not answered: a mailbox or a goodbye message answering it is not talk time.
    if (after.outcome !== 'answered') {
      after.answer_time = null;
      after.duration = 0;
    }
    after.end_time ??= now;
    // Provider times (Cloudonix's clock) and ours may disagree: a call never ends before it was answered.
    if (after.answer_time && Date.parse(after.end_time) < Date.parse(after.answer_time)) after.end_time = after.answer_time;
    if (after.duration === null) {
      after.duration = after.answer_time ? Math.max(0, Math.round((Date.parse(after.end_time) - Date.parse(after.answer_time)) / 1000)) : 0;
    }
  }
  return after;
}

const eventRow = (ev: CallEvent, now: string) => ({
  id: newId(),
  organization_id: ev.organizationId,
  call_id: ev.callId,
  kind: ev.kind,
  provider_key: ev.providerKey,
  payload: JSON.stringify(ev.payload ?? null),
  received_at: now,
});

const CHUNK = 200;
const chunks = <T>(items: T[]): T[][] => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * The busy-hour fast path: first events of new calls, stored with a handful of multi-row
 * statements per batch instead of several statements per call. Fills `out` for the events it
 * finished; returns the indexes whose event row it stored but left for `foldEvent` to fold.
 */
async function foldNewCalls(trx: Transaction<Database>, events: CallEvent[], out: Array<IngestResult | undefined>): Promise<Set<number>> {
  const perCall = new Map<string, number>();
  for (const ev of events) perCall.set(`${ev.organizationId} ${ev.callId}`, (perCall.get(`${ev.organizationId} ${ev.callId}`) ?? 0) + 1);
  // Only calls with a single event in this batch: several events of one call keep their order in foldEvent.
  const candidates = events.flatMap((ev, i) => (ev.kind === 'route' && perCall.get(`${ev.organizationId} ${ev.callId}`) === 1 ? [i] : []));
  const left = new Set<number>();
  if (candidates.length < 2) return left;
  const now = nowIso();
  const key = (org: string, id: string) => `${org} ${id}`;

  const storedKeys = new Set<string>();
  for (const part of chunks(candidates)) {
    const rows = await trx
      .insertInto('call_events')
      .values(part.map((i) => eventRow(events[i]!, now)))
      .onConflict((oc) => oc.columns(['organization_id', 'provider_key']).doNothing())
      .returning(['organization_id', 'provider_key'])
      .execute();
    for (const r of rows) storedKeys.add(key(r.organization_id, r.provider_key));
  }
  const fresh = candidates.filter((i) => {
    const ev = events[i]!;
    if (storedKeys.has(key(ev.organizationId, ev.providerKey))) return true;
    out[i] = { duplicate: true, presence: [] };
    return false;
  });

  const existing = new Set<string>();
  const byOrg = new Map<string, number[]>();
  for (const i of fresh) byOrg.set(events[i]!.organizationId, [...(byOrg.get(events[i]!.organizationId) ?? []), i]);
  for (const [org, indexes] of byOrg) {
    for (const part of chunks(indexes)) {
      // (organization_id, call_id) is the unique index: a seek per call, never a scan.
      const rows = await trx
        .selectFrom('call_logs')
        .select(['organization_id', 'call_id'])
        .where('organization_id', '=', org)
        .where(
          'call_id',
          'in',
          part.map((i) => events[i]!.callId),
        )
        .execute();
      for (const r of rows) existing.add(key(r.organization_id, r.call_id));
    }
  }
  const built = new Map<string, { index: number; before: CallLogRow; after: CallLogRow }>();
  for (const i of fresh) {
    const ev = events[i]!;
    if (existing.has(key(ev.organizationId, ev.callId))) {
      left.add(i);
      continue;
    }
    const before = blankRow(ev, now);
    built.set(key(ev.organizationId, ev.callId), { index: i, before, after: applyEvent(before, ev, now) });
  }
  const created = new Set<string>();
  for (const part of chunks([...built.values()])) {
    const rows = await trx
      .insertInto('call_logs')
      .values(part.map((b) => b.after))
      .onConflict((oc) => oc.columns(['organization_id', 'call_id']).doNothing())
      .returning(['organization_id', 'call_id'])
      .execute();
    for (const r of rows) created.add(key(r.organization_id, r.call_id));
  }
  const presenceByOrg = new Map<string, PresenceChange[]>();
  for (const [k, b] of built) {
    if (!created.has(k)) {
      left.add(b.index);
      continue;
    }
    const ev = events[b.index]!;
    const changes = isTerminal(b.after.status)
      ? []
      : (ev.ringing ?? []).map((ext) => ({ extension_id: ext, status: 'ringing' as const, current_call_id: ev.callId }));
    out[b.index] = { duplicate: false, created: true, before: b.before, after: b.after, presence: changes };
    if (changes.length) presenceByOrg.set(ev.organizationId, [...(presenceByOrg.get(ev.organizationId) ?? []), ...changes]);
  }
  for (const [org, changes] of presenceByOrg) {
    const applied = new Set((await setPresence(trx, org, changes)).map((c) => `${c.extension_id} ${c.current_call_id}`));
    // Report only what was stored (an extension deleted mid-call drops out).
    for (const r of out)
      if (r?.presence.length && r.after?.organization_id === org) r.presence = r.presence.filter((c) => applied.has(`${c.extension_id} ${c.current_call_id}`));
  }
  return left;
}

async function foldEvent(trx: Transaction<Database>, dialect: Dialect, ev: CallEvent, eventStored = false): Promise<IngestResult> {
  const now = nowIso();
  if (!eventStored) {
    const inserted = await trx
      .insertInto('call_events')
      .values(eventRow(ev, now))
      .onConflict((oc) => oc.columns(['organization_id', 'provider_key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return { duplicate: true, presence: [] };
  }

  let before = await lockCall(trx, dialect, ev.organizationId, ev.callId);
  // Who this call is ringing or on now (presence rows name their call); read only for events that can change it.
  const mayMovePresence = ev.ringing !== undefined || ev.status === 'answered' || (ev.status !== undefined && isTerminal(ev.status));
  const onCall =
    before && mayMovePresence
      ? await trx
          .selectFrom('extension_presence')
          .select(['extension_id', 'status'])
          .where('organization_id', '=', ev.organizationId)
          .where('current_call_id', '=', ev.callId)
          .execute()
      : [];
  let after: CallLogRow;
  const created = !before;
  let answerer: string | undefined;
  const fold = (row: CallLogRow): CallLogRow => {
    const next = applyEvent(row, ev, now);
    answerer = answeredBy(row, next, ev, onCall);
    // A ring group's member who took the call: the call is theirs (their filter, dashboard and CSV).
    if (answerer && next.extension_id === null) next.extension_id = answerer;
    return next;
  };
  if (!before) {
    // The usual first event of a call: write the finished row in one insert.
    before = blankRow(ev, now);
    after = fold(before);
    const res = await trx
      .insertInto('call_logs')
      .values(after)
      .onConflict((oc) => oc.columns(['organization_id', 'call_id']).doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0n) === 0) {
      // Another transaction created it meanwhile (PostgreSQL): fold into that row instead.
      before = (await lockCall(trx, dialect, ev.organizationId, ev.callId))!;
      after = fold(before);
      const { id, organization_id, call_id, created_at, ...changes } = after;
      await trx.updateTable('call_logs').set(changes).where('id', '=', id).execute();
    }
  } else {
    after = fold(before);
    const { id, organization_id, call_id, created_at, ...changes } = after;
    await trx.updateTable('call_logs').set(changes).where('id', '=', id).execute();
  }

  const presence: PresenceChange[] = [];
  if (isTerminal(after.status) && !isTerminal(before.status)) {
    for (const p of onCall) presence.push({ extension_id: p.extension_id, status: 'idle', current_call_id: null });
  } else if (!isTerminal(after.status)) {
    if (ev.ringing) {
      // A new Dial: members an earlier Dial rang (the previous one of a sequential group) stop ringing.
      const next = new Set(ev.ringing);
      for (const p of onCall)
        if (p.status === 'ringing' && !next.has(p.extension_id)) presence.push({ extension_id: p.extension_id, status: 'idle', current_call_id: null });
      for (const ext of ev.ringing) presence.push({ extension_id: ext, status: 'ringing', current_call_id: ev.callId });
    }
    if (after.status === 'answered' && before.status !== 'answered') {
      // The others stop ringing; the one who answered is on the call.
      for (const ext of ringingAfter(onCall, ev)) if (ext !== answerer) presence.push({ extension_id: ext, status: 'idle', current_call_id: null });
      if (answerer) presence.push({ extension_id: answerer, status: 'on_call', current_call_id: ev.callId });
    }
  }
  const applied = await setPresence(trx, ev.organizationId, presence);
  return { duplicate: false, created, before, after, presence: applied };
}

/** Extensions ringing for the call once `ev` is applied: a new Dial replaces what rang before. */
function ringingAfter(onCall: Array<{ extension_id: string; status: string }>, ev: CallEvent): string[] {
  return ev.ringing ?? onCall.filter((p) => p.status === 'ringing').map((p) => p.extension_id);
}

/**
 * Who answered, when this event is the answer. Cloudonix does not name the leg that answered a Dial
 * (neither the Dial callback nor the session update carries it), so the answerer is the one
 * extension the call was ringing (an extension's Dial, a sequential or round-robin group's current
 * member), else the call's own extension (an outbound call's caller). A simultaneous Dial of several
 * members names nobody: they all stop ringing, and the Dial callback names nobody either.
 */
function answeredBy(before: CallLogRow, after: CallLogRow, ev: CallEvent, onCall: Array<{ extension_id: string; status: string }>): string | undefined {
  if (after.status !== 'answered' || before.status === 'answered') return undefined;
  const ringing = ringingAfter(onCall, ev);
  if (ringing.length === 1) return ringing[0];
  if (ringing.length === 0) return after.extension_id ?? undefined;
  return undefined;
}
