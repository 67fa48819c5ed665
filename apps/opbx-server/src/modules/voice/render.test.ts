import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

import { escapeXml, renderCxml } from './cxml.js';
import { type CallbackUrls, planToVerbs, renderPlan } from './render.js';
import { continueCall, type Plan } from './router.js';
import { dialPlan, fromExtension, inbound, SnapshotBuilder, stubUrls, TestEnv, toExtension, toRingGroup } from './routing.fixture.js';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

/** Byte-for-byte against the committed file; `UPDATE_GOLDEN=1` rewrites it instead. */
function expectGolden(name: string, xml: string) {
  const file = `${GOLDEN_DIR}${name}.xml`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, xml);
  }
  const expected = readFileSync(file);
  expect(xml).toBe(expected.toString('utf8'));
  expect(Buffer.from(xml, 'utf8').equals(expected)).toBe(true);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'Number' || name === 'Say',
});

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as { Response: Record<string, any> };
}

/** One organization for every shape. Ids are fixed so the callback URLs in the golden files are stable. */
function demo(settings: { recordingEnabled?: boolean } = {}) {
  const b = new SnapshotBuilder({ defaultCallerId: '+12125550100', ...settings });
  const alice = b.extension('101', { voicemail: true });
  const sales = b.ringGroup('rg-sales', [alice, b.extension('102'), b.extension('103')], {
    strategy: 'simultaneous',
    timeout: 25,
    fallback: { type: 'voicemail', extensionId: alice.id },
  });
  b.did('+12125550100', toExtension(alice));
  b.did('+12125550101', toRingGroup(sales));
  b.did('+12125550102', { type: 'voicemail', extensionId: alice.id });
  return b.snapshot;
}

const render = (plan: Plan) => renderPlan(plan, stubUrls);

describe('CXML golden files, one per response shape', () => {
  it('dial one extension', async () => {
    expectGolden('dial-extension', render((await inbound(demo(), '+12125550100')).plan));
  });

  it('simultaneous ring group: several Numbers in one Dial', async () => {
    expectGolden('dial-ring-group-simultaneous', render((await inbound(demo(), '+12125550101')).plan));
  });

  it('outbound with the organization caller id', async () => {
    expectGolden('dial-outbound-caller-id', render((await fromExtension(demo(), '101', '+442079460000')).plan));
  });

  it('dial with recording enabled', async () => {
    expectGolden('dial-recording', render((await inbound(demo({ recordingEnabled: true }), '+12125550100')).plan));
  });

  it('voicemail: Say, Record, a fallback Say, Hangup', async () => {
    expectGolden('voicemail', render((await inbound(demo(), '+12125550102')).plan));
  });

  it('hangup with a message', async () => {
    expectGolden('hangup-message', render((await inbound(demo(), '+19995550000')).plan));
  });

  it('bare hangup (the dialled party answered)', async () => {
    const snap = demo();
    const first = dialPlan((await inbound(snap, '+12125550100')).plan);
    expectGolden('hangup-bare', render((await continueCall(snap, first.next, 'answered', new TestEnv())).plan));
  });
});

describe('rendered documents', () => {
  it('a Dial carries its action URL, POST, the timeout and the Numbers, and no callerId or recording unless set', async () => {
    const doc = parse(render((await inbound(demo(), '+12125550101')).plan)).Response;
    expect(Object.keys(doc)).toEqual(['Dial']);
    expect(doc.Dial['@action']).toBe('https://pbx.example.test/api/voice/callback?d=did-12125550101&g=rg-sales&h=0&i=0&k=rg&o=');
    expect(doc.Dial['@method']).toBe('POST');
    expect(doc.Dial['@timeout']).toBe('25');
    expect(doc.Dial['@callerId']).toBeUndefined();
    expect(doc.Dial['@record']).toBeUndefined();
    expect(doc.Dial.Number).toEqual(['101', '102', '103']);
  });

  it('the + of E.164 numbers survives, in Number text and in the callerId attribute', async () => {
    const doc = parse(render((await fromExtension(demo(), '101', '+442079460000')).plan)).Response;
    expect(doc.Dial.Number).toEqual(['+442079460000']);
    expect(doc.Dial['@callerId']).toBe('+12125550100');
  });

  it('recording adds record-from-answer and a recording callback', async () => {
    const doc = parse(render((await inbound(demo({ recordingEnabled: true }), '+12125550100')).plan)).Response;
    expect(doc.Dial['@record']).toBe('record-from-answer');
    expect(doc.Dial['@recordingStatusCallback']).toBe('https://pbx.example.test/api/voice/recording?s=rec');
    expect(doc.Dial['@recordingStatusCallbackMethod']).toBe('POST');
  });

  it('voicemail records to the mailbox callback, and says goodbye only when nothing was recorded', async () => {
    const plan = (await inbound(demo(), '+12125550102')).plan;
    expect(planToVerbs(plan, stubUrls).map((v) => v.verb)).toEqual(['Say', 'Record', 'Say', 'Hangup']);
    const doc = parse(render(plan)).Response;
    expect(doc.Record['@action']).toBe('https://pbx.example.test/api/voice/voicemail?m=ext-101&s=vm');
    expect(doc.Record['@method']).toBe('POST');
    expect(Number(doc.Record['@maxLength'])).toBeGreaterThan(1);
  });

  it('an empty document is still a document', () => {
    expect(renderCxml([])).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Response></Response>\n');
    parse(renderCxml([]));
  });
});

describe('escaping', () => {
  const nasty = `Press <1> & say "hi" – it's 'fine' </Say><Hangup/>\u0000\u0007\u001b\u000b done\tnow\nnext line ]]> <!-- x --> &amp;`;
  const cleaned = nasty.replace(/[\u0000\u0007\u001b\u000b]/g, '');

  it('escapeXml escapes the five markup characters and drops control characters XML cannot hold', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\u0000b\u0008c\u000bd\u000ce\u001ff')).toBe('abcdef');
    expect(escapeXml('tab\tnewline\ncr\r')).toBe('tab\tnewline\ncr\r');
    expect(escapeXml('é ☎ 😀')).toBe('é ☎ 😀');
  });

  it('a greeting with markup, quotes and control characters stays text in a well-formed document', async () => {
    const b = new SnapshotBuilder();
    b.did('+12125550100', { type: 'voicemail', extensionId: null }, { greeting: nasty });
    const xml = render((await inbound(b.snapshot, '+12125550100')).plan);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const doc = parse(xml).Response;
    expect(doc.Say[0]).toBe(cleaned);
    expect(Object.keys(doc)).toEqual(['Say', 'Record', 'Hangup']);
    expect(doc.Hangup).toBe('');
  });

  it('attribute values with quotes, ampersands and angle brackets parse back unchanged', () => {
    const hostile = `https://pbx.example.test/cb?a=1&b="2"&c='3'&d=<4>&e=%22`;
    const urls: CallbackUrls = { dial: () => hostile, voicemail: () => hostile, recording: () => `${hostile}&rec` };
    const plan: Plan = {
      kind: 'dial',
      targets: [{ kind: 'external', number: '+442079460000' }],
      timeout: 30,
      callerId: `+1212"5550100'`,
      record: true,
      next: { kind: 'end' },
    };
    const xml = renderPlan(plan, urls);
    const dial = parse(xml).Response.Dial;
    expect(dial['@action']).toBe(hostile);
    expect(dial['@recordingStatusCallback']).toBe(`${hostile}&rec`);
    expect(dial['@callerId']).toBe(`+1212"5550100'`);
    expect(dial.Number).toEqual(['+442079460000']);
    const vm = parse(renderPlan({ kind: 'voicemail', mailboxExtensionId: null, greeting: 'x' }, urls)).Response;
    expect(vm.Record['@action']).toBe(hostile);
  });

  it('emits only characters of the XML 1.0 Char production (no U+FFFE/U+FFFF, no lone surrogates)', () => {
    // XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    // A strict parser (libxml2, Java's) rejects the whole document for one such character.
    const illegal = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
    const greeting = 'Hello\ufffe \uffff \ud800 \udfff world 😀';
    const xml = renderPlan({ kind: 'voicemail', mailboxExtensionId: null, greeting }, stubUrls);
    expect(xml).not.toMatch(illegal);
    // Dropped or replaced, either way; a naive fix that strips all surrogates would also eat the emoji.
    const said = parse(xml).Response.Say[0] as string;
    expect(said.startsWith('Hello')).toBe(true);
    expect(said.endsWith(' world 😀')).toBe(true);
  });

  it('a hangup message is escaped too', () => {
    const doc = parse(renderPlan({ kind: 'hangup', reason: 'unavailable', message: 'A & B <closed>' }, stubUrls)).Response;
    expect(doc.Say).toEqual(['A & B <closed>']);
  });
});
