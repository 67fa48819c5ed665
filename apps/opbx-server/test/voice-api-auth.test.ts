import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomE164 } from './support/api.js';
import { createFlowsOrg, dialed, expectClean, expectFinal, type FlowsOrg, type FlowsServer, spoken, startFlowsServer } from './support/flows-harness.js';
import { attributes, newToken, routeParams, send, type WireReply } from './support/flows-wire.js';

/**
 * The voice endpoints Cloudonix calls: authentication answers in CXML, the accepted encodings,
 * and the signed callback state (forged, altered or foreign state is refused).
 */
let server: FlowsServer;
let orgA: FlowsOrg;
let orgB: FlowsOrg;
let didA: { id: string; number: string };
let didB: { id: string; number: string };
let mailboxA: string;
let vmDidA: { id: string; number: string };

beforeAll(async () => {
  server = await startFlowsServer();
  orgA = await createFlowsOrg(server, 'Voice A');
  orgB = await createFlowsOrg(server, 'Voice B');
  didA = await orgA.did('extension', { extension_id: await orgA.extension('901') });
  didB = await orgB.did('extension', { extension_id: await orgB.extension('901') });
  mailboxA = await orgA.extension('902', { voicemail: true });
  vmDidA = await orgA.did('voicemail', { extension_id: mailboxA });
});
afterAll(() => server?.close());

/** A polite CXML goodbye: `<Say>` then `<Hangup/>`, as XML. */
function expectGoodbye(res: WireReply, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.type).toMatch(/xml/);
  expect(res.text).toMatch(/^<\?xml[^>]*>\s*<Response><Say>[^<]+<\/Say><Hangup\/><\/Response>\s*$/);
}

const VOICE_PATHS = ['/api/voice/route', '/api/voice/callback', '/api/voice/voicemail', '/api/voice/recording'];

/** Routes a call on `org` and returns its Dial action URL (with the signed state). */
async function dialAction(org: FlowsOrg, did: { number: string }, token = newToken(), from = randomE164()) {
  const res = await send(org, '/api/voice/route', routeParams(org, token, from, did.number));
  expect(res.status).toBe(200);
  await server.app.voice.journal.flush();
  return { token, from, url: attributes(res.text, 'Dial')[0]!.action! };
}

const stateOf = (url: string) => new URL(url).searchParams.get('s')!;
const withState = (url: string, s: string) => {
  const u = new URL(url);
  u.searchParams.set('s', s);
  return u.toString();
};
const decode = (s: string) => JSON.parse(Buffer.from(s.slice(0, s.lastIndexOf('.')), 'base64url').toString('utf8'));
const encode = (value: unknown, mac: string) => `${Buffer.from(JSON.stringify(value)).toString('base64url')}.${mac}`;

describe('authentication', () => {
  it.each(VOICE_PATHS)('%s without a valid key: 401 with a CXML goodbye', async (path) => {
    const params = routeParams(orgA, newToken(), randomE164(), didA.number);
    expectGoodbye(await send(orgA, path, params, { key: null }), 401);
    expectGoodbye(await send(orgA, path, params, { key: 'rk-wrong-key-0123456789abcdef' }), 401);
    expectGoodbye(await send(orgA, path, params, { key: null, method: 'GET' }), 401);
  });

  it('nothing is stored for an unauthenticated call', async () => {
    const token = newToken();
    await send(orgA, '/api/voice/route', routeParams(orgA, token, randomE164(), didA.number), { key: null });
    await server.app.voice.journal.flush();
    const rows = await server.ctx.db.selectFrom('call_events').select('id').where('call_id', '=', token).execute();
    expect(rows).toEqual([]);
  });

  it('X-Cx-Apikey is accepted in place of the Bearer token', async () => {
    const res = await send(orgA, '/api/voice/route', routeParams(orgA, newToken(), randomE164(), didA.number), { header: 'x-cx-apikey' });
    expect(res.status).toBe(200);
    expect(attributes(res.text, 'Dial')).toHaveLength(1);
  });

  it('a request without CallSid, From or To: 400 with a CXML goodbye, never a 500', async () => {
    for (const drop of ['CallSid', 'From', 'To']) {
      const params: Record<string, unknown> = routeParams(orgA, newToken(), randomE164(), didA.number);
      delete params[drop];
      if (drop === 'CallSid') {
        delete params.Session;
        delete params.SessionData;
      }
      expectGoodbye(await send(orgA, '/api/voice/route', params), 400);
    }
  });

  it('malformed, oversized or oddly typed bodies: a CXML goodbye (400, 413, 415), never JSON, nothing stored', async () => {
    const post = async (body: string, contentType: string) => {
      const res = await fetch(`${server.base}/api/voice/route`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${orgA.requestsKey}`, 'content-type': contentType },
      });
      return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), requestId: res.headers.get('x-request-id') };
    };
    const sid = newToken();
    const cases = [
      { body: `{"CallSid": "${sid}", "From": `, type: 'application/json', status: 400 },
      { body: JSON.stringify({ CallSid: sid, From: randomE164(), To: didA.number, Pad: 'x'.repeat(1024 * 1024) }), type: 'application/json', status: 413 },
      { body: `<Call sid="${sid}"/>`, type: 'text/xml', status: 415 },
    ];
    for (const c of cases) {
      const res = await post(c.body, c.type);
      expectGoodbye(res, c.status);
      expect(res.requestId).toMatch(/^req_/);
    }
    await server.app.voice.journal.flush();
    expect(await server.ctx.db.selectFrom('call_events').select('id').where('call_id', '=', sid).execute()).toEqual([]);
  });
});

describe('encodings', () => {
  it('a GET voice application (query string, SessionData as JSON text) runs a whole call', async () => {
    const t = await orgA.call({ to: didA.number, routeMethod: 'GET', scenario: { targets: { '901': { outcome: 'answer', after: 2, talk: 19 } } } });
    expectClean(t);
    expect(t.exchanges[0]!.method).toBe('GET');
    expect(dialed(t)).toEqual([['901']]);
    expectFinal(await orgA.log(t.callSid), t, 'completed');
  });

  it('form-encoded voicemail: the Record action stores the message', async () => {
    const t = await orgA.call({ to: vmDidA.number, bodyEncoding: 'form', scenario: { recordings: [7] } });
    expectClean(t);
    const log = await orgA.log(t.callSid);
    expect(log.recording_url).toMatch(/^https:\/\//);
    const box = await orgA.owner.get(`/extensions/${mailboxA}/voicemails`);
    expect(box.body.data.map((v: any) => v.call_id)).toContain(t.callSid);
  });
});

describe('signed callback state', () => {
  it('the genuine Dial action URL works', async () => {
    const { token, from, url } = await dialAction(orgA, didA);
    expect(url.startsWith(`${server.base}/api/voice/callback?s=`)).toBe(true);
    const res = await send(orgA, url, { ...routeParams(orgA, token, from, didA.number), DialCallStatus: 'busy' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Hangup/>');
  });

  it('forged, altered or missing state is refused (400, CXML goodbye) and nothing is recorded', async () => {
    const { token, from, url } = await dialAction(orgA, didA);
    const s = stateOf(url);
    const mac = s.slice(s.lastIndexOf('.') + 1);
    const state = decode(s);
    expect(state).toMatchObject({ o: orgA.organizationId, c: token, t: 'dial' });
    const forgeries = {
      'no state': url.replace(/\?.*$/, ''),
      'empty state': withState(url, ''),
      'altered payload, same mac': withState(url, encode({ ...state, n: { k: 'end' } }, mac)),
      'other call, same mac': withState(url, encode({ ...state, c: newToken() }, mac)),
      'altered mac': withState(url, `${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`),
      'no mac': withState(url, s.slice(0, s.lastIndexOf('.'))),
      garbage: withState(url, 'not-a-state.at-all'),
    };
    const params = { ...routeParams(orgA, token, from, didA.number), DialCallStatus: 'no-answer' };
    for (const [name, forged] of Object.entries(forgeries)) {
      const res = await send(orgA, forged, params);
      expect(res.status, name).toBe(400);
      expectGoodbye(res, 400);
    }
    await server.app.voice.journal.flush();
    expect((await orgA.events(token)).map((e) => e.kind)).toEqual(['route']);
  });

  it('the state of one call cannot continue another call (CallSid mismatch)', async () => {
    const first = await dialAction(orgA, didA);
    const second = await dialAction(orgA, didA);
    const res = await send(orgA, first.url, { ...routeParams(orgA, second.token, second.from, didA.number), DialCallStatus: 'no-answer' });
    expectGoodbye(res, 400);
  });

  it('a state of one kind is refused at another endpoint (a Dial state on the voicemail path)', async () => {
    const { token, from, url } = await dialAction(orgA, didA);
    const asVoicemail = url.replace('/api/voice/callback', '/api/voice/voicemail');
    const res = await send(orgA, asVoicemail, {
      ...routeParams(orgA, token, from, didA.number),
      RecordingUrl: 'https://rec.example.test/x.wav',
      RecordingDuration: '4',
    });
    expectGoodbye(res, 400);
    const asRecording = url.replace('/api/voice/callback', '/api/voice/recording');
    expectGoodbye(await send(orgA, asRecording, { CallSid: token, RecordingUrl: 'https://rec.example.test/x.wav' }), 400);
    expect((await orgA.log(token)).recording_url).toBeNull();
  });

  it("org A's key cannot use org B's callback; org B's state is refused under org A's key", async () => {
    const b = await dialAction(orgB, didB);
    const beforeB = await orgB.events(b.token);
    const res = await send(orgB, b.url, { ...routeParams(orgB, b.token, b.from, didB.number), DialCallStatus: 'no-answer' }, { key: orgA.requestsKey });
    expectGoodbye(res, 400);
    await server.app.voice.journal.flush();
    expect(await orgB.events(b.token)).toHaveLength(beforeB.length);
    expect((await orgB.log(b.token)).status).toBe('ringing');
    // And B's own key still works with it.
    const ok = await send(orgB, b.url, { ...routeParams(orgB, b.token, b.from, didB.number), DialCallStatus: 'completed' });
    expect(ok.status).toBe(200);
  });

  it('a voicemail state cannot be re-pointed at another mailbox', async () => {
    const route = await send(orgA, '/api/voice/route', routeParams(orgA, newToken(), randomE164(), vmDidA.number));
    const action = attributes(route.text, 'Record')[0]!.action!;
    const s = stateOf(action);
    const state = decode(s);
    expect(state).toMatchObject({ t: 'vm', m: mailboxA });
    const other = await orgA.extension('903', { voicemail: true });
    const forged = withState(action, encode({ ...state, m: other }, s.slice(s.lastIndexOf('.') + 1)));
    const res = await send(orgA, forged, {
      CallSid: state.c,
      From: '+15550001111',
      To: vmDidA.number,
      RecordingUrl: 'https://rec.example.test/vm.wav',
      RecordingDuration: '9',
    });
    expectGoodbye(res, 400);
    expect((await orgA.owner.get(`/extensions/${other}/voicemails`)).body.data).toEqual([]);
  });

  it('callback URLs are built on the organization webhook_base_url', async () => {
    const t = await orgA.call({ to: didA.number, scenario: { targets: { '901': { outcome: 'no-answer' } } } });
    expectClean(t);
    expect(t.exchanges[1]!.url.startsWith(`${server.base}/api/voice/callback?s=`)).toBe(true);
    expect(spoken(t)).toHaveLength(1);
  });
});
