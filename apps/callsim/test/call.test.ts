import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { simulateCall, type SimulateCallOptions } from '../src/index.js';
import { CDR_PATH, cxml, type CxmlApp, ROUTE_PATH, SESSION_UPDATE_PATH, startCxmlApp } from './support/cxml-app.js';

const KEY = 'XIrequests-key-0123456789abcdefghij';
const DOMAIN = 'acme.cloudonix.net';
const START = Date.UTC(2025, 0, 15, 12, 0, 0);
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let app: CxmlApp;
beforeEach(async () => {
  app = await startCxmlApp();
});
afterEach(async () => {
  await app.close();
});

function call(options: Partial<SimulateCallOptions> = {}) {
  return simulateCall({
    baseUrl: app.baseUrl,
    requestsKey: KEY,
    domain: DOMAIN,
    from: '+15550001111',
    to: '+15557770000',
    startTime: START,
    ...options,
  });
}

const updates = () => app.to(SESSION_UPDATE_PATH).map((r) => r.body);
const cdrs = () => app.to(CDR_PATH).map((r) => r.body);
const voiceRequests = () => app.requests.filter((r) => r.path !== SESSION_UPDATE_PATH && r.path !== CDR_PATH);

describe('an inbound call answered by a dialled extension', () => {
  beforeEach(() => {
    app.on(ROUTE_PATH, cxml('<Dial action="/api/voice/dial-done?ring_group=7" timeout="30" callerId="+15557770000"><Number>101</Number></Dial>'));
    app.on('/api/voice/dial-done', cxml('<Hangup/>'));
  });

  test('sends the voice request the way Cloudonix does', async () => {
    const t = await call({ scenario: { targets: { '101': { outcome: 'answer', after: 4, talk: 25 } } } });
    const route = app.to(ROUTE_PATH)[0]!;
    expect(route.method).toBe('POST');
    expect(route.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(route.headers['content-type']).toBe('application/json');
    expect(route.body).toMatchObject({
      ApiVersion: '1',
      AccountSid: DOMAIN,
      Domain: DOMAIN,
      CallSid: t.callSid,
      Session: t.callSid,
      From: '+15550001111',
      To: '+15557770000',
      CallerName: '+15550001111',
      Direction: 'inbound',
      CallStatus: 'in-progress',
    });
    expect(t.callSid).toMatch(/^[0-9a-f]{32}$/);
    expect(route.body.SessionData).toMatchObject({
      id: t.sessionId,
      destination: '+15557770000',
      callerId: '+15550001111',
      token: t.callSid,
      callStartTime: START,
      status: 'processing',
      ringing: false,
      domainNameOrId: DOMAIN,
      profile: { callId: [t.sipCallId], 'inbound-trunk-name': 'callsim-trunk' },
    });
    expect(route.body.SessionData.domainId).toEqual(expect.any(Number));
    expect(route.body.SessionData).not.toHaveProperty('callAnswerTime');
    // Every scalar is a string, as in Cloudonix's samples.
    for (const [key, value] of Object.entries(route.body)) if (key !== 'SessionData') expect(typeof value).toBe('string');
  });

  test('calls the Dial action with the outcome and runs the CXML it returns', async () => {
    const started = performance.now();
    const t = await call({ scenario: { targets: { '101': { outcome: 'answer', after: 4, talk: 25 } } } });
    // Virtual time: in real time this call would take 29 s (the margin is for a loaded CI machine).
    expect(performance.now() - started).toBeLessThan(10_000);

    const action = app.to('/api/voice/dial-done')[0]!;
    expect(action.method).toBe('POST');
    expect(action.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(action.query).toEqual({ ring_group: '7' });
    expect(action.body).toMatchObject({ DialCallStatus: 'completed', CallStatus: 'completed', CallSid: t.callSid, Direction: 'inbound' });
    expect(action.body.SessionData).toMatchObject({ status: 'connected', callAnswerTime: START + 4000 });

    expect(t.exchanges.map((x) => [x.kind, x.cause, x.status, x.executed])).toEqual([
      ['route', 'voice application', 200, true],
      ['action', 'Dial action', 200, true],
    ]);
    expect(t.verbs.map((v) => [v.document, v.verb, v.at])).toEqual([
      [1, 'Dial', 0],
      [2, 'Hangup', 29],
    ]);
    expect(t.dials[0]).toMatchObject({ status: 'completed', sentStatus: 'completed', ringSeconds: 4, talkSeconds: 25, timeout: 30, callerId: '+15557770000' });
    expect(t.dials[0]?.answeredBy?.value).toBe('101');
    expect(t.outcome).toEqual({
      status: 'completed',
      disposition: 'ANSWERED',
      answered: true,
      answeredBy: '101',
      hungUpBy: 'application',
      reason: 'Hangup',
      startTime: new Date(START).toISOString(),
      answerTime: new Date(START + 4000).toISOString(),
      endTime: new Date(START + 29000).toISOString(),
      duration: 29,
      billsec: 25,
      documents: 2,
    });
    expect(t.errors).toEqual([]);
    expect(t.warnings).toEqual([]);
  });

  test('sends session updates with a stable session and increasing event ids', async () => {
    const t = await call({ scenario: { targets: { '101': { outcome: 'answer', after: 4, talk: 25 } } } });
    const events = updates();
    expect(events.map((e) => e.status)).toEqual(['processing', 'ringing', 'connected', 'completed']);
    expect(events.map((e) => e.action)).toEqual(['created', 'updated', 'updated', 'updated']);
    expect(events.map((e) => e.reason)).toEqual(['vapp', 'vapp', 'vapp', 'hangup']);
    expect(events.map((e) => e.modifiedAt)).toEqual([0, 0, 4000, 29000].map((ms) => new Date(START + ms).toISOString()));
    expect(events.map((e) => e.ringing)).toEqual([false, true, false, false]);
    expect(events.map((e) => e.callAnswerTime)).toEqual([null, null, START + 4000, START + 4000]);
    expect(events.map((e) => e.callEndTime)).toEqual([null, null, null, START + 29000]);
    const ids = events.map((e) => e.eventId as string);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(4);
    expect([...ids].sort()).toEqual(ids);
    for (const e of events) {
      expect(e).toMatchObject({
        id: t.sessionId,
        token: t.callSid,
        domain: DOMAIN,
        destination: '+15557770000',
        callerId: '+15550001111',
        direction: 'incoming',
        subscriberId: null,
        createdAt: new Date(START).toISOString(),
        callStartTime: START,
        startTime: new Date(START).toISOString(),
        timeLimit: null,
        vappServer: 'callsim',
      });
      expect(e.profile.callId).toEqual([t.sipCallId]);
    }
    expect(app.to(SESSION_UPDATE_PATH).every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(t.webhooks.filter((w) => w.kind === 'session-update').map((w) => [w.sessionStatus, w.status, w.copy])).toEqual([
      ['processing', 201, 1],
      ['ringing', 201, 1],
      ['connected', 201, 1],
      ['completed', 201, 1],
    ]);
  });

  test('ends with one CDR in Cloudonix shape, after the last session update', async () => {
    const t = await call({ scenario: { targets: { '101': { outcome: 'answer', after: 4, talk: 25 } } } });
    expect(cdrs()).toHaveLength(1);
    const cdr = cdrs()[0]!;
    expect(cdr).toEqual({
      timestamp: Math.floor((START + 29000) / 1000),
      domain: DOMAIN,
      subscriber: null,
      from: '+15550001111',
      to: '+15557770000',
      cx_trunk_id: expect.any(Number),
      application: 'opbx',
      route: null,
      duration: 29,
      billsec: 25,
      disposition: 'ANSWERED',
      rated_cost: null,
      approx_cost: null,
      sell_cost: null,
      vapp_server: 'callsim',
      call_id: t.sipCallId,
      session: {
        id: t.sessionId,
        token: t.callSid,
        domainId: expect.any(Number),
        callerId: '+15550001111',
        destination: '+15557770000',
        direction: 'incoming',
        status: 'completed',
        callStartTime: START,
        callAnswerTime: START + 4000,
        callEndTime: START + 29000,
        timeLimit: null,
        profile: expect.objectContaining({ callId: [t.sipCallId] }),
      },
    });
    expect(app.to(CDR_PATH)[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(app.requests.at(-1)?.path).toBe(CDR_PATH);
    expect(t.webhooks.at(-1)).toMatchObject({ kind: 'cdr', status: 201, ok: true });
  });

  test('the transcript is plain JSON', async () => {
    const t = await call();
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });
});

describe('Dial outcomes', () => {
  test('busy: the action gets busy, and a call that ends there is BUSY', async () => {
    app.on(ROUTE_PATH, cxml('<Dial action="/dial-done"><Number>101</Number></Dial>'));
    app.on('/dial-done', cxml(''));
    const t = await call({ scenario: { targets: { '101': { outcome: 'busy', after: 2 } } } });
    expect(app.to('/dial-done')[0]!.body).toMatchObject({ DialCallStatus: 'busy', CallStatus: 'busy' });
    expect(t.outcome).toMatchObject({ status: 'busy', disposition: 'BUSY', answered: false, duration: 2, billsec: 0, reason: 'no more verbs' });
    expect(updates().map((e) => e.status)).toEqual(['processing', 'ringing', 'processing', 'busy']);
    expect(cdrs()[0]).toMatchObject({ disposition: 'BUSY', duration: 2, billsec: 0, session: { callAnswerTime: 0, status: 'busy' } });
  });

  test.each([
    ['documented', 'no-answer'],
    ['compact', 'noanswer'],
    ['snake', 'no_answer'],
    ['upper', 'NO-ANSWER'],
  ] as const)('no answer (%s spelling) rings for the Dial timeout', async (spelling, sent) => {
    app.on(ROUTE_PATH, cxml('<Dial action="/dial-done" timeout="20"><Number>101</Number></Dial>'));
    app.on('/dial-done', cxml(''));
    const t = await call({ scenario: { targets: { '101': { outcome: 'no-answer' } } }, dialStatus: { spelling } });
    expect(app.to('/dial-done')[0]!.body).toMatchObject({ DialCallStatus: sent, CallStatus: sent });
    expect(t.dials[0]).toMatchObject({ status: 'no-answer', sentStatus: sent });
    expect(t.outcome).toMatchObject({ status: 'no-answer', disposition: 'NOANSWER', duration: 20 });
    expect(updates().at(-1)?.status).toBe('noanswer');
  });

  test('the outcome can be sent in DialCallStatus only or CallStatus only', async () => {
    app.on(ROUTE_PATH, cxml('<Dial action="/a"><Number>101</Number></Dial>'));
    app.on('/a', cxml('<Dial action="/b"><Number>102</Number></Dial>'));
    app.on('/b', cxml(''));
    await call({ scenario: { defaultTarget: { outcome: 'busy' } }, dialStatus: { field: 'DialCallStatus' } });
    expect(app.to('/a')[0]!.body).toMatchObject({ DialCallStatus: 'busy', CallStatus: 'in-progress' });
    await call({ scenario: { defaultTarget: { outcome: 'busy' } }, dialStatus: { field: 'CallStatus' } });
    expect(app.to('/a')[1]!.body.CallStatus).toBe('busy');
    expect(app.to('/a')[1]!.body).not.toHaveProperty('DialCallStatus');
  });

  test('a bridged call can report answered instead of completed', async () => {
    app.on(ROUTE_PATH, cxml('<Dial action="/a"><Number>101</Number></Dial>'));
    app.on('/a', cxml(''));
    await call({ dialStatus: { answeredAs: 'answered' } });
    expect(app.to('/a')[0]!.body.DialCallStatus).toBe('answered');
  });

  test('failed: an unreachable target', async () => {
    app.on(ROUTE_PATH, cxml('<Dial action="/a"><Number>101</Number></Dial>'));
    app.on('/a', cxml(''));
    const t = await call({ scenario: { defaultTarget: { outcome: 'failed' } } });
    expect(app.to('/a')[0]!.body.DialCallStatus).toBe('failed');
    expect(t.outcome).toMatchObject({ status: 'failed', disposition: 'FAILED', duration: 0 });
    expect(updates().at(-1)?.status).toBe('error');
  });

  test('a Dial without timeout rings for the domain call-timeout (60 s, or the scenario value)', async () => {
    app.on(ROUTE_PATH, cxml('<Dial><Number>101</Number></Dial>'));
    expect((await call({ scenario: { defaultTarget: { outcome: 'no-answer' } } })).outcome.duration).toBe(60);
    expect((await call({ scenario: { defaultTarget: { outcome: 'no-answer' }, callTimeout: 25 } })).outcome.duration).toBe(25);
  });

  test('simultaneous ring: the first to answer wins', async () => {
    app.on(ROUTE_PATH, cxml('<Dial timeout="30" action="/a"><Number>101</Number><Number>102</Number><Number>103</Number></Dial>'));
    app.on('/a', cxml('<Hangup/>'));
    const t = await call({
      scenario: {
        targets: {
          '101': { outcome: 'busy', after: 1 },
          '102': { outcome: 'answer', after: 8, talk: 10 },
          '103': { outcome: 'answer', after: 3, talk: 12 },
        },
      },
    });
    expect(t.outcome).toMatchObject({ answeredBy: '103', duration: 15, billsec: 12 });
    expect(t.dials[0]?.legs.map((l) => [l.target.value, l.result])).toEqual([
      ['101', 'busy'],
      ['102', 'canceled'],
      ['103', 'answered'],
    ]);
  });

  test('without an action the next verb runs; Say after an unanswered Dial answers the call', async () => {
    app.on(ROUTE_PATH, cxml('<Dial timeout="10"><Number>101</Number></Dial><Say>Nobody is available</Say>'));
    const t = await call({ scenario: { defaultTarget: { outcome: 'no-answer' } } });
    expect(voiceRequests()).toHaveLength(1);
    expect(t.verbs.map((v) => v.verb)).toEqual(['Dial', 'Say']);
    expect(t.outcome).toMatchObject({ disposition: 'ANSWERED', answeredBy: 'application', duration: 12, billsec: 2, reason: 'no more verbs' });
  });

  test('without an action and nothing after it, the call ends with the Dial outcome', async () => {
    app.on(ROUTE_PATH, cxml('<Dial timeout="10"><Number>101</Number></Dial>'));
    const t = await call({ scenario: { defaultTarget: { outcome: 'no-answer' } } });
    expect(voiceRequests()).toHaveLength(1);
    expect(t.outcome).toMatchObject({ status: 'no-answer', disposition: 'NOANSWER', hungUpBy: 'application' });
  });

  test('a Dial with record set reports a RecordingUrl to its action when answered', async () => {
    app.on(ROUTE_PATH, cxml('<Dial record="record-from-answer" action="/a"><Number>101</Number></Dial>'));
    app.on('/a', cxml(''));
    await call();
    expect(app.to('/a')[0]!.body.RecordingUrl).toMatch(/^https:\/\/recordings\.callsim\.invalid\/.+\.wav$/);
  });

  test('timeLimit ends the bridge', async () => {
    app.on(ROUTE_PATH, cxml('<Dial timeLimit="20"><Number>101</Number></Dial>'));
    const t = await call({ scenario: { defaultTarget: { outcome: 'answer', after: 2, talk: 300 } } });
    expect(t.dials[0]).toMatchObject({ talkSeconds: 20, endedBy: 'time-limit' });
    expect(t.outcome.duration).toBe(22);
  });
});

describe('the caller hangs up', () => {
  beforeEach(() => {
    app.on(ROUTE_PATH, cxml('<Dial action="/a" timeout="30"><Number>101</Number></Dial>'));
    app.on('/a', cxml('<Say>never heard</Say>'));
  });

  test('while it rings: CANCEL, and the Dial action is not requested', async () => {
    const t = await call({ scenario: { hangupAfter: 7, defaultTarget: { outcome: 'answer', after: 10 } } });
    expect(app.to('/a')).toHaveLength(0);
    expect(t.dials[0]).toMatchObject({ status: 'canceled', ringSeconds: 7 });
    expect(t.outcome).toMatchObject({ status: 'canceled', disposition: 'CANCEL', answered: false, hungUpBy: 'caller', duration: 7, billsec: 0 });
    expect(updates().map((e) => e.status)).toEqual(['processing', 'ringing', 'cancel']);
    expect(cdrs()[0]).toMatchObject({ disposition: 'CANCEL', duration: 7, billsec: 0 });
  });

  test('optionally the action is still requested with canceled, and its answer ignored', async () => {
    const t = await call({ actionAfterCallerHangup: true, scenario: { hangupAfter: 7, defaultTarget: { outcome: 'no-answer' } } });
    expect(app.to('/a')[0]!.body.DialCallStatus).toBe('canceled');
    expect(t.exchanges.at(-1)).toMatchObject({ kind: 'action', executed: false });
    expect(t.verbs.map((v) => v.verb)).toEqual(['Dial']);
  });

  test('during the conversation: ANSWERED with the talk time billed', async () => {
    const t = await call({ scenario: { hangupAfter: 45, defaultTarget: { outcome: 'answer', after: 5, talk: 100 } } });
    expect(app.to('/a')).toHaveLength(0);
    expect(t.dials[0]).toMatchObject({ status: 'completed', endedBy: 'caller', talkSeconds: 40 });
    expect(t.outcome).toMatchObject({ disposition: 'ANSWERED', hungUpBy: 'caller', reason: 'caller hung up during the call', duration: 45, billsec: 40 });
  });

  test('during a prompt, before anything answered', async () => {
    app.on(ROUTE_PATH, cxml('<Pause length="10"/><Say>hello</Say>'));
    const t = await call({ scenario: { hangupAfter: 4 } });
    expect(t.verbs.map((v) => [v.verb, v.outcome, v.seconds])).toEqual([['Pause', 'caller hung up', 4]]);
    expect(t.outcome).toMatchObject({ disposition: 'CANCEL', duration: 4 });
  });
});

describe('directions', () => {
  test('an extension calling an extension is a subscriber call, internal in session updates', async () => {
    app.on(ROUTE_PATH, cxml('<Dial><Number>102</Number></Dial>'));
    const t = await call({ direction: 'subscriber', from: '101', to: '102' });
    const route = app.to(ROUTE_PATH)[0]!.body;
    expect(route).toMatchObject({ Direction: 'subscriber', From: '101', To: '102' });
    expect(route.SessionData.outgoingSubscriberId).toEqual(expect.any(Number));
    expect(route.SessionData.profile).not.toHaveProperty('inbound-trunk-id');
    expect(route.SessionData.profile).toHaveProperty('subscriber-sip-headers');
    expect(updates()[0]).toMatchObject({ direction: 'internal', subscriberId: route.SessionData.outgoingSubscriberId });
    expect(cdrs()[0]).toMatchObject({ subscriber: '101', from: '101', to: '102', cx_trunk_id: null });
    expect(t.direction).toBe('subscriber');
  });

  test('an extension calling an E.164 number is an outgoing subscriber call', async () => {
    app.on(ROUTE_PATH, cxml('<Dial trunks="outbound-trunk" callerId="+15557770000"><Number>+442071234567</Number></Dial>'));
    const t = await call({ direction: 'subscriber', from: '101', to: '+442071234567' });
    expect(app.to(ROUTE_PATH)[0]!.body.Direction).toBe('subscriber');
    expect(updates()[0]!.direction).toBe('outgoing');
    expect(t.dials[0]?.targets[0]?.value).toBe('+442071234567');
  });

  test('an API-originated call is answered before the application runs', async () => {
    app.on(ROUTE_PATH, cxml('<Say>Your appointment is tomorrow at nine</Say>'));
    const t = await call({ direction: 'outbound-api', from: '+15557770000', to: '+15550001111' });
    const route = app.to(ROUTE_PATH)[0]!.body;
    expect(route.Direction).toBe('outbound-api');
    expect(route.SessionData).toMatchObject({ status: 'connected', callAnswerTime: START });
    expect(updates().map((e) => e.status)).toEqual(['processing', 'connected', 'completed']);
    expect(updates()[0]!.direction).toBe('application');
    expect(t.outcome).toMatchObject({ answeredBy: '+15550001111', disposition: 'ANSWERED', billsec: t.outcome.duration });
  });

  test('numbers can be reported without the +, everywhere', async () => {
    app.on(ROUTE_PATH, cxml('<Hangup/>'));
    const t = await call({ numberFormat: 'strip-plus' });
    expect(app.to(ROUTE_PATH)[0]!.body).toMatchObject({ From: '15550001111', To: '15557770000', CallerName: '15550001111' });
    expect(updates()[0]).toMatchObject({ callerId: '15550001111', destination: '15557770000' });
    expect(cdrs()[0]).toMatchObject({ from: '15550001111', to: '15557770000' });
    expect(t.from).toBe('15550001111');
  });
});

describe('Gather', () => {
  test('digits go to the action; the finish key is dropped', async () => {
    app.on(ROUTE_PATH, cxml('<Gather action="/menu?id=3" finishOnKey="#" timeout="5"><Say>Enter your PIN</Say></Gather>'));
    app.on('/menu', cxml('<Hangup/>'));
    const t = await call({ scenario: { digits: ['1234#9'] } });
    expect(app.to('/menu')[0]!.body).toMatchObject({ Digits: '1234', CallStatus: 'in-progress' });
    expect(app.to('/menu')[0]!.query).toEqual({ id: '3' });
    expect(t.verbs[0]).toMatchObject({ verb: 'Gather', outcome: 'got digits 1234', seconds: 3 });
    expect(t.outcome).toMatchObject({ answeredBy: 'application', duration: 3 });
  });

  test('numDigits stops collection', async () => {
    app.on(ROUTE_PATH, cxml('<Gather action="/menu" numDigits="1"/>'));
    app.on('/menu', cxml(''));
    await call({ scenario: { digits: ['27'] } });
    expect(app.to('/menu')[0]!.body.Digits).toBe('2');
  });

  test('without an action, the current document is requested again', async () => {
    app.on(ROUTE_PATH, (_req, count) => (count === 1 ? cxml('<Gather numDigits="1"><Say>Press 1</Say></Gather>') : cxml('<Hangup/>')));
    await call({ scenario: { digits: ['1'] } });
    expect(app.to(ROUTE_PATH).map((r) => r.body.Digits)).toEqual([undefined, '1']);
  });

  test('no input: the action is not requested and the next verb runs after the timeout', async () => {
    app.on(ROUTE_PATH, cxml('<Gather action="/menu" timeout="7"><Say>Press 1</Say></Gather><Say>Goodbye</Say>'));
    const t = await call({ scenario: { digits: [null] } });
    expect(app.to('/menu')).toHaveLength(0);
    expect(t.verbs.map((v) => [v.verb, v.outcome])).toEqual([
      ['Gather', 'no input; next verb'],
      ['Say', 'played 1s'],
    ]);
    expect(t.outcome.duration).toBe(9);
  });

  test('no input with actionOnEmptyResult requests the action with empty Digits', async () => {
    app.on(ROUTE_PATH, cxml('<Gather action="/menu" actionOnEmptyResult="true"/>'));
    app.on('/menu', cxml(''));
    await call();
    expect(app.to('/menu')[0]!.body.Digits).toBe('');
  });

  test('method GET sends the parameters in the query string', async () => {
    app.on(ROUTE_PATH, cxml('<Gather action="/menu?id=3" method="GET" numDigits="1"/>'));
    app.on('/menu', cxml(''));
    const t = await call({ scenario: { digits: ['5'] } });
    const request = app.to('/menu')[0]!;
    expect(request.method).toBe('GET');
    expect(request.query).toMatchObject({ id: '3', Digits: '5', CallSid: t.callSid, From: '+15550001111', Direction: 'inbound' });
    expect(JSON.parse(request.query.SessionData!)).toMatchObject({ token: t.callSid, status: 'connected' });
  });

  test('speech input is reported as SpeechResult', async () => {
    app.on(ROUTE_PATH, cxml('<Gather input="speech" action="/heard"/>'));
    app.on('/heard', cxml(''));
    await call({ scenario: { digits: [{ speech: 'sales please', digits: '9' }] } });
    expect(app.to('/heard')[0]!.body).toMatchObject({ SpeechResult: 'sales please', Digits: '' });
  });

  test('each Gather takes the next scripted input', async () => {
    app.on(ROUTE_PATH, cxml('<Gather action="/one" numDigits="1"/>'));
    app.on('/one', cxml('<Gather action="/two"/>'));
    app.on('/two', cxml(''));
    await call({ scenario: { digits: ['1', { digits: '42', after: 3 }] } });
    expect(app.to('/one')[0]!.body.Digits).toBe('1');
    expect(app.to('/two')[0]!.body.Digits).toBe('42');
  });
});

describe('Record', () => {
  test('the action gets the recording; the status callback too, and its answer is ignored', async () => {
    app.on(ROUTE_PATH, cxml('<Record action="/vm/saved?box=9" timeout="5" recordingStatusCallback="/vm/status"><Say>Leave a message</Say></Record>'));
    app.on('/vm/status', cxml('<Say>ignored</Say>'));
    app.on('/vm/saved', cxml('<Say>Thanks</Say><Hangup/>'));
    const t = await call({ scenario: { recordings: [12] } });
    const saved = app.to('/vm/saved')[0]!;
    expect(saved.query).toEqual({ box: '9' });
    expect(saved.body).toMatchObject({ RecordingDuration: '12', CallSid: t.callSid });
    expect(saved.body.RecordingUrl).toBe(`https://recordings.callsim.invalid/${DOMAIN}/${t.callSid}/1.wav`);
    expect(app.to('/vm/status')[0]!.body).toMatchObject({ RecordingStatus: 'completed', RecordingUrl: saved.body.RecordingUrl, RecordingDuration: '12' });
    expect(t.exchanges.map((x) => [x.kind, x.executed])).toEqual([
      ['route', true],
      ['callback', false],
      ['action', true],
    ]);
    // prompt 2 s (3 words at 2.5 words/s, rounded up) + 12 s of speech + 5 s of silence, then Thanks (1 s)
    expect(t.verbs.map((v) => [v.verb, v.at])).toEqual([
      ['Record', 0],
      ['Say', 19],
      ['Hangup', 20],
    ]);
  });

  test('a finish key ends the recording at once and is reported', async () => {
    app.on(ROUTE_PATH, cxml('<Record action="/done" finishOnKey="#"/>'));
    app.on('/done', cxml(''));
    const t = await call({ scenario: { recordings: [{ seconds: 8, finishKey: '#' }] } });
    expect(app.to('/done')[0]!.body).toMatchObject({ RecordingDuration: '8', Digits: '#' });
    expect(t.outcome.duration).toBe(8);
  });

  test('maxLength caps the recording', async () => {
    app.on(ROUTE_PATH, cxml('<Record action="/done" maxLength="30"/>'));
    app.on('/done', cxml(''));
    const t = await call({ scenario: { recordings: [100] } });
    expect(app.to('/done')[0]!.body.RecordingDuration).toBe('30');
    expect(t.outcome.duration).toBe(30);
  });

  test('an empty recording skips the action; an absent status callback only when asked', async () => {
    app.on(ROUTE_PATH, cxml('<Record action="/done" recordingStatusCallback="/st" recordingStatusCallbackEvent="completed absent"/><Say>No message</Say>'));
    const t = await call({ scenario: { recordings: [0] } });
    expect(app.to('/done')).toHaveLength(0);
    expect(app.to('/st')[0]!.body.RecordingStatus).toBe('absent');
    expect(t.verbs.map((v) => v.outcome)).toEqual(['empty recording; next verb', 'played 1s']);
  });

  test('a caller who hangs up while recording still has the message delivered', async () => {
    app.on(ROUTE_PATH, cxml('<Record action="/done" recordingStatusCallback="/st"/>'));
    app.on('/done', cxml('<Say>too late</Say>'));
    app.on('/st', '');
    const t = await call({ scenario: { recordings: [30], hangupAfter: 10 } });
    expect(app.to('/done')[0]!.body.RecordingDuration).toBe('10');
    expect(app.to('/st')[0]!.body.RecordingStatus).toBe('completed');
    expect(t.exchanges.at(-1)).toMatchObject({ cause: 'Record action (caller hung up)', executed: false });
    expect(t.verbs.map((v) => v.verb)).toEqual(['Record']);
    expect(t.outcome).toMatchObject({ disposition: 'ANSWERED', hungUpBy: 'caller', reason: 'caller hung up after recording', duration: 10 });
  });

  test('without an action, the current document is requested with the recording', async () => {
    app.on(ROUTE_PATH, (_req, count) => (count === 1 ? cxml('<Record/>') : cxml('<Hangup/>')));
    await call({ scenario: { recordSeconds: 3 } });
    expect(app.to(ROUTE_PATH)[1]!.body.RecordingDuration).toBe('3');
  });
});

describe('Redirect, Say, Play, Pause, Hangup, Reject', () => {
  test('Redirect resolves relative URLs, uses its method and ignores the verbs after it', async () => {
    app.on(ROUTE_PATH, cxml('<Redirect method="GET">next?step=2</Redirect><Say>never</Say>'));
    app.on('/api/voice/next', cxml('<Hangup/>'));
    const t = await call();
    const next = app.to('/api/voice/next')[0]!;
    expect(next.method).toBe('GET');
    expect(next.query).toMatchObject({ step: '2', Direction: 'inbound' });
    expect(t.exchanges.map((x) => x.kind)).toEqual(['route', 'redirect']);
    expect(t.verbs.map((v) => v.verb)).toEqual(['Redirect', 'Hangup']);
  });

  test('simulated time: Pause waits unanswered, Say and Play answer and take their length', async () => {
    app.on(ROUTE_PATH, cxml('<Pause length="3"/><Say>one two three four five</Say><Play>https://cdn.example.com/a.wav</Play><Play digits="1w2"/><Hangup/>'));
    const t = await call();
    expect(t.verbs.map((v) => [v.verb, v.at, v.seconds])).toEqual([
      ['Pause', 0, 3],
      ['Say', 3, 2],
      ['Play', 5, 5],
      ['Play', 10, 1],
      ['Hangup', 11, 0],
    ]);
    expect(t.outcome).toMatchObject({ answerTime: new Date(START + 3000).toISOString(), duration: 11, billsec: 8 });
  });

  test('Say loop repeats; Pause answer="true" answers', async () => {
    app.on(ROUTE_PATH, cxml('<Pause length="2" answer="true"/><Say loop="3">hello</Say>'));
    const t = await call();
    expect(t.outcome).toMatchObject({ duration: 5, billsec: 5 });
  });

  test('Say and Play status callbacks are requested after playback and their answer ignored', async () => {
    app.on(ROUTE_PATH, cxml('<Say statusCallback="/said">hi</Say><Play statusCallback="/played" statusCallbackMethod="GET">https://x/a.wav</Play>'));
    app.on('/said', cxml('<Hangup/>'));
    app.on('/played', '');
    const t = await call();
    expect(app.to('/said')[0]!.method).toBe('POST');
    expect(app.to('/played')[0]!.method).toBe('GET');
    expect(t.exchanges.filter((x) => x.kind === 'callback').map((x) => x.executed)).toEqual([false, false]);
    expect(t.outcome.reason).toBe('no more verbs');
  });

  test('Play loop="0" lasts until the caller hangs up', async () => {
    app.on(ROUTE_PATH, cxml('<Play loop="0">https://x/moh.wav</Play>'));
    const t = await call({ scenario: { hangupAfter: 600 } });
    expect(t.outcome).toMatchObject({ hungUpBy: 'caller', duration: 600 });
  });

  test('an endless prompt with nobody hanging up trips the call-length guard', async () => {
    app.on(ROUTE_PATH, cxml('<Play loop="0">https://x/moh.wav</Play>'));
    const t = await call({ maxCallSeconds: 100 });
    expect(t.outcome).toMatchObject({ hungUpBy: 'guard', duration: 100 });
    expect(t.errors).toEqual(['call exceeded maxCallSeconds (100s)']);
  });

  test('Hangup is billable: an unanswered call is answered first', async () => {
    app.on(ROUTE_PATH, cxml('<Hangup/><Say>never</Say>'));
    const t = await call();
    expect(t.outcome).toMatchObject({ status: 'completed', disposition: 'ANSWERED', answered: true, duration: 0, billsec: 0, reason: 'Hangup' });
    expect(t.verbs).toHaveLength(1);
  });

  test.each([
    ['rejected', 'busy', 'BUSY', 'busy'],
    ['busy', 'busy', 'BUSY', 'busy'],
    ['congestion', 'failed', 'CONGESTION', 'error'],
    ['failed', 'failed', 'FAILED', 'error'],
  ])('Reject reason=%s refuses without answering', async (reason, status, disposition, sessionStatus) => {
    app.on(ROUTE_PATH, cxml(`<Say answer="false">We are closed</Say><Reject reason="${reason}"/>`));
    const t = await call();
    expect(t.outcome).toMatchObject({ status, disposition, answered: false, billsec: 0, duration: 2, reason: `Reject (${reason})` });
    expect(updates().at(-1)?.status).toBe(sessionStatus);
    expect(cdrs()[0]).toMatchObject({ disposition, billsec: 0 });
  });

  test('Reject without a reason is rejected (BUSY)', async () => {
    app.on(ROUTE_PATH, cxml('<Reject/>'));
    expect((await call()).outcome).toMatchObject({ disposition: 'BUSY', duration: 0 });
  });

  test('Reject after the call was answered just ends it', async () => {
    app.on(ROUTE_PATH, cxml('<Say>hello</Say><Reject/>'));
    expect((await call()).outcome).toMatchObject({ disposition: 'ANSWERED', billsec: 1 });
  });

  test('a verb callsim does not model is skipped with a warning', async () => {
    app.on(ROUTE_PATH, cxml('<Converse/><Hangup/>'));
    const t = await call();
    expect(t.verbs.map((v) => [v.verb, v.outcome])).toEqual([
      ['Unknown', 'skipped'],
      ['Hangup', 'hung up'],
    ]);
    expect(t.warnings).toEqual(['document 1: <Converse> is not simulated; skipped']);
  });
});

describe('guards and failures', () => {
  test('a redirect loop stops at 50 documents', async () => {
    app.on(ROUTE_PATH, cxml('<Redirect>/api/voice/route</Redirect>'));
    const t = await call();
    expect(app.to(ROUTE_PATH)).toHaveLength(50);
    expect(t.outcome).toMatchObject({ hungUpBy: 'guard', disposition: 'FAILED', documents: 50 });
    expect(t.errors[0]).toMatch(/^loop guard: more than 50 CXML documents/);
    expect(cdrs()[0]!.disposition).toBe('FAILED');
  });

  test('the loop guard is configurable and also catches Gather loops', async () => {
    app.on(ROUTE_PATH, cxml('<Gather numDigits="1"/>'));
    const t = await call({ maxDocuments: 5, scenario: { digits: ['1', '1', '1', '1', '1', '1', '1'] } });
    expect(app.to(ROUTE_PATH)).toHaveLength(5);
    expect(t.outcome.hungUpBy).toBe('guard');
  });

  test('an HTTP error on the route fails the call but webhooks still report it', async () => {
    app.on(ROUTE_PATH, { status: 500, body: '<Response><Say>error</Say></Response>' });
    const t = await call();
    expect(t.outcome).toMatchObject({ status: 'failed', disposition: 'FAILED', hungUpBy: 'error', documents: 1 });
    expect(t.errors).toEqual([`voice application POST ${app.baseUrl}${ROUTE_PATH} failed: HTTP 500`]);
    expect(t.exchanges[0]).toMatchObject({ status: 500, ok: false, body: '<Response><Say>error</Say></Response>' });
    expect(t.verbs).toEqual([]);
    expect(updates().map((e) => e.status)).toEqual(['processing', 'error']);
    expect(cdrs()[0]!.disposition).toBe('FAILED');
  });

  test('an unauthorised answer is an error too', async () => {
    const t = await call({ requestsKey: 'wrong' });
    expect(t.errors[0]).toMatch(/HTTP 404/);
    expect(app.to(ROUTE_PATH)[0]!.headers.authorization).toBe('Bearer wrong');
  });

  test('invalid CXML ends the call', async () => {
    app.on(ROUTE_PATH, '<Response><Dial><Number>101</Dial></Response>');
    const t = await call();
    expect(t.errors[0]).toMatch(/^document 1 from .* is not valid CXML: malformed XML/);
    expect(t.exchanges[0]).toMatchObject({ status: 200, executed: false });
    expect(t.outcome.disposition).toBe('FAILED');
  });

  test('a failing action after answer keeps the call ANSWERED and reports the error', async () => {
    app.on(ROUTE_PATH, cxml('<Dial action="/missing"><Number>101</Number></Dial>'));
    const t = await call({ scenario: { defaultTarget: { outcome: 'answer', after: 1, talk: 9 } } });
    expect(t.outcome).toMatchObject({ disposition: 'ANSWERED', hungUpBy: 'error', billsec: 9 });
    expect(t.errors[0]).toMatch(/Dial action POST .*\/missing failed: HTTP 404/);
  });

  test('a slow server hits the request timeout', async () => {
    app.on(ROUTE_PATH, { body: cxml('<Hangup/>'), delayMs: 400 });
    const t = await call({ requestTimeoutMs: 100 });
    expect(t.errors[0]).toMatch(/no answer within 100 ms/);
  });

  test('an unreachable server: the call and its webhooks fail without throwing', async () => {
    const closed = await startCxmlApp();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const t = await simulateCall({ baseUrl, requestsKey: KEY, domain: DOMAIN, from: '+1', to: '+2' });
    expect(t.outcome.disposition).toBe('FAILED');
    expect(t.errors.length).toBeGreaterThanOrEqual(3);
    expect(t.webhooks.every((w) => !w.ok && w.error)).toBe(true);
  });

  test('an action URL that cannot be parsed ends the call as an application error', async () => {
    app.on(ROUTE_PATH, cxml('<Gather action="http://[broken" numDigits="1"/>'));
    const t = await call({ scenario: { digits: ['1'] } });
    expect(t.outcome).toMatchObject({ hungUpBy: 'error', reason: 'invalid URL in CXML: "http://[broken"' });
    expect(t.errors).toEqual(['invalid URL in CXML: "http://[broken"']);
  });

  test('a non-XML content type is accepted with a warning', async () => {
    app.on(ROUTE_PATH, { body: cxml('<Hangup/>'), contentType: 'text/html' });
    const t = await call();
    expect(t.warnings).toEqual(['document 1: Content-Type text/html is not XML']);
    expect(t.errors).toEqual([]);
  });

  test('loopbackOnly refuses other hosts; rewriteOrigin brings public action URLs home', async () => {
    app.on(ROUTE_PATH, cxml('<Dial action="https://pbx.example.com/api/voice/dial-done?x=1"><Number>101</Number></Dial>'));
    app.on('/api/voice/dial-done', cxml('<Hangup/>'));
    const refused = await call({ loopbackOnly: true });
    expect(refused.errors[0]).toMatch(/https:\/\/pbx\.example\.com\/api\/voice\/dial-done\?x=1 failed: refused: not a loopback URL/);
    const rewritten = await call({ rewriteOrigin: true, loopbackOnly: true });
    expect(rewritten.errors).toEqual([]);
    expect(app.to('/api/voice/dial-done')[0]!.query).toEqual({ x: '1' });
    expect(rewritten.exchanges[1]!.url).toBe(`${app.baseUrl}/api/voice/dial-done?x=1`);
  });
});

describe('request options', () => {
  test('form encoding, extra parameters and headers', async () => {
    app.on(ROUTE_PATH, cxml('<Hangup/>'));
    const t = await call({
      bodyEncoding: 'form',
      extraParams: { Diverted: '15551234567@carrier.example', AssertedIdentity: '+15550001111' },
      headers: { 'X-CX-Source': 'callsim' },
    });
    const route = app.to(ROUTE_PATH)[0]!;
    expect(route.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(route.headers['x-cx-source']).toBe('callsim');
    expect(route.body).toMatchObject({ CallSid: t.callSid, Diverted: '15551234567@carrier.example', AssertedIdentity: '+15550001111' });
    expect(JSON.parse(route.body.SessionData)).toMatchObject({ token: t.callSid });
  });

  test('a custom route URL and method, ids and answered disposition', async () => {
    app.on('/voice', cxml('<Say>hi</Say>'));
    const t = await call({
      routeUrl: `${app.baseUrl}/voice?tenant=acme`,
      routeMethod: 'GET',
      callSid: 'a'.repeat(32),
      sessionId: 42,
      sipCallId: 'abc@sip',
      answeredDisposition: 'CONNECTED',
    });
    expect(app.to('/voice')[0]).toMatchObject({ method: 'GET', query: expect.objectContaining({ tenant: 'acme', CallSid: 'a'.repeat(32) }) });
    expect(cdrs()[0]).toMatchObject({ disposition: 'CONNECTED', call_id: 'abc@sip', session: { id: 42 } });
    expect(t.sessionId).toBe(42);
  });
});

describe('webhook delivery options', () => {
  beforeEach(() => {
    app.on(ROUTE_PATH, cxml('<Dial><Number>101</Number></Dial>'));
  });

  test('webhooks can be switched off entirely or per kind', async () => {
    await call({ webhooks: false });
    expect(updates()).toHaveLength(0);
    expect(cdrs()).toHaveLength(0);
    await call({ webhooks: { sessionUpdates: false } });
    expect(updates()).toHaveLength(0);
    expect(cdrs()).toHaveLength(1);
    await call({ webhooks: { cdr: false } });
    expect(updates()).toHaveLength(4);
    expect(cdrs()).toHaveLength(1);
  });

  test('duplicates: each webhook N times with the same event id', async () => {
    const t = await call({ webhooks: { duplicates: 3 } });
    const ids = updates().map((e) => e.eventId);
    expect(ids).toHaveLength(12);
    for (let i = 0; i < 12; i += 3) expect(new Set(ids.slice(i, i + 3)).size).toBe(1);
    expect(new Set(ids).size).toBe(4);
    expect(cdrs()).toHaveLength(3);
    expect(new Set(cdrs().map((c) => JSON.stringify(c))).size).toBe(1);
    expect(t.webhooks.map((w) => w.copy)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  });

  test('reverse: held until the call ends, then the CDR first and the first event last', async () => {
    const t = await call({ webhooks: { order: 'reverse' } });
    const kinds = app.requests.map((r) => (r.path === CDR_PATH ? 'cdr' : r.path === SESSION_UPDATE_PATH ? r.body.status : 'voice'));
    expect(kinds).toEqual(['voice', 'cdr', 'completed', 'connected', 'ringing', 'processing']);
    expect(t.webhooks.map((w) => w.sessionStatus ?? w.kind)).toEqual(['cdr', 'completed', 'connected', 'ringing', 'processing']);
  });

  test('shuffle is a reproducible permutation for a given seed', async () => {
    const order = async (seed: number) => {
      const t = await call({ webhooks: { order: 'shuffle', seed } });
      return t.webhooks.map((w) => w.sessionStatus ?? w.kind);
    };
    const a = await order(7);
    const b = await order(7);
    expect(a).toEqual(b);
    expect([...a].sort()).toEqual(['cdr', 'completed', 'connected', 'processing', 'ringing']);
    const others = await Promise.all([1, 2, 3, 4, 5].map(order));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
  });

  test('concurrent: copies arrive at the same time; sequential: one at a time', async () => {
    let inFlight = 0;
    let peak = 0;
    app.on(SESSION_UPDATE_PATH, async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight -= 1;
      return { status: 200, body: '{}', contentType: 'application/json' };
    });
    await call({ webhooks: { duplicates: 4 } });
    expect(peak).toBe(1);
    peak = 0;
    const t = await call({ webhooks: { duplicates: 4, concurrent: true } });
    expect(peak).toBe(4);
    expect(updates()).toHaveLength(32);
    expect(t.webhooks.every((w) => w.ok)).toBe(true);
  });

  test('webhook failures are reported, not thrown', async () => {
    app.on(CDR_PATH, { status: 503, body: 'busy' });
    const t = await call();
    expect(t.errors).toEqual([`cdr webhook (copy 1) to ${app.baseUrl}${CDR_PATH} failed: HTTP 503`]);
    expect(t.webhooks.at(-1)).toMatchObject({ kind: 'cdr', status: 503, ok: false });
  });
});

describe('time', () => {
  test('virtual by default: an hour-long call finishes at once', async () => {
    app.on(ROUTE_PATH, cxml('<Dial><Number>101</Number></Dial>'));
    const started = performance.now();
    const t = await call({ scenario: { defaultTarget: { outcome: 'answer', after: 10, talk: 3600 } } });
    // An hour in real time; the margin is for a loaded CI machine.
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(t.outcome).toMatchObject({ duration: 3610, billsec: 3600 });
    expect(cdrs()[0]).toMatchObject({ timestamp: Math.floor(START / 1000) + 3610 });
  });

  test('a time scale makes simulated seconds take real time', async () => {
    app.on(ROUTE_PATH, cxml('<Dial><Number>101</Number></Dial>'));
    const started = performance.now();
    const t = await call({ timeScale: 0.02, scenario: { defaultTarget: { outcome: 'answer', after: 5, talk: 10 } } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(t.outcome.duration).toBe(15);
  });

  test('realtime sleeps one real second per simulated second', async () => {
    app.on(ROUTE_PATH, cxml('<Pause length="1"/><Hangup/>'));
    const started = performance.now();
    const t = await call({ realtime: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(t.outcome.duration).toBe(1);
  });

  test('an abort signal during an HTTP exchange also ends the call as aborted', async () => {
    app.on(ROUTE_PATH, { body: cxml('<Hangup/>'), delayMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const t = await call({ signal: controller.signal });
    expect(t.outcome).toMatchObject({ hungUpBy: 'guard', reason: 'aborted', disposition: 'FAILED' });
    expect(t.exchanges[0]?.error).toBe('aborted');
  });

  test('an abort signal stops a realtime call', async () => {
    app.on(ROUTE_PATH, cxml('<Pause length="30"/>'));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const t = await call({ realtime: true, signal: controller.signal });
    // Not the 30 s pause (the margin is for a loaded CI machine).
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(t.outcome.hungUpBy).toBe('guard');
    expect(t.errors).toContain('aborted');
  });
});
