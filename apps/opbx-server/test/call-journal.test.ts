import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './support/context.js';
import { createTestOrg, type TestOrg } from './support/api.js';
import { ingestCallEvents, type CallEvent } from '../src/modules/calls/calls.ingest.js';

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
    await ingestCallEvents(server.ctx, [{ organizationId: org.organizationId, callId: 'pre-1', kind: 'session', providerKey: 'su:pre-1:1', payload: {}, status: 'answered' }]);
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
    const rows = await server.ctx.db.selectFrom('call_logs').select(['organization_id', 'call_id', 'status']).where('call_id', 'in', ['b-1', 'b-2', 'b-3']).execute();
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
