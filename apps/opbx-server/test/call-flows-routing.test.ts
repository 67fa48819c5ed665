import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomE164 } from './support/api.js';
import {
  cdrOf,
  closedNowSchedule,
  createFlowsOrg,
  dialed,
  expectClean,
  expectFinal,
  expectVoicemailed,
  type FlowsOrg,
  type FlowsServer,
  localNow,
  openNowSchedule,
  spoken,
  startFlowsServer,
  verbNames,
} from './support/flows-harness.js';

/**
 * Inbound routing end to end: every DID routing type, unavailable targets, forwarding and
 * voicemail, each call played by callsim against the listening server, then read back through
 * the call-log API.
 */
let server: FlowsServer;
let org: FlowsOrg;

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'Routing Flows');
});
afterAll(() => server?.close());

const answer = (after = 3, talk = 40) => ({ outcome: 'answer' as const, after, talk });

describe('DID → extension', () => {
  it('rings the extension; the answered call is completed with the billed seconds and the raw CDR', async () => {
    const ext = await org.extension('201');
    const did = await org.did('extension', { extension_id: ext });
    const from = randomE164();
    const t = await org.call({ from, to: did.number, scenario: { targets: { '201': answer(4, 37) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['201']]);
    expect(t.dials[0]!.timeout).toBe(30);
    expect(t.outcome.disposition).toBe('ANSWERED');
    expect(t.outcome.billsec).toBe(37);
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    expect(log).toMatchObject({
      direction: 'inbound',
      from_number: from,
      to_number: did.number,
      did_id: did.id,
      extension_id: ext,
      ring_group_id: null,
      duration: 37,
    });
  });

  it('accepts numbers without the plus sign, as Cloudonix samples send them', async () => {
    const ext = await org.extension('202');
    const did = await org.did('extension', { extension_id: ext });
    const from = randomE164();
    const t = await org.call({ from, to: did.number, numberFormat: 'strip-plus', scenario: { targets: { '202': answer(2, 10) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['202']]);
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    expect(log).toMatchObject({ from_number: from, to_number: did.number, did_id: did.id });
  });

  it('busy extension without voicemail: the caller hears a goodbye and the call log says busy', async () => {
    const ext = await org.extension('203');
    const did = await org.did('extension', { extension_id: ext });
    const t = await org.call({ to: did.number, scenario: { targets: { '203': { outcome: 'busy', after: 1 } } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['203']]);
    expect(t.dials[0]!.status).toBe('busy');
    expect(verbNames(t)).toEqual(['Dial', 'Say', 'Hangup']);
    const log = await org.log(t.callSid);
    expect(log.status, JSON.stringify(log)).toBe('busy');
    expect(log.extension_id).toBe(ext);
    expect(log.cloudonix_cdr).toEqual(cdrOf(t));
  });

  it('unanswered extension without voicemail ends no_answer', async () => {
    const ext = await org.extension('204');
    const did = await org.did('extension', { extension_id: ext });
    const t = await org.call({ to: did.number, scenario: { targets: { '204': { outcome: 'no-answer' } } } });
    expectClean(t);
    expect(t.dials.map((d) => [d.status, d.ringSeconds])).toEqual([['no-answer', 30]]);
    const log = await org.log(t.callSid);
    expect(log.status, JSON.stringify(log)).toBe('no_answer');
    expect(log.cloudonix_cdr).toEqual(cdrOf(t));
  });

  it('a failed leg without voicemail ends failed', async () => {
    const ext = await org.extension('205');
    const did = await org.did('extension', { extension_id: ext });
    const t = await org.call({ to: did.number, scenario: { targets: { '205': { outcome: 'failed', after: 1 } } } });
    expectClean(t);
    expect(t.dials[0]!.status).toBe('failed');
    const log = await org.log(t.callSid);
    expect(log.status, JSON.stringify(log)).toBe('failed');
  });

  it('unanswered extension with voicemail: greeting, Record, and the message lands in the box and on the call log', async () => {
    const ext = await org.extension('206', { voicemail: true });
    const did = await org.did('extension', { extension_id: ext });
    const from = randomE164();
    const t = await org.call({ from, to: did.number, scenario: { targets: { '206': { outcome: 'no-answer' } }, recordings: [14] } });
    expectClean(t);
    expect(verbNames(t)).toEqual(['Dial', 'Say', 'Record', 'Say', 'Hangup']);
    const recordAction = t.exchanges.find((e) => e.cause === 'Record action')!;
    expect(recordAction.params.RecordingDuration).toBe('14');
    const log = await org.log(t.callSid);
    expectVoicemailed(log, t);
    expect(log.recording_url).toBe(recordAction.params.RecordingUrl);
    const box = await org.owner.get(`/extensions/${ext}/voicemails`);
    expect(box.status).toBe(200);
    expect(box.body.data).toEqual([
      expect.objectContaining({ extension_id: ext, call_id: t.callSid, from_number: from, recording_url: recordAction.params.RecordingUrl, duration: 14 }),
    ]);
  });
});

describe('DID → voicemail', () => {
  it("plays the DID's greeting, records, and stores the message in the mailbox extension's box", async () => {
    const mailbox = await org.extension('210', { voicemail: true });
    const greeting = 'You reached Acme support. Leave your name & number <after> the tone.';
    const did = await org.did('voicemail', { extension_id: mailbox, voicemail_greeting: greeting });
    const from = randomE164();
    const t = await org.call({ from, to: did.number, scenario: { recordings: [21] } });
    expectClean(t);
    expect(t.dials).toEqual([]);
    const first = t.exchanges[0]!;
    expect(first.body).toContain('You reached Acme support. Leave your name &amp; number &lt;after&gt; the tone.');
    expect(first.body).toMatch(/<Record [^>]*maxLength="120"/);
    expect(t.verbs.find((v) => v.verb === 'Say')!.summary).toContain('You reached Acme support');
    const url = t.exchanges.find((e) => e.cause === 'Record action')!.params.RecordingUrl;
    const log = await org.log(t.callSid);
    expectVoicemailed(log, t);
    expect(log).toMatchObject({ did_id: did.id, extension_id: mailbox, recording_url: url });
    const box = await org.owner.get(`/extensions/${mailbox}/voicemails`);
    expect(box.body.data).toEqual([expect.objectContaining({ call_id: t.callSid, from_number: from, recording_url: url, duration: 21 })]);
    expect(box.body.meta.total).toBe(1);
  });

  it('without a greeting plays the default one', async () => {
    const mailbox = await org.extension('211', { voicemail: true });
    const did = await org.did('voicemail', { extension_id: mailbox });
    const t = await org.call({ to: did.number, scenario: { recordings: [5] } });
    expectClean(t);
    expect(spoken(t)[0]).toContain('Please leave a message after the tone');
    expect(verbNames(t).slice(0, 2)).toEqual(['Say', 'Record']);
    expect((await org.log(t.callSid)).recording_url).toMatch(/^https:\/\/recordings\.callsim\.invalid\//);
  });

  it('an empty recording skips the action: a goodbye, nothing stored', async () => {
    const mailbox = await org.extension('212', { voicemail: true });
    const did = await org.did('voicemail', { extension_id: mailbox });
    const t = await org.call({ to: did.number, scenario: { recordings: [0] } });
    expectClean(t);
    expect(verbNames(t)).toEqual(['Say', 'Record', 'Say', 'Hangup']);
    expect(spoken(t)[1]).toContain('No message was recorded');
    expect((await org.log(t.callSid)).recording_url).toBeNull();
    expect((await org.owner.get(`/extensions/${mailbox}/voicemails`)).body.data).toEqual([]);
  });
});

describe('DID → business hours', () => {
  it('open now (in a zone far from UTC): the open target rings', async () => {
    const open = await org.extension('220');
    const closed = await org.extension('221', { voicemail: true });
    const zone = 'Pacific/Auckland';
    const hours = await org.businessHours({
      timezone: zone,
      schedules: openNowSchedule(zone),
      open_hours_routing: { type: 'extension', extension_id: open },
      closed_hours_routing: { type: 'voicemail', extension_id: closed },
    });
    const did = await org.did('business_hours', { business_hours_id: hours });
    const t = await org.call({ to: did.number, scenario: { targets: { '220': answer(2, 15) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['220']]);
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    expect(log).toMatchObject({ did_id: did.id, extension_id: open });
  });

  it('closed now: the closed routing (voicemail) takes the call', async () => {
    const open = await org.extension('222');
    const closed = await org.extension('223', { voicemail: true });
    const zone = 'America/Los_Angeles';
    const hours = await org.businessHours({
      timezone: zone,
      schedules: closedNowSchedule(zone),
      open_hours_routing: { type: 'extension', extension_id: open },
      closed_hours_routing: { type: 'voicemail', extension_id: closed },
    });
    const did = await org.did('business_hours', { business_hours_id: hours });
    const t = await org.call({ to: did.number, scenario: { recordings: [9] } });
    expectClean(t);
    expect(t.dials).toEqual([]);
    expect(verbNames(t).slice(0, 2)).toEqual(['Say', 'Record']);
    const log = await org.log(t.callSid);
    expectVoicemailed(log, t);
    expect(log.recording_url).toBeTruthy();
    expect((await org.owner.get(`/extensions/${closed}/voicemails`)).body.data).toHaveLength(1);
  });

  it("a holiday on today's local date closes an open schedule; closed to a ring group and to hangup", async () => {
    const zone = 'Asia/Kolkata';
    const open = await org.extension('224');
    const member = await org.extension('225');
    const group = await org.ringGroup({ strategy: 'simultaneous', members: [{ extension_id: member, priority: 1 }], fallback_action: { type: 'hangup' } });
    const holiday = [{ date: localNow(zone).date, name: 'Founders Day' }];
    const toGroup = await org.businessHours({
      timezone: zone,
      schedules: openNowSchedule(zone),
      holidays: holiday,
      open_hours_routing: { type: 'extension', extension_id: open },
      closed_hours_routing: { type: 'ring_group', ring_group_id: group },
    });
    const did = await org.did('business_hours', { business_hours_id: toGroup });
    const t = await org.call({ to: did.number, scenario: { targets: { '225': answer(1, 5) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['225']]);
    expect((await org.log(t.callSid)).ring_group_id).toBe(group);

    const toHangup = await org.businessHours({
      timezone: zone,
      schedules: openNowSchedule(zone),
      holidays: holiday,
      open_hours_routing: { type: 'extension', extension_id: open },
      closed_hours_routing: { type: 'hangup' },
    });
    const did2 = await org.did('business_hours', { business_hours_id: toHangup });
    const t2 = await org.call({ to: did2.number });
    expectClean(t2);
    expect(t2.dials).toEqual([]);
    expect(verbNames(t2)).toEqual(['Hangup']);
  });
});

describe('unknown, inactive and unavailable numbers', () => {
  const goodbye = (t: Awaited<ReturnType<FlowsOrg['call']>>, text: RegExp) => {
    expectClean(t);
    expect(t.exchanges).toHaveLength(1);
    expect(t.exchanges[0]!.status).toBe(200);
    expect(t.exchanges[0]!.contentType).toMatch(/xml/);
    expect(verbNames(t)).toEqual(['Say', 'Hangup']);
    expect(spoken(t)[0]).toMatch(text);
    expect(t.dials).toEqual([]);
  };

  it('an unknown DID: not in service, never a 500; the call is still logged', async () => {
    const t = await org.call({ to: randomE164() });
    goodbye(t, /not in service/);
    const log = await org.log(t.callSid);
    expect(log.did_id).toBeNull();
    // Cloudonix bills the announcement, but nobody was reached: the call failed, with no talk time.
    expect(cdrOf(t).billsec).toBeGreaterThan(0);
    expect(log.status).toBe('failed');
    expect(log.duration).toBe(0);
  });

  it('an inactive DID: not in service', async () => {
    const ext = await org.extension('230');
    const did = await org.did('extension', { extension_id: ext }, { status: 'inactive' });
    goodbye(await org.call({ to: did.number }), /not in service/);
  });

  it('an inactive target extension: not available; with a fallback extension the fallback rings', async () => {
    const target = await org.extension('231');
    const fallback = await org.extension('232');
    const plain = await org.did('extension', { extension_id: target });
    const withFallback = await org.did('extension', { extension_id: target, fallback_extension_id: fallback });
    await org.patch(`/extensions/${target}`, { status: 'inactive' });

    goodbye(await org.call({ to: plain.number }), /not available/);

    const t = await org.call({ to: withFallback.number, scenario: { targets: { '232': answer(2, 8) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['232']]);
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    expect(log.did_id).toBe(withFallback.id);
  });

  it('an inactive ring group: not available, or its DID fallback extension', async () => {
    const member = await org.extension('233');
    const fallback = await org.extension('234');
    const group = await org.ringGroup({ strategy: 'simultaneous', members: [{ extension_id: member, priority: 1 }] });
    const plain = await org.did('ring_group', { ring_group_id: group });
    const withFallback = await org.did('ring_group', { ring_group_id: group, fallback_extension_id: fallback });
    await org.patch(`/ring-groups/${group}`, { status: 'inactive' });
    goodbye(await org.call({ to: plain.number }), /not available/);
    const t = await org.call({ to: withFallback.number, scenario: { targets: { '234': answer(1, 4) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['234']]);
  });

  it('an extension whose user is inactive goes to its voicemail, or hangs up politely', async () => {
    const a = await org.userWithExtension('235');
    const b = await org.userWithExtension('236');
    await org.patch(`/extensions/${a.extensionId}`, { voicemail_enabled: true });
    await org.patch(`/extensions/${b.extensionId}`, { voicemail_enabled: false });
    const didA = await org.did('extension', { extension_id: a.extensionId });
    const didB = await org.did('extension', { extension_id: b.extensionId });
    await org.patch(`/users/${a.userId}`, { status: 'inactive' });
    await org.patch(`/users/${b.userId}`, { status: 'inactive' });
    const t = await org.call({ to: didA.number, scenario: { recordings: [6] } });
    expectClean(t);
    expect(t.dials).toEqual([]);
    expect(verbNames(t).slice(0, 2)).toEqual(['Say', 'Record']);
    goodbye(await org.call({ to: didB.number }), /not available/);
  });
});

describe('forwarding', () => {
  it('unconditional to an extension: the destination rings instead', async () => {
    await org.extension('241');
    const ext = await org.extension('240', { forward: { destination: '241' } });
    const did = await org.did('extension', { extension_id: ext });
    const t = await org.call({ to: did.number, scenario: { targets: { '241': answer(2, 12) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['241']]);
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'completed');
    expect(log.extension_id).toBe(ext);
  });

  it("unconditional to an E.164 number: dials out, passing the outside caller's number through", async () => {
    const mobile = randomE164();
    const ext = await org.extension('242', { forward: { destination: mobile } });
    const did = await org.did('extension', { extension_id: ext });
    const from = randomE164();
    const t = await org.call({ from, to: did.number, scenario: { targets: { [mobile]: answer(5, 60) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([[mobile]]);
    expect(t.dials[0]!.callerId ?? from).toBe(from);
    expect(t.dials[0]!.answeredBy?.value).toBe(mobile);
    expectFinal(await org.log(t.callSid), t, 'completed');
  });

  it('on no answer: the extension rings first, then the destination', async () => {
    const mobile = randomE164();
    const ext = await org.extension('243', { forward: { destination: mobile, on_no_answer: true } });
    const did = await org.did('extension', { extension_id: ext });
    const t = await org.call({ to: did.number, scenario: { targets: { '243': { outcome: 'no-answer' }, [mobile]: answer(3, 20) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['243'], [mobile]]);
    expect(t.dials.map((d) => d.status)).toEqual(['no-answer', 'completed']);
    expectFinal(await org.log(t.callSid), t, 'completed');
  });

  it('on busy: the extension is busy, then the forward destination extension rings', async () => {
    await org.extension('245');
    const ext = await org.extension('244', { forward: { destination: '245', on_no_answer: true } });
    const did = await org.did('extension', { extension_id: ext });
    const t = await org.call({ to: did.number, scenario: { targets: { '244': { outcome: 'busy', after: 1 }, '245': answer(2, 9) } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['244'], ['245']]);
    expect(t.dials.map((d) => d.status)).toEqual(['busy', 'completed']);
    expectFinal(await org.log(t.callSid), t, 'completed');
  });

  it('the forwarded call is not answered either: the caller hears goodbye and the log says no_answer', async () => {
    const mobile = randomE164();
    const ext = await org.extension('246', { forward: { destination: mobile, on_no_answer: true } });
    const did = await org.did('extension', { extension_id: ext });
    const t = await org.call({ to: did.number, scenario: { defaultTarget: { outcome: 'no-answer' } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['246'], [mobile]]);
    const log = await org.log(t.callSid);
    expect(log.status, JSON.stringify(log)).toBe('no_answer');
  });
});
