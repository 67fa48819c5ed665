import { describe, expect, test } from 'vitest';

import { CxmlParseError, type DialVerb, type GatherVerb, parseCxml, type RecordVerb, type SayVerb } from '../src/index.js';

const doc = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;

describe('parseCxml: structure', () => {
  test('keeps verb order and ignores the declaration and comments', () => {
    const { verbs, warnings } = parseCxml(doc('<!-- hi --><Say>one</Say><Pause length="2"/><Play>https://x/a.wav</Play><Say>two</Say><Hangup/>'));
    expect(verbs.map((v) => v.verb)).toEqual(['Say', 'Pause', 'Play', 'Say', 'Hangup']);
    expect((verbs[3] as SayVerb).text).toBe('two');
    expect(warnings).toEqual([]);
  });

  test('an empty Response has no verbs', () => {
    expect(parseCxml('<Response/>').verbs).toEqual([]);
    expect(parseCxml('<Response></Response>').verbs).toEqual([]);
  });

  test('element names match case-insensitively (cxml-php prints upper case)', () => {
    const { verbs } = parseCxml('<RESPONSE><SAY>hi</SAY><DIAL><NUMBER>101</NUMBER></DIAL><hangup/></RESPONSE>');
    expect(verbs.map((v) => v.verb)).toEqual(['Say', 'Dial', 'Hangup']);
    expect((verbs[1] as DialVerb).targets).toEqual([{ kind: 'number', noun: 'Number', value: '101', attributes: {} }]);
  });

  test.each([
    ['', /malformed|root/],
    ['<Response><Say>unclosed</Response>', /malformed XML/],
    ['<Reply><Say>x</Say></Reply>', /root element is <Reply>/],
    ['just text', /malformed|root/],
    ['<Response/><Response/>', /malformed|exactly one root/],
  ])('rejects %j', (xml, message) => {
    expect(() => parseCxml(xml)).toThrow(CxmlParseError);
    expect(() => parseCxml(xml)).toThrow(message);
  });

  test('unknown verbs and stray text are kept as warnings, not errors', () => {
    const { verbs, warnings } = parseCxml(doc('hello<Converse voice="x"/><Say>ok</Say>'));
    expect(verbs[0]).toEqual({ verb: 'Unknown', name: 'Converse', attributes: { voice: 'x' } });
    expect(verbs[1]?.verb).toBe('Say');
    expect(warnings).toEqual(expect.arrayContaining(['Response: stray text ignored', '<Converse> is not simulated; skipped']));
  });
});

describe('parseCxml: Dial', () => {
  test('keeps numbers as text: leading + and zeros survive', () => {
    const { verbs } = parseCxml(doc('<Dial><Number>+15551234567</Number><Number>0012</Number><Number>101</Number></Dial>'));
    expect((verbs[0] as DialVerb).targets.map((t) => t.value)).toEqual(['+15551234567', '0012', '101']);
  });

  test('reads attributes typed and raw, with documented defaults', () => {
    const { verbs } = parseCxml(
      doc(
        '<Dial action="https://pbx.example.com/cb?ring_group=7&amp;attempt=2" method="get" timeout="25" timeLimit="600" callerId="+15550001111" callerName="Acme" record="record-from-answer" trunks="outbound-trunk" hangupOnStar="true"><Number>+15557654321</Number></Dial>',
      ),
    );
    const dial = verbs[0] as DialVerb;
    expect(dial).toMatchObject({
      action: 'https://pbx.example.com/cb?ring_group=7&attempt=2',
      method: 'GET',
      timeout: 25,
      timeLimit: 600,
      callerId: '+15550001111',
      callerName: 'Acme',
      record: 'record-from-answer',
      trunks: 'outbound-trunk',
    });
    expect(dial.attributes.hangupOnStar).toBe('true');
    expect(dial.attributes.timeout).toBe('25');

    const bare = parseCxml(doc('<Dial><Number>1</Number></Dial>')).verbs[0] as DialVerb;
    expect(bare.method).toBe('POST');
    expect(bare.timeout).toBeUndefined();
    expect(bare.action).toBeUndefined();
  });

  test('parses every noun kind, with their attributes', () => {
    const { verbs, warnings } = parseCxml(
      doc(
        '<Dial><Number>101</Number><Sip username="u" password="p" domain="destination">sip:alice@example.com;transport=tls</Sip>' +
          '<Conference beep="false" startConferenceOnEnter="true">sales</Conference><Client>bob</Client>' +
          '<Service provider="vapi">+15550009999</Service><Queue>support</Queue></Dial>',
      ),
    );
    const dial = verbs[0] as DialVerb;
    expect(dial.targets.map((t) => [t.kind, t.noun, t.value])).toEqual([
      ['number', 'Number', '101'],
      ['sip', 'Sip', 'sip:alice@example.com;transport=tls'],
      ['conference', 'Conference', 'sales'],
      ['client', 'Client', 'bob'],
      ['service', 'Service', '+15550009999'],
      ['queue', 'Queue', 'support'],
    ]);
    expect(dial.targets[1]?.attributes).toEqual({ username: 'u', password: 'p', domain: 'destination' });
    expect(dial.targets[2]?.attributes).toEqual({ beep: 'false', startConferenceOnEnter: 'true' });
    expect(dial.targets[4]?.attributes).toEqual({ provider: 'vapi' });
    expect(warnings).toEqual([]);
  });

  test('plain text is one Number, or one Sip when it is a SIP address', () => {
    const number = parseCxml(doc('<Dial timeout="10">+15551234567</Dial>')).verbs[0] as DialVerb;
    expect(number.targets).toEqual([{ kind: 'number', noun: '#text', value: '+15551234567', attributes: {} }]);
    const sip = parseCxml(doc('<Dial>sip:bob@example.com</Dial>')).verbs[0] as DialVerb;
    expect(sip.targets[0]).toMatchObject({ kind: 'sip', value: 'sip:bob@example.com' });
    const bareSip = parseCxml(doc('<Dial>bob@example.com:5060</Dial>')).verbs[0] as DialVerb;
    expect(bareSip.targets[0]?.kind).toBe('sip');
  });

  test('warns on an empty Dial, unknown nouns and bad numbers', () => {
    const { verbs, warnings } = parseCxml(doc('<Dial timeout="soon"></Dial><Dial><Agent>7</Agent></Dial>'));
    expect((verbs[0] as DialVerb).timeout).toBeUndefined();
    expect((verbs[1] as DialVerb).targets[0]).toMatchObject({ kind: 'other', noun: 'Agent', value: '7' });
    expect(warnings).toEqual(
      expect.arrayContaining([
        'Dial: timeout="soon" is not a non-negative integer; using the default',
        'Dial: no number, SIP address or other noun to dial',
        'Dial: unknown noun <Agent>',
      ]),
    );
  });

  test('attribute names are matched case-insensitively for typed fields', () => {
    const dial = parseCxml(doc('<Dial ACTION="/next" Timeout="9" callerid="+1"><Number>1</Number></Dial>')).verbs[0] as DialVerb;
    expect(dial).toMatchObject({ action: '/next', timeout: 9, callerId: '+1' });
  });
});

describe('parseCxml: other verbs', () => {
  test('Say: SSML kept raw, text stripped and entities decoded, defaults applied', () => {
    const say = parseCxml(doc('<Say voice="Cloudonix-Neural:Zoe" language="en-GB" loop="2">Hello <break time="1s"/> Tom &amp; Jerry</Say>'))
      .verbs[0] as SayVerb;
    expect(say).toMatchObject({
      text: 'Hello Tom & Jerry',
      ssml: 'Hello <break time="1s"/> Tom &amp; Jerry',
      voice: 'Cloudonix-Neural:Zoe',
      language: 'en-GB',
      loop: 2,
      answer: true,
      statusCallbackMethod: 'POST',
    });
    const early = parseCxml(doc('<Say answer="false" statusCallback="/said" statusCallbackMethod="GET">x</Say>')).verbs[0] as SayVerb;
    expect(early).toMatchObject({ answer: false, statusCallback: '/said', statusCallbackMethod: 'GET', loop: 1 });
  });

  test('Play: URL, loop, digits, answer', () => {
    const { verbs } = parseCxml(doc('<Play loop="0" answer="false">https://cdn.example.com/moh.mp3</Play><Play digits="12w3"/>'));
    expect(verbs[0]).toMatchObject({ verb: 'Play', url: 'https://cdn.example.com/moh.mp3', loop: 0, answer: false });
    expect(verbs[1]).toMatchObject({ verb: 'Play', url: '', digits: '12w3', loop: 1, answer: true });
  });

  test('Pause: length default 1, answer default false', () => {
    const { verbs } = parseCxml(doc('<Pause/><Pause length="4" answer="true"/>'));
    expect(verbs[0]).toMatchObject({ verb: 'Pause', length: 1, answer: false });
    expect(verbs[1]).toMatchObject({ verb: 'Pause', length: 4, answer: true });
  });

  test('Gather: documented defaults and nested prompts in order', () => {
    const g = parseCxml(doc('<Gather><Say>Press 1</Say><Pause length="1"/><Play>https://x/a.wav</Play></Gather>')).verbs[0] as GatherVerb;
    expect(g).toMatchObject({
      action: undefined,
      method: 'POST',
      input: ['dtmf'],
      finishOnKey: '#',
      numDigits: undefined,
      timeout: 5,
      maxTimeout: 30,
      actionOnEmptyResult: false,
    });
    expect(g.prompts.map((p) => p.verb)).toEqual(['Say', 'Pause', 'Play']);
  });

  test('Gather: attributes, speech input, disallowed children', () => {
    const { verbs, warnings } = parseCxml(
      doc(
        '<Gather action="/menu?id=3" method="GET" input="dtmf speech" finishOnKey="*" numDigits="4" timeout="7" maxTimeout="20" actionOnEmptyResult="true" speechTimeout="auto"><Dial>1</Dial><Say>Enter PIN</Say></Gather>',
      ),
    );
    expect(verbs[0]).toMatchObject({
      action: '/menu?id=3',
      method: 'GET',
      input: ['dtmf', 'speech'],
      finishOnKey: '*',
      numDigits: 4,
      timeout: 7,
      maxTimeout: 20,
      actionOnEmptyResult: true,
    });
    expect((verbs[0] as GatherVerb).attributes.speechTimeout).toBe('auto');
    expect((verbs[0] as GatherVerb).prompts).toHaveLength(1);
    expect(warnings).toContain('Gather: <Dial> is not allowed inside Gather; ignored');
  });

  test('Gather: empty finishOnKey is kept as empty', () => {
    expect((parseCxml(doc('<Gather finishOnKey=""/>')).verbs[0] as GatherVerb).finishOnKey).toBe('');
  });

  test('Record: documented defaults and attributes', () => {
    const r = parseCxml(doc('<Record/>')).verbs[0] as RecordVerb;
    expect(r).toMatchObject({
      method: 'POST',
      timeout: 5,
      finishOnKey: '1234567890*#',
      maxLength: 3600,
      playBeep: true,
      recordingStatusCallbackMethod: 'POST',
      recordingStatusCallbackEvent: ['completed'],
      prompts: [],
    });
    const full = parseCxml(
      doc(
        '<Record action="/vm/saved" method="GET" timeout="3" finishOnKey="#" maxLength="120" playBeep="false" trim="do-not-trim" recordingStatusCallback="/vm/status" recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress completed absent"><Say>Leave a message</Say></Record>',
      ),
    ).verbs[0] as RecordVerb;
    expect(full).toMatchObject({
      action: '/vm/saved',
      method: 'GET',
      timeout: 3,
      finishOnKey: '#',
      maxLength: 120,
      playBeep: false,
      trim: 'do-not-trim',
      recordingStatusCallback: '/vm/status',
      recordingStatusCallbackMethod: 'GET',
      recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
    });
    expect(full.prompts[0]).toMatchObject({ verb: 'Say', text: 'Leave a message' });
  });

  test('Redirect, Hangup, Reject', () => {
    const { verbs } = parseCxml(doc('<Redirect method="GET">/next?step=2</Redirect><Hangup/><Reject/><Reject reason="congestion"/>'));
    expect(verbs).toEqual([
      { verb: 'Redirect', attributes: { method: 'GET' }, url: '/next?step=2', method: 'GET' },
      { verb: 'Hangup', attributes: {} },
      { verb: 'Reject', attributes: {}, reason: 'rejected' },
      { verb: 'Reject', attributes: { reason: 'congestion' }, reason: 'congestion' },
    ]);
    expect(parseCxml(doc('<Redirect>/x</Redirect>')).verbs[0]).toMatchObject({ method: 'POST' });
  });

  test('bad booleans and methods fall back to defaults with a warning', () => {
    const { verbs, warnings } = parseCxml(doc('<Say answer="yes">x</Say><Redirect method="PUT">/x</Redirect>'));
    expect(verbs[0]).toMatchObject({ answer: true });
    expect(verbs[1]).toMatchObject({ method: 'POST' });
    expect(warnings).toEqual(['Say: answer="yes" is not true/false; using true', 'Redirect: method="PUT" is not GET/POST; using POST']);
  });
});
