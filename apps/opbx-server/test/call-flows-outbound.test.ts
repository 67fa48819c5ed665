import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomE164 } from './support/api.js';
import {
  createFlowsOrg,
  dialed,
  expectClean,
  expectFinal,
  type FlowsOrg,
  type FlowsServer,
  spoken,
  startFlowsServer,
  verbNames,
} from './support/flows-harness.js';
import { attributes, send } from './support/flows-wire.js';

/**
 * Calls placed by extensions (Direction=subscriber), the toll-fraud guard for everything else,
 * and call recording.
 */
let server: FlowsServer;
let org: FlowsOrg;
const COMPANY = '+15550109000';
let alice: { userId: string; extensionId: string };
let bob: { userId: string; extensionId: string };

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'Outbound Flows');
  // The default caller ID must be one of the organization's numbers.
  if (
    (await org.owner.post('/dids', { phone_number: COMPANY, routing_type: 'extension', routing_config: { extension_id: org.org.agentExtensionId } })).status !==
    201
  )
    throw new Error('company DID');
  await org.settings({ default_caller_id: COMPANY });
  // These flows dial abroad (the outbound policy's default is national only: see outbound-policy.test.ts).
  if ((await org.owner.request('PUT', '/settings/outbound-policy', { allow_international: true })).status !== 200) throw new Error('outbound policy');
  alice = await org.userWithExtension('501');
  bob = await org.userWithExtension('502');
});
afterAll(() => server?.close());

const answer = (after = 3, talk = 30) => ({ outcome: 'answer' as const, after, talk });
const subscriber = (from: string, to: string) => ({ direction: 'subscriber', from, to });

describe('an extension calls out', () => {
  it("dials the E.164 number with the organization's default caller id", async () => {
    const number = '+442071838750';
    const t = await org.call({ ...subscriber('501', number), scenario: { targets: { [number]: answer(6, 95) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([[number]]);
    expect(t.dials[0]!.callerId).toBe(COMPANY);
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    expect(log).toMatchObject({ direction: 'outbound', from_number: '501', to_number: number, extension_id: alice.extensionId, did_id: null, duration: 95 });
  });

  it('accepts the 00 international prefix and full country-code numbers; refuses short national numbers', async () => {
    const viaZeros = await org.call({ ...subscriber('501', '00442071838751'), scenario: { defaultTarget: answer(1, 2) } });
    expectClean(viaZeros);
    expect(dialed(viaZeros)).toEqual([['+442071838751']]);
    const countryCode = await org.call({ ...subscriber('501', '14155550123'), scenario: { defaultTarget: answer(1, 2) } });
    expect(dialed(countryCode)).toEqual([['+14155550123']]);
    const national = await org.call(subscriber('501', '4155550123'));
    expectClean(national);
    expect(national.dials).toEqual([]);
    expect(verbNames(national)).toEqual(['Say', 'Hangup']);
    expect(spoken(national)[0]).toContain('not valid');
  });

  it('the unanswered outside number ends no_answer; a busy one busy', async () => {
    const number = randomE164();
    const t = await org.call({ ...subscriber('501', number), scenario: { defaultTarget: { outcome: 'no-answer' } } });
    expectClean(t);
    expect(t.dials[0]!.timeout).toBe(60);
    const log = await org.log(t.callSid);
    expect(log.status, JSON.stringify(log)).toBe('no_answer');
    const busy = await org.call({ ...subscriber('501', randomE164()), scenario: { defaultTarget: { outcome: 'busy', after: 2 } } });
    expectClean(busy);
    const busyLog = await org.log(busy.callSid);
    expect(busyLog.status, JSON.stringify(busyLog)).toBe('busy');
  });

  it('an internal call rings the other extension, without a company caller id', async () => {
    const t = await org.call({ ...subscriber('501', '502'), scenario: { targets: { '502': answer(2, 25) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['502']]);
    expect(t.dials[0]!.callerId).toBeUndefined();
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    expect(log).toMatchObject({ direction: 'outbound', from_number: '501', to_number: '502', extension_id: bob.extensionId, duration: 25 });
  });

  it("calling one of the organization's own DIDs routes it inside", async () => {
    const did = await org.did('extension', { extension_id: bob.extensionId });
    const t = await org.call({ ...subscriber('501', did.number), scenario: { targets: { '502': answer(1, 5) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['502']]);
    expect((await org.log(t.callSid)).did_id).toBe(did.id);
  });

  it('a SIP URI caller (sip:501@domain) is read as its user part', async () => {
    const number = randomE164();
    const t = await org.call({ ...subscriber(`sip:501@${org.domain}`, number), scenario: { defaultTarget: answer(1, 3) } });
    expectClean(t);
    expect(dialed(t)).toEqual([[number]]);
  });
});

describe('who may not dial out', () => {
  const refused = (t: Awaited<ReturnType<FlowsOrg['call']>>) => {
    expectClean(t);
    expect(t.dials).toEqual([]);
    expect(verbNames(t)).toEqual(['Say', 'Hangup']);
  };

  it('virtual and queue extensions', async () => {
    await org.extension('510', { type: 'virtual' });
    await org.extension('511', { type: 'queue' });
    for (const from of ['510', '511']) {
      const t = await org.call(subscriber(from, randomE164()));
      refused(t);
      expect(spoken(t)[0]).toContain('not permitted');
      expect(await org.call(subscriber(from, '502')).then((x) => x.dials)).toEqual([]);
    }
  });

  it('an extension whose user is inactive, an inactive extension, an unknown caller', async () => {
    const carol = await org.userWithExtension('512');
    await org.patch(`/users/${carol.userId}`, { status: 'inactive' });
    const dave = await org.userWithExtension('513');
    await org.patch(`/extensions/${dave.extensionId}`, { status: 'inactive' });
    for (const from of ['512', '513', '599', '+15551234567']) {
      const t = await org.call(subscriber(from, randomE164()));
      refused(t);
      expect(spoken(t)[0], from).toContain('not permitted');
    }
  });

  it('a user deactivated while routing is cached can no longer dial out from the very next call, nor be rung', async () => {
    const erin = await org.userWithExtension('514');
    const before = await org.call({ ...subscriber('514', '+442071838760'), scenario: { defaultTarget: answer(1, 2) } });
    expect(dialed(before)).toEqual([['+442071838760']]); // the snapshot is warm now
    expect(dialed(await org.call({ ...subscriber('501', '514'), scenario: { defaultTarget: answer(1, 2) } }))).toEqual([['514']]);

    await org.patch(`/users/${erin.userId}`, { status: 'inactive' });
    const after = await org.call(subscriber('514', '+442071838761'));
    refused(after);
    expect(spoken(after)[0]).toContain('not permitted');
    const toThem = await org.call(subscriber('501', '514'));
    expect(toThem.dials).toEqual([]);

    await org.patch(`/users/${erin.userId}`, { status: 'active' });
    expect(dialed(await org.call({ ...subscriber('514', '+442071838762'), scenario: { defaultTarget: answer(1, 2) } }))).toEqual([['+442071838762']]);
  });
});

describe('toll-fraud guard', () => {
  it('an inbound caller whose To is an arbitrary E.164 number never gets a Dial, whatever the Direction', async () => {
    for (const direction of ['inbound', 'outbound-api', 'outbound', 'application', 'something-new', '']) {
      const target = '+442071838799';
      const t = await org.call({ direction, to: target, scenario: { defaultTarget: answer() } });
      expectClean(t);
      expect(t.dials, direction).toEqual([]);
      expect(t.exchanges[0]!.body, direction).not.toContain('<Dial');
      expect(spoken(t)[0], direction).toContain('not in service');
    }
  });

  it('an inbound caller cannot reach an extension number or a 00-prefixed number directly', async () => {
    for (const to of ['502', '00442071838799', `sip:502@${org.domain}`]) {
      const t = await org.call({ to, scenario: { defaultTarget: answer() } });
      expectClean(t);
      expect(t.dials, to).toEqual([]);
    }
  });
});

describe('recording', () => {
  beforeAll(() => org.settings({ recording_enabled: true }));
  afterAll(() => org.settings({ recording_enabled: false }));

  it('with recording_enabled the Dial records from answer and the recording URL lands on the call log', async () => {
    const did = await org.did('extension', { extension_id: bob.extensionId });
    const t = await org.call({ to: did.number, scenario: { targets: { '502': answer(3, 50) } } });
    expectClean(t);
    const dial = t.exchanges[0]!.body!;
    expect(dial).toMatch(/<Dial [^>]*record="record-from-answer"/);
    expect(dial).toMatch(/recordingStatusCallback="http:\/\/127\.0\.0\.1:\d+\/api\/voice\/recording\?s=/);
    // callsim reports the recording on the Dial action, as TwiML does.
    const action = t.exchanges.find((e) => e.cause === 'Dial action')!;
    expect(action.params.RecordingUrl).toMatch(/^https:\/\/recordings\.callsim\.invalid\//);
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    expect(log.recording_url).toBe(action.params.RecordingUrl);
  });

  it("outbound calls record too, and the Dial's recording status callback stores the URL", async () => {
    const out = await org.call({ ...subscriber('501', randomE164()), scenario: { defaultTarget: answer(1, 10) } });
    expectClean(out);
    const cxml = out.exchanges[0]!.body!;
    expect(cxml).toMatch(/record="record-from-answer"/);
    const callback = attributes(cxml, 'Dial')[0]!.recordingStatusCallback!;
    const url = `https://recordings.example.test/${out.callSid}.wav`;
    const res = await send(org, callback, { CallSid: out.callSid, RecordingUrl: url, RecordingStatus: 'completed', RecordingDuration: '10' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Response');
    expect((await org.log(out.callSid)).recording_url).toBe(url);
    // A replay of the callback stores nothing new.
    expect((await send(org, callback, { CallSid: out.callSid, RecordingUrl: url, RecordingStatus: 'completed' })).status).toBe(200);
    expect((await org.events(out.callSid)).filter((e) => e.kind === 'recording')).toHaveLength(1);
  });
});

describe('without recording', () => {
  it('the Dial does not record', async () => {
    const t = await org.call({ ...subscriber('501', '502'), scenario: { targets: { '502': answer(1, 5) } } });
    expect(t.exchanges[0]!.body).not.toMatch(/record=/);
    expect(t.exchanges.find((e) => e.cause === 'Dial action')!.params.RecordingUrl).toBeUndefined();
    expect((await org.log(t.callSid)).recording_url).toBeNull();
  });
});
