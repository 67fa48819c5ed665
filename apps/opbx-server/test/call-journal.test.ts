import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queued, type QueuedEvent } from '../src/modules/call-records/call-store.js';
import { type CallBusMessage, type CallEvent, CALLS_TOPIC, ingestCallEvents } from '../src/modules/call-records/calls.ingest.js';
import { CallJournal } from '../src/modules/call-records/journal.js';
import { InThreadStore, journalStore, ThreadStore } from '../src/modules/call-records/journal-stores.js';
import { createTestOrg, type TestOrg } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';

let server: TestServer;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  server = await createTestServer();
  org = await createTestOrg(server.app, server.ctx, 'Journal Org');
  other = await createTestOrg(server.app, server.ctx, 'Other Org');
});
afterAll(() => server.close());

const route = (organizationId: string, callId: string, ringing: string[] = []): CallEvent => ({
  organizationId,
  callId,
  kind: 'route',
  providerKey: `route:${callId}`,
  payload: { CallSid: callId },
  status: 'ringing',
  facts: { direction: 'inbound', from_number: '+12125550100', to_number: '+15550100001' },
  ringing,
});

describe('batched route events (the journal under load)', () => {
  it('stores new calls, skips duplicates and folds calls that already exist, exactly as one by one', async () => {
    const ext = org.agentExtensionId;
    // A call that exists before the batch (its row was created by an earlier session update).
    await ingestCallEvents(server.ctx, [
      { organizationId: org.organizationId, callId: 'pre-1', kind: 'session', providerKey: 'su:pre-1:1', payload: {}, status: 'answered' },
    ]);
    const batch = [
      route(org.organizationId, 'b-1', [ext]),
      route(org.organizationId, 'b-2'),
      route(other.organizationId, 'b-1'), // same CallSid in another organization is another call
      route(org.organizationId, 'pre-1'),
      route(org.organizationId, 'b-3'),
    ];
    const results = await ingestCallEvents(server.ctx, batch);
    expect(results.map((r) => [r.duplicate, r.created])).toEqual([
      [false, true],
      [false, true],
      [false, true],
      [false, false],
      [false, true],
    ]);
    expect(results[0]!.presence).toEqual([{ extension_id: ext, status: 'ringing', current_call_id: 'b-1' }]);
    // pre-1 was answered already: the route event fills its facts but does not move it back to ringing.
    const pre = await server.ctx.db.selectFrom('call_logs').selectAll().where('call_id', '=', 'pre-1').executeTakeFirstOrThrow();
    expect(pre.status).toBe('answered');
    expect(pre.from_number).toBe('+12125550100');

    const again = await ingestCallEvents(server.ctx, batch);
    expect(again.every((r) => r.duplicate)).toBe(true);
    const rows = await server.ctx.db
      .selectFrom('call_logs')
      .select(['organization_id', 'call_id', 'status'])
      .where('call_id', 'in', ['b-1', 'b-2', 'b-3'])
      .execute();
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.status === 'ringing')).toBe(true);
    const presence = await server.ctx.db.selectFrom('extension_presence').selectAll().where('extension_id', '=', ext).executeTakeFirstOrThrow();
    expect(presence).toMatchObject({ status: 'ringing', current_call_id: 'b-1' });
  });

  it('keeps a call with several events in one batch in order', async () => {
    const callId = 'ordered-1';
    const results = await ingestCallEvents(server.ctx, [
      route(org.organizationId, callId),
      route(org.organizationId, 'ordered-2'),
      { organizationId: org.organizationId, callId, kind: 'dial', providerKey: `dial:${callId}:1`, payload: {}, status: 'completed' },
    ]);
    expect(results[0]!.created).toBe(true);
    expect(results[2]!.after!.status).toBe('completed');
    const row = await server.ctx.db.selectFrom('call_logs').selectAll().where('call_id', '=', callId).executeTakeFirstOrThrow();
    expect(row.status).toBe('completed');
  });
});

describe('the call journal (one writer, batches, a thread of its own on file databases)', () => {
  const calls = async (ids: string[]) =>
    server.ctx.db.selectFrom('call_logs').select(['call_id', 'status']).where('organization_id', '=', org.organizationId).where('call_id', 'in', ids).execute();

  it('commits from a worker thread here (a SQLite file or PostgreSQL), not from the request thread', async () => {
    const store = journalStore(server.ctx);
    expect(store).toBeInstanceOf(ThreadStore);
    await store.close();
  });

  it('stores a burst of fire-and-forget events and publishes each new call once', async () => {
    const published: string[] = [];
    const off = server.ctx.bus.subscribe(CALLS_TOPIC, (m) => published.push((m as CallBusMessage).call.call_id));
    const ids = Array.from({ length: 700 }, (_, i) => `burst-${i}`);
    for (const id of ids) server.app.voice.journal.enqueue(route(org.organizationId, id));
    // A replay inside the same burst changes nothing.
    server.app.voice.journal.enqueue(route(org.organizationId, 'burst-0'));
    await server.app.voice.journal.flush();
    await new Promise((r) => setTimeout(r, 20));
    off();
    expect(await calls(ids)).toHaveLength(700);
    expect(published.filter((id) => id.startsWith('burst-')).sort()).toEqual([...ids].sort());
  });

  it('rejects only the event that cannot be stored; the rest of its batch is kept', async () => {
    const journal = server.app.voice.journal;
    const good = ['iso-1', 'iso-2', 'iso-3'];
    for (const id of good.slice(0, 2)) journal.enqueue(route(org.organizationId, id));
    // An organization that does not exist fails its foreign key.
    const bad = journal.record(route('00000000-0000-7000-8000-000000000000', 'iso-bad'));
    journal.enqueue(route(org.organizationId, good[2]!));
    await expect(bad).rejects.toThrow();
    await journal.flush();
    expect((await calls(good)).map((c) => c.call_id).sort()).toEqual(good);
  });

  it('replaces a journal thread that died, and loses nothing queued after it', async () => {
    const store = new ThreadStore(server.ctx.config.DATABASE_URL);
    const stored: number[] = [];
    const journal = new CallJournal(
      store,
      async (batch) => void stored.push(batch.messages.length),
      () => undefined,
    );
    await journal.record(route(org.organizationId, 'thread-1'));
    // What a crash looks like from the main thread: the worker exits.
    await (store as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await journal.record(route(org.organizationId, 'thread-2'));
    await journal.close();
    expect(stored).toEqual([1, 1]);
    expect((await calls(['thread-1', 'thread-2'])).length).toBe(2);
  });

  it('tries a batch again whole when its thread dies under it, storing each event once', async () => {
    class CrashingOnce extends ThreadStore {
      private crashed = false;
      override write(events: QueuedEvent[]) {
        if (!this.crashed) {
          // The thread is going down as the batch is handed to it: the batch gets no answer.
          this.crashed = true;
          this.start();
          void (this as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
        }
        return super.write(events);
      }
    }
    const errors: unknown[] = [];
    const published: string[] = [];
    const journal = new CallJournal(
      new CrashingOnce(server.ctx.config.DATABASE_URL),
      async (b) => void published.push(...b.messages.map((m) => m.call.call_id)),
      (e) => errors.push(e),
    );
    const ids = ['crash-1', 'crash-2', 'crash-3'];
    for (const id of ids.slice(0, 2)) journal.enqueue(route(org.organizationId, id));
    await journal.record(route(org.organizationId, ids[2]!));
    await journal.close();
    expect(errors.some((e) => (e as { threadFailed?: boolean }).threadFailed)).toBe(true);
    const rows = await calls(ids);
    expect(rows.map((r) => r.call_id).sort()).toEqual(ids);
    expect(published.sort()).toEqual(ids);
  });

  it('refuses writes after shutdown instead of starting a thread that would keep the process alive', async () => {
    const store = new ThreadStore(server.ctx.config.DATABASE_URL);
    await store.write([queued(route(org.organizationId, 'late-1'))]);
    await store.close();
    await expect(store.write([queued(route(org.organizationId, 'late-2'))])).rejects.toThrow(/closed/);
    expect((await calls(['late-1', 'late-2'])).map((c) => c.call_id)).toEqual(['late-1']);
  });

  it('stores on the calling thread when it must (in-memory SQLite), with the same results', async () => {
    const stored: string[] = [];
    const journal = new CallJournal(
      new InThreadStore(server.ctx),
      async (batch) => void stored.push(...batch.messages.map((m) => m.call.call_id)),
      () => undefined,
    );
    for (const id of ['local-1', 'local-2']) journal.enqueue(route(org.organizationId, id));
    await journal.close();
    expect(stored.sort()).toEqual(['local-1', 'local-2']);
  });
});
