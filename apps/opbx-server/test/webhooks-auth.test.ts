import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomE164 } from './support/api.js';
import { createFlowsOrg, expectClean, expectFinal, type FlowsOrg, type FlowsServer, startFlowsServer } from './support/flows-harness.js';
import { cdr, newToken, routeParams, send, sessionFacts, sessionUpdate, type WireReply } from './support/flows-wire.js';

/**
 * Session-update and CDR webhooks: body encodings, authentication by the requests key, and
 * tenancy (a key only ever touches its own organization's calls).
 */
let server: FlowsServer;
let orgA: FlowsOrg;
let orgB: FlowsOrg;
let didA: { id: string; number: string };
let didB: { id: string; number: string };

beforeAll(async () => {
  server = await startFlowsServer();
  orgA = await createFlowsOrg(server, 'Webhooks A');
  orgB = await createFlowsOrg(server, 'Webhooks B');
  didA = await orgA.did('extension', { extension_id: await orgA.extension('801') });
  didB = await orgB.did('extension', { extension_id: await orgB.extension('801') });
});
afterAll(() => server?.close());

async function routed(org: FlowsOrg, did: { number: string }) {
  const token = newToken();
  const from = randomE164();
  expect((await send(org, '/api/voice/route', routeParams(org, token, from, did.number))).status).toBe(200);
  await server.app.voice.journal.flush();
  return sessionFacts(org, token, from, did.number);
}

/** The JSON error envelope, with the request id of the response. */
function expectEnvelope(res: WireReply, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.type).toMatch(/application\/json/);
  expect(res.json?.error, res.text).toMatchObject({ code, message: expect.any(String), request_id: expect.any(String) });
}

describe('body encodings', () => {
  it('JSON session updates and CDRs (what Cloudonix sends)', async () => {
    const t = await orgA.call({ to: didA.number, scenario: { targets: { '801': { outcome: 'answer', after: 2, talk: 17 } } } });
    expectClean(t);
    expect(t.webhooks.every((w) => w.status === 204)).toBe(true);
    expectFinal(await orgA.log(t.callSid), t, 'completed');
  });

  it('form-encoded session updates and CDRs (nested objects as JSON text, as for SessionData)', async () => {
    const facts = await routed(orgA, didA);
    const answerMs = facts.startMs + 5000;
    const endMs = answerMs + 33_000;
    const su = await send(orgA, '/api/webhooks/cloudonix/session-update', sessionUpdate(facts, 'connected', { atMs: answerMs, answerMs }), { form: true });
    expect(su.status, su.text).toBe(204);
    expect(await orgA.log(facts.token)).toMatchObject({ status: 'answered', answer_time: new Date(answerMs).toISOString() });

    const record = cdr(facts, 'ANSWERED', answerMs, endMs);
    const res = await send(orgA, '/api/webhooks/cloudonix/cdr', record, { form: true });
    expect(res.status, res.text).toBe(204);
    const log = await orgA.log(facts.token);
    expect(log).toMatchObject({ status: 'completed', duration: 33, end_time: new Date(endMs).toISOString() });
    expect(log.cloudonix_cdr).toBeTruthy();
  });

  it('form-encoded voice requests and a whole call run on them', async () => {
    const t = await orgA.call({ to: didA.number, bodyEncoding: 'form', scenario: { targets: { '801': { outcome: 'answer', after: 1, talk: 8 } } } });
    expectClean(t);
    expect(t.dials).toHaveLength(1);
    expectFinal(await orgA.log(t.callSid), t, 'completed');
  });

  it('the session token is required: 422 with the field named', async () => {
    const res = await send(orgA, '/api/webhooks/cloudonix/session-update', { status: 'connected', eventId: newToken() });
    expectEnvelope(res, 422, 'VALIDATION_ERROR');
    expect(res.json.error.details).toEqual([expect.objectContaining({ field: 'token' })]);
    const cdrRes = await send(orgA, '/api/webhooks/cloudonix/cdr', { disposition: 'ANSWERED', billsec: 3 });
    expectEnvelope(cdrRes, 422, 'VALIDATION_ERROR');
  });
});

describe('authentication', () => {
  it.each(['session-update', 'cdr'])('%s without a valid requests key: 401 JSON envelope, nothing stored', async (kind) => {
    const facts = await routed(orgA, didA);
    const body =
      kind === 'cdr'
        ? cdr(facts, 'ANSWERED', facts.startMs + 1000, facts.startMs + 9000)
        : sessionUpdate(facts, 'connected', { answerMs: facts.startMs + 1000 });
    const path = `/api/webhooks/cloudonix/${kind}`;
    expectEnvelope(await send(orgA, path, body, { key: null }), 401, 'UNAUTHORIZED');
    expectEnvelope(await send(orgA, path, body, { key: 'rk-not-a-key-of-anyone-0123456789' }), 401, 'UNAUTHORIZED');
    expectEnvelope(await send(orgA, path, body, { key: `${orgA.requestsKey}x` }), 401, 'UNAUTHORIZED');
    expectEnvelope(await send(orgA, path, body, { key: orgA.requestsKey.slice(0, -1) }), 401, 'UNAUTHORIZED');
    const basic = await fetch(`${server.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`x:${orgA.requestsKey}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(basic.status).toBe(401);
    expect(await orgA.events(facts.token)).toHaveLength(1);
    expect((await orgA.log(facts.token)).status).toBe('ringing');
  });

  it("Cloudonix's X-Cx-Apikey header is accepted in place of the Bearer token", async () => {
    const facts = await routed(orgA, didA);
    const res = await send(orgA, '/api/webhooks/cloudonix/session-update', sessionUpdate(facts, 'connected', { answerMs: facts.startMs + 2000 }), {
      header: 'x-cx-apikey',
    });
    expect(res.status).toBe(204);
    expect((await orgA.log(facts.token)).status).toBe('answered');
  });

  it('a replaced requests key stops working at once; the new one works', async () => {
    const org = await createFlowsOrg(server, 'Key Rotation');
    const did = await org.did('extension', { extension_id: await org.extension('802') });
    const facts = await routed(org, did);
    const settings = await org.owner.get('/settings/cloudonix');
    const newKey = `rk-rotated-${newToken()}`;
    const put = await org.owner.request('PUT', '/settings/cloudonix', {
      domain_uuid: settings.body.domain_uuid,
      domain_name: settings.body.domain_name,
      webhook_base_url: settings.body.webhook_base_url,
      requests_key: newKey,
    });
    expect(put.status).toBe(200);
    const update = sessionUpdate(facts, 'connected', { answerMs: facts.startMs + 1000 });
    expectEnvelope(await send(org, '/api/webhooks/cloudonix/session-update', update), 401, 'UNAUTHORIZED');
    expect((await send(org, '/api/webhooks/cloudonix/session-update', update, { key: newKey })).status).toBe(204);
  });
});

describe('tenancy', () => {
  it("org A's key cannot change org B's call, by session update or CDR", async () => {
    const factsB = await routed(orgB, didB);
    const before = await orgB.log(factsB.token);
    const eventsBefore = (await orgB.events(factsB.token)).length;

    const asA = { key: orgA.requestsKey };
    expect(
      (await send(orgB, '/api/webhooks/cloudonix/session-update', sessionUpdate(factsB, 'connected', { answerMs: factsB.startMs + 1000 }), asA)).status,
    ).toBe(204);
    expect((await send(orgB, '/api/webhooks/cloudonix/cdr', cdr(factsB, 'BUSY', undefined, factsB.startMs + 5000), asA)).status).toBe(204);

    const after = await orgB.log(factsB.token);
    expect(after).toEqual(before);
    expect(await orgB.events(factsB.token)).toHaveLength(eventsBefore);
    // Whatever A's key sent is A's own data: B's call does not show up in B's journal, and the real
    // CDR for B is still taken when B's key sends it.
    const real = cdr(factsB, 'ANSWERED', factsB.startMs + 2000, factsB.startMs + 12_000);
    expect((await send(orgB, '/api/webhooks/cloudonix/cdr', real)).status).toBe(204);
    expect(await orgB.log(factsB.token)).toMatchObject({ status: 'completed', duration: 10 });
  });

  it("org B's call logs never list a call reported with org A's key", async () => {
    const token = newToken();
    const facts = sessionFacts(orgA, token, randomE164(), didB.number);
    expect((await send(orgA, '/api/webhooks/cloudonix/cdr', cdr(facts, 'ANSWERED', facts.startMs + 1000, facts.startMs + 4000))).status).toBe(204);
    const listB = await orgB.owner.get('/call-logs?per_page=100');
    expect(listB.body.data.map((r: any) => r.call_id)).not.toContain(token);
    const rows = await server.ctx.db.selectFrom('call_logs').select('organization_id').where('call_id', '=', token).execute();
    expect(rows).toEqual([{ organization_id: orgA.organizationId }]);
  });
});
