import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomE164 } from './support/api.js';
import { expectEnvelope } from './support/fixtures.js';
import {
  closedNowSchedule,
  createFlowsOrg,
  expectClean,
  expectVoicemailed,
  type FlowsOrg,
  type FlowsServer,
  spoken,
  startFlowsServer,
} from './support/flows-harness.js';

/**
 * Voicemail as the seed's forms send it (issue 11 item 1): a DID routed to voicemail with only a
 * greeting, business hours closed to voicemail, a ring group falling back to voicemail, none naming
 * an extension, record into the organization's general mailbox, which owners and admins list,
 * rename, give a greeting, and whose messages they mark read and delete.
 */
let server: FlowsServer;
let org: FlowsOrg;
let box: any;

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'Mailbox Flows');
  const boxes = await org.owner.get('/voicemail-boxes');
  expect(boxes.status).toBe(200);
  box = boxes.body.data[0];
});
afterAll(() => server?.close());

const messages = async (query = '') => (await org.owner.get(`/voicemail-boxes/${box.id}/messages${query}`)).body;

describe('the general mailbox', () => {
  it('is created with the organization, one per organization', async () => {
    const res = await org.owner.get('/voicemail-boxes');
    expect(res.body.data).toEqual([
      {
        id: expect.any(String),
        organization_id: org.organizationId,
        kind: 'general',
        name: 'General mailbox',
        greeting: null,
        message_count: expect.any(Number),
        unread_count: expect.any(Number),
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    expect((await org.org.admin.get(`/voicemail-boxes/${box.id}`)).body).toMatchObject({ id: box.id, kind: 'general' });
  });

  it("a DID routed to voicemail with only a greeting (the seed's form) records into it", async () => {
    const greeting = 'You reached Acme. Leave a message.';
    const created = await org.owner.post('/dids', { phone_number: randomE164(), routing_type: 'voicemail', routing_config: { voicemail_greeting: greeting } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.routing_config).toEqual({ voicemail_greeting: greeting });
    const from = randomE164();
    const t = await org.call({ from, to: created.body.phone_number, scenario: { recordings: [13] } });
    expectClean(t);
    expect(spoken(t)[0]).toContain('You reached Acme');
    expect(t.exchanges[0]!.body).toContain(greeting);
    const url = t.exchanges.find((e) => e.cause === 'Record action')!.params.RecordingUrl;
    const log = await org.log(t.callSid);
    expectVoicemailed(log, t);
    expect(log).toMatchObject({ did_id: created.body.id, extension_id: null, recording_url: url });
    const list = await messages();
    expect(list.data[0]).toEqual({
      id: expect.any(String),
      box_id: box.id,
      extension_id: null,
      call_id: t.callSid,
      from_number: from,
      recording_url: url,
      duration: 13,
      read: false,
      read_at: null,
      created_at: expect.any(String),
    });
    // A replayed Record action stores the message once.
    const action = t.exchanges.find((e) => e.cause === 'Record action')!;
    const replay = await fetch(action.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.requestsKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(action.params),
    });
    expect(replay.status).toBe(200);
    await server.app.voice.journal.flush();
    expect((await messages()).data.filter((m: any) => m.call_id === t.callSid)).toHaveLength(1);
  });

  it('business hours closed to voicemail with no extension: the general mailbox, with its own greeting', async () => {
    const open = await org.extension('301');
    const zone = 'America/Los_Angeles';
    const hours = await org.owner.post('/business-hours', {
      name: 'Closed now',
      timezone: zone,
      schedules: closedNowSchedule(zone),
      open_hours_routing: { type: 'extension', extension_id: open },
      closed_hours_routing: { type: 'voicemail' },
    });
    expect(hours.status, JSON.stringify(hours.body)).toBe(201);
    expect(hours.body.closed_hours_routing).toEqual({ type: 'voicemail' });
    const renamed = await org.owner.patch(`/voicemail-boxes/${box.id}`, { name: 'Front desk', greeting: 'Front desk: please leave a message.' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Front desk', greeting: 'Front desk: please leave a message.' });
    const did = await org.did('business_hours', { business_hours_id: hours.body.id });
    const t = await org.call({ to: did.number, scenario: { recordings: [6] } });
    expectClean(t);
    expect(t.exchanges[0]!.body).toContain('Front desk: please leave a message.');
    expect((await messages()).data[0]).toMatchObject({ call_id: t.callSid, box_id: box.id, duration: 6 });
    // Clearing the greeting restores the default one.
    expect((await org.owner.patch(`/voicemail-boxes/${box.id}`, { greeting: null })).body.greeting).toBeNull();
    const again = await org.call({ to: did.number, scenario: { recordings: [3] } });
    expect(spoken(again)[0]).toContain('Please leave a message after the tone');
  });

  it('a ring group whose voicemail fallback names no mailbox: the general mailbox', async () => {
    const member = await org.extension('302');
    const group = await org.ringGroup({
      strategy: 'simultaneous',
      timeout: 20,
      members: [{ extension_id: member, priority: 1 }],
      fallback_action: { type: 'voicemail' },
    });
    const did = await org.did('ring_group', { ring_group_id: group });
    const t = await org.call({ to: did.number, scenario: { targets: { '302': { outcome: 'no-answer' } }, recordings: [8] } });
    expectClean(t);
    expectVoicemailed(await org.log(t.callSid), t);
    expect((await messages()).data[0]).toMatchObject({ call_id: t.callSid, box_id: box.id });
  });

  it('naming an extension keeps its own mailbox, not the general one', async () => {
    const mailbox = await org.extension('303', { voicemail: true });
    const did = await org.did('voicemail', { extension_id: mailbox });
    const t = await org.call({ to: did.number, scenario: { recordings: [5] } });
    expectClean(t);
    expect((await org.owner.get(`/extensions/${mailbox}/voicemails`)).body.data).toEqual([expect.objectContaining({ call_id: t.callSid })]);
    expect((await messages()).data.map((m: any) => m.call_id)).not.toContain(t.callSid);
  });

  it('switching a number to voicemail needs no routing_config; a type that needs a target still says which', async () => {
    const ext = await org.extension('304');
    const did = await org.did('extension', { extension_id: ext });
    const switched = await org.owner.patch(`/dids/${did.id}`, { routing_type: 'voicemail' });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);
    expect(switched.body.routing_config.extension_id).toBeUndefined();
    const t = await org.call({ to: did.number, scenario: { recordings: [4] } });
    expectClean(t);
    expect((await messages()).data[0]).toMatchObject({ call_id: t.callSid, box_id: box.id });
    const needsGroup = await org.owner.patch(`/dids/${did.id}`, { routing_type: 'ring_group' });
    expectEnvelope(needsGroup, 422, 'VALIDATION_ERROR');
    expect(needsGroup.body.error.details).toEqual([expect.objectContaining({ field: 'routing_config.ring_group_id' })]);
  });

  it('messages are marked read and unread, filtered, counted and deleted', async () => {
    const list = await messages();
    expect(list.data.length).toBeGreaterThanOrEqual(3);
    const [first, second] = list.data;
    const read = await org.owner.patch(`/voicemail-boxes/${box.id}/messages/${first.id}`, { read: true });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: first.id, read: true, read_at: expect.any(String) });
    // Marking read again keeps when it was first read.
    expect((await org.org.admin.patch(`/voicemail-boxes/${box.id}/messages/${first.id}`, { read: true })).body.read_at).toBe(read.body.read_at);
    expect((await messages('?unread=true')).data.map((m: any) => m.id)).not.toContain(first.id);
    expect((await messages('?unread=false')).data.map((m: any) => m.id)).toEqual([first.id]);
    const counted = (await org.owner.get(`/voicemail-boxes/${box.id}`)).body;
    expect(counted).toMatchObject({ message_count: list.meta.total, unread_count: list.meta.total - 1 });
    expect((await org.owner.patch(`/voicemail-boxes/${box.id}/messages/${first.id}`, { read: false })).body).toMatchObject({ read: false, read_at: null });

    const deleted = await org.owner.delete(`/voicemail-boxes/${box.id}/messages/${second.id}`);
    expect(deleted.status).toBe(204);
    expect((await messages()).data.map((m: any) => m.id)).not.toContain(second.id);
    expectEnvelope(await org.owner.delete(`/voicemail-boxes/${box.id}/messages/${second.id}`), 404, 'NOT_FOUND');
    // The call log keeps its recording.
    expect((await org.log(second.call_id)).recording_url).toBe(second.recording_url);
  });
});

describe('who may reach it, and bad input', () => {
  it('agents may not: the general mailbox is the managers’', async () => {
    const agent = org.org.agent;
    const msg = (await messages()).data[0];
    for (const [method, url, body] of [
      ['GET', '/voicemail-boxes', undefined],
      ['GET', `/voicemail-boxes/${box.id}`, undefined],
      ['PATCH', `/voicemail-boxes/${box.id}`, { name: 'Mine' }],
      ['GET', `/voicemail-boxes/${box.id}/messages`, undefined],
      ['PATCH', `/voicemail-boxes/${box.id}/messages/${msg.id}`, { read: true }],
      ['DELETE', `/voicemail-boxes/${box.id}/messages/${msg.id}`, undefined],
    ] as const) {
      expectEnvelope(await agent.request(method, url, body), 403, 'FORBIDDEN', `${method} ${url}`);
    }
    expect((await messages()).data[0]).toMatchObject({ id: msg.id, read: false });
  });

  it('malformed bodies and ids: the error envelope with field details, never a 500 or a partial write', async () => {
    const before = (await org.owner.get(`/voicemail-boxes/${box.id}`)).body;
    const msg = (await messages()).data[0];
    for (const [body, field] of [
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ greeting: 'x'.repeat(501) }, 'greeting'],
      [{ greeting: 'bell\u0007' }, 'greeting'],
      [{ greeting: 42 }, 'greeting'],
      [{ name: 'Ok', kind: 'extension' }, 'kind'],
    ] as const) {
      const res = await org.owner.patch(`/voicemail-boxes/${box.id}`, body);
      expectEnvelope(res, 422, 'VALIDATION_ERROR', JSON.stringify(body));
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    expect((await org.owner.get(`/voicemail-boxes/${box.id}`)).body).toEqual(before);
    for (const body of [{}, { read: 'yes' }, { read: null }, { read: true, extra: 1 }]) {
      expectEnvelope(await org.owner.patch(`/voicemail-boxes/${box.id}/messages/${msg.id}`, body), 422, 'VALIDATION_ERROR', JSON.stringify(body));
    }
    expectEnvelope(await org.owner.get(`/voicemail-boxes/${box.id}/messages?unread=maybe`), 422, 'VALIDATION_ERROR');
    for (const id of ['nope', randomUUID(), 'x'.repeat(64)]) {
      expectEnvelope(await org.owner.get(`/voicemail-boxes/${id}`), 404, 'NOT_FOUND');
      expectEnvelope(await org.owner.patch(`/voicemail-boxes/${box.id}/messages/${id}`, { read: true }), 404, 'NOT_FOUND');
    }
    expectEnvelope(await org.owner.get(`/voicemail-boxes/${'x'.repeat(65)}`), 422, 'VALIDATION_ERROR');
  });
});
