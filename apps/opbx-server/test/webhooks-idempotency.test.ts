import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomE164 } from './support/api.js';
import { createFlowsOrg, expectClean, expectFinal, type FlowsOrg, type FlowsServer, recordBus, startFlowsServer } from './support/flows-harness.js';
import { attributes, cdr, newToken, routeParams, send, sessionFacts, sessionUpdate } from './support/flows-wire.js';

/**
 * At-least-once delivery: replays (100 concurrent copies), out-of-order webhooks and duplicated
 * voice requests must change a call's state exactly once and converge on the right final state.
 */
let server: FlowsServer;
let org: FlowsOrg;
let extension: string;
let did: { id: string; number: string };

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'Idempotency Flows');
  extension = await org.extension('701');
  did = await org.did('extension', { extension_id: extension });
});
afterAll(() => server?.close());

const times = <T>(n: number, f: () => Promise<T>) => Promise.all(Array.from({ length: n }, f));

async function countEvents(callSid: string, providerKey?: string): Promise<number> {
  const rows = await org.events(callSid);
  return providerKey ? rows.filter((r) => r.provider_key === providerKey).length : rows.length;
}

/** A call that has been routed (ringing), through the real voice endpoint. */
async function routedCall() {
  const token = newToken();
  const from = randomE164();
  const res = await send(org, '/api/voice/route', routeParams(org, token, from, did.number));
  expect(res.status).toBe(200);
  await server.app.voice.journal.flush();
  return { token, from, cxml: res.text, facts: sessionFacts(org, token, from, did.number) };
}

describe('100 concurrent copies', () => {
  it('of one session update: one journal row, one state change, one bus message', async () => {
    const { token, facts } = await routedCall();
    const answerMs = facts.startMs + 6000;
    const update = sessionUpdate(facts, 'connected', { atMs: answerMs, answerMs });
    const bus = await recordBus(server);
    try {
      const replies = await times(100, () => send(org, '/api/webhooks/cloudonix/session-update', update));
      expect(replies.map((r) => r.status)).toEqual(Array(100).fill(204));
      expect(await countEvents(token, `su:${token}:${update.eventId}`)).toBe(1);
      expect(await countEvents(token)).toBe(2);
      await bus.sync();
      expect(bus.of(token)).toHaveLength(1);
      expect(bus.of(token)[0]).toMatchObject({ type: 'call.updated', call: { status: 'answered' } });
      const log = await org.log(token);
      expect(log).toMatchObject({ status: 'answered', answer_time: new Date(answerMs).toISOString() });

      // The final session update, replayed the same way, ends the call once.
      const endMs = answerMs + 30_000;
      const hangup = sessionUpdate(facts, 'completed', { atMs: endMs, answerMs, endMs });
      const finals = await times(100, () => send(org, '/api/webhooks/cloudonix/session-update', hangup));
      expect(finals.map((r) => r.status)).toEqual(Array(100).fill(204));
      expect(await countEvents(token, `su:${token}:${hangup.eventId}`)).toBe(1);
      await bus.sync();
      expect(bus.of(token)).toHaveLength(2);
      expect(bus.of(token, 'call.ended')).toHaveLength(1);
      expect((await org.log(token)).status).toBe('completed');
    } finally {
      bus.stop();
    }
  });

  it('of one CDR: one journal row, the call log updated once, call.ended published once', async () => {
    const { token, facts } = await routedCall();
    const answerMs = facts.startMs + 4000;
    const endMs = answerMs + 61_000;
    const record = cdr(facts, 'ANSWERED', answerMs, endMs);
    const bus = await recordBus(server);
    try {
      const replies = await times(100, () => send(org, '/api/webhooks/cloudonix/cdr', record));
      expect(replies.map((r) => r.status)).toEqual(Array(100).fill(204));
      expect(await countEvents(token, `cdr:${token}`)).toBe(1);
      await bus.sync();
      expect(bus.of(token)).toHaveLength(1);
      expect(bus.of(token, 'call.ended')).toHaveLength(1);
      const log = await org.log(token);
      expect(log).toMatchObject({ status: 'completed', duration: 61, answer_time: new Date(answerMs).toISOString(), end_time: new Date(endMs).toISOString() });
      expect(log.cloudonix_cdr).toEqual(record);
      const updatedAt = log.updated_at;

      // Later replays, even of an altered copy, are no-ops.
      const altered = { ...record, billsec: 9999, disposition: 'FAILED' };
      expect((await send(org, '/api/webhooks/cloudonix/cdr', altered)).status).toBe(204);
      expect((await send(org, '/api/webhooks/cloudonix/cdr', record)).status).toBe(204);
      await bus.sync();
      expect(bus.of(token)).toHaveLength(1);
      expect(await countEvents(token, `cdr:${token}`)).toBe(1);
      const again = await org.log(token);
      expect(again).toMatchObject({ status: 'completed', duration: 61, updated_at: updatedAt });
    } finally {
      bus.stop();
    }
  });

  it('of the first voice request: one call log, one route event, the same CXML for every copy', async () => {
    const token = newToken();
    const params = routeParams(org, token, randomE164(), did.number);
    const replies = await times(100, () => send(org, '/api/voice/route', params));
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(attributes(replies[0]!.text, 'Dial')).toHaveLength(1);
    await server.app.voice.journal.flush();
    expect(await countEvents(token, `route:${token}`)).toBe(1);
    const rows = await server.ctx.db
      .selectFrom('call_logs')
      .select('id')
      .where('organization_id', '=', org.organizationId)
      .where('call_id', '=', token)
      .execute();
    expect(rows).toHaveLength(1);
    expect((await org.log(token)).status).toBe('ringing');
  });

  it('of a Dial action: one dial event, the same next step for every copy', async () => {
    const { token, from, cxml } = await routedCall();
    const action = attributes(cxml, 'Dial')[0]!.action!;
    const params = { ...routeParams(org, token, from, did.number), DialCallStatus: 'completed', CallStatus: 'completed' };
    const replies = await times(30, () => send(org, action, params));
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    await server.app.voice.journal.flush();
    const dials = (await org.events(token)).filter((e) => e.kind === 'dial');
    expect(dials).toHaveLength(1);
    expect((await org.log(token)).status).toBe('completed');
  });
});

describe('whole calls with at-least-once webhooks', () => {
  it('every webhook sent 5 times at once: each distinct event stored once, the same final state', async () => {
    const bus = await recordBus(server);
    try {
      const t = await org.call({
        to: did.number,
        scenario: { targets: { '701': { outcome: 'answer', after: 8, talk: 44 } } },
        webhooks: { duplicates: 5, concurrent: true },
      });
      expectClean(t);
      expect(t.webhooks.length).toBeGreaterThanOrEqual(5 * 4);
      const log = await org.log(t.callSid);
      expectFinal(log, t, 'completed');
      const events = await org.events(t.callSid);
      const distinctWebhooks = new Set(t.webhooks.map((w) => (w.kind === 'cdr' ? 'cdr' : w.eventId))).size;
      expect(events.filter((e) => e.kind === 'session' || e.kind === 'cdr')).toHaveLength(distinctWebhooks);
      expect(new Set(events.map((e) => e.provider_key)).size).toBe(events.length);
      await bus.sync();
      expect(bus.of(t.callSid, 'call.started')).toHaveLength(1);
    } finally {
      bus.stop();
    }
  });

  it.each(['reverse', 'shuffle'] as const)('webhooks delivered %s (CDR before the session updates): the right final state', async (order) => {
    for (const seed of [1, 2, 3]) {
      const answered = await org.call({
        to: did.number,
        scenario: { targets: { '701': { outcome: 'answer', after: 5, talk: 70 } } },
        webhooks: { order, seed, duplicates: 2, concurrent: seed === 3 },
      });
      expectClean(answered);
      expectFinal(await org.log(answered.callSid), answered, 'completed');

      // The caller gives up while it rings: nothing was answered, whatever order the events come in.
      const abandoned = await org.call({
        to: did.number,
        scenario: { targets: { '701': { outcome: 'no-answer' } }, hangupAfter: 9 },
        webhooks: { order, seed, duplicates: 2, concurrent: seed === 3 },
      });
      expectClean(abandoned);
      const log = await org.log(abandoned.callSid);
      expectFinal(log, abandoned, 'no_answer');
      expect(log.answer_time).toBeNull();
    }
  });

  it('the CDR arrives before the voice request: the route still fills in the DID and extension, the CDR state stands', async () => {
    const token = newToken();
    const from = randomE164();
    const facts = sessionFacts(org, token, from, did.number, Date.now());
    const record = cdr(facts, 'ANSWERED', facts.startMs + 3000, facts.startMs + 45_000);
    expect((await send(org, '/api/webhooks/cloudonix/cdr', record)).status).toBe(204);
    expect((await org.log(token)).status).toBe('completed');

    const t = await org.call({
      callSid: token,
      from,
      to: did.number,
      startTime: facts.startMs,
      scenario: { targets: { '701': { outcome: 'answer', after: 3, talk: 42 } } },
      webhooks: { cdr: false },
    });
    expectClean(t);
    const log = await org.log(token);
    expect(log).toMatchObject({ status: 'completed', duration: 42, did_id: did.id, extension_id: extension, from_number: from, to_number: did.number });
    expect(log.cloudonix_cdr).toEqual(record);
  });

  it('a replayed voice request after the call ended changes nothing', async () => {
    const t = await org.call({ to: did.number, scenario: { targets: { '701': { outcome: 'answer', after: 2, talk: 12 } } } });
    expectClean(t);
    const before = await org.log(t.callSid);
    const first = t.exchanges[0]!;
    const again = await send(org, '/api/voice/route', first.params);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.body);
    await server.app.voice.journal.flush();
    const after = await org.log(t.callSid);
    expect(after).toEqual(before);
  });
});
