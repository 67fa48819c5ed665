import { XMLParser, XMLValidator } from 'fast-xml-parser';

import type {
  CxmlDocument,
  DialTarget,
  DialTargetKind,
  DialVerb,
  GatherInputKind,
  GatherVerb,
  HttpMethod,
  PauseVerb,
  PlayVerb,
  PromptVerb,
  RecordingStatusEvent,
  RecordVerb,
  SayVerb,
  Verb,
} from './types.js';

export class CxmlParseError extends Error {
  override name = 'CxmlParseError';
}

// Cloudonix's own PHP SDK prints upper-case verbs, so element names are matched case-insensitively.
const CANONICAL_NAMES = [
  'Response',
  'Dial',
  'Number',
  'Sip',
  'Conference',
  'Client',
  'Service',
  'Queue',
  'Gather',
  'Say',
  'Play',
  'Pause',
  'Record',
  'Redirect',
  'Hangup',
  'Reject',
  'Converse',
  'Coach',
  'Stream',
  'Start',
  'Connect',
  'Answer',
];
const CANONICAL = new Map(CANONICAL_NAMES.map((name) => [name.toLowerCase(), name]));

const NOUN_KINDS: Record<string, DialTargetKind> = {
  Number: 'number',
  Sip: 'sip',
  Conference: 'conference',
  Client: 'client',
  Service: 'service',
  Queue: 'queue',
};

const TEXT = '#text';
const ATTRS = ':@';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Tag values stay strings: `+15551234567` must keep its `+` and `0012` its zeros.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  transformTagName: (name) => CANONICAL.get(name.toLowerCase()) ?? name,
  // Say may carry SSML; keep it raw instead of parsing <break/> as a child element.
  stopNodes: ['*.Say'],
});

type OrderedNode = Record<string, unknown>;

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: OrderedNode[];
}

function elementOf(node: OrderedNode): Element | undefined {
  const name = Object.keys(node).find((key) => key !== ATTRS);
  if (!name || name === TEXT) return undefined;
  const attrs = (node[ATTRS] ?? {}) as Record<string, unknown>;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) attributes[key] = String(value);
  const children = Array.isArray(node[name]) ? (node[name] as OrderedNode[]) : [];
  return { name, attributes, children };
}

function textOf(children: OrderedNode[]): string {
  return children
    .filter((child) => TEXT in child)
    .map((child) => String(child[TEXT]))
    .join('')
    .trim();
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return XML_ENTITIES[lower] ?? whole;
  });
}

/** Attribute reader: names matched case-insensitively, bad values reported as warnings and replaced by the default. */
class Attrs {
  constructor(
    private readonly verb: string,
    readonly raw: Record<string, string>,
    private readonly warnings: string[],
  ) {}

  str(name: string): string | undefined {
    const lower = name.toLowerCase();
    const key = Object.keys(this.raw).find((k) => k.toLowerCase() === lower);
    return key === undefined ? undefined : this.raw[key];
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const value = this.str(name);
    if (value === undefined || value.trim() === '') return fallback;
    if (!/^\d+$/.test(value.trim())) {
      this.warnings.push(`${this.verb}: ${name}="${value}" is not a non-negative integer; using ${fallback ?? 'the default'}`);
      return fallback;
    }
    return Number.parseInt(value.trim(), 10);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.str(name);
    if (value === undefined) return fallback;
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.warnings.push(`${this.verb}: ${name}="${value}" is not true/false; using ${fallback}`);
    return fallback;
  }

  method(name: string): HttpMethod {
    const value = this.str(name);
    if (value === undefined || value.trim() === '') return 'POST';
    const upper = value.trim().toUpperCase();
    if (upper === 'GET' || upper === 'POST') return upper;
    this.warnings.push(`${this.verb}: ${name}="${value}" is not GET/POST; using POST`);
    return 'POST';
  }
}

const SIP_LIKE = /^sips?:|@/i;

function parseDial(el: Element, a: Attrs, warnings: string[]): DialVerb {
  const targets: DialTarget[] = [];
  for (const child of el.children) {
    if (TEXT in child) {
      // Plain text inside Dial is one Number, or one Sip when it looks like a SIP address.
      const value = String(child[TEXT]).trim();
      if (value) targets.push({ kind: SIP_LIKE.test(value) ? 'sip' : 'number', noun: TEXT, value, attributes: {} });
      continue;
    }
    const noun = elementOf(child);
    if (!noun) continue;
    const kind = NOUN_KINDS[noun.name];
    if (!kind) warnings.push(`Dial: unknown noun <${noun.name}>`);
    targets.push({ kind: kind ?? 'other', noun: noun.name, value: textOf(noun.children), attributes: noun.attributes });
  }
  if (targets.length === 0) warnings.push('Dial: no number, SIP address or other noun to dial');
  return {
    verb: 'Dial',
    attributes: a.raw,
    targets,
    action: a.str('action'),
    method: a.method('method'),
    timeout: a.int('timeout'),
    timeLimit: a.int('timeLimit'),
    callerId: a.str('callerId'),
    callerName: a.str('callerName'),
    record: a.str('record'),
    trunks: a.str('trunks'),
  };
}

function parseSay(el: Element, a: Attrs): SayVerb {
  const ssml = textOf(el.children);
  const text = decodeEntities(ssml.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  return {
    verb: 'Say',
    attributes: a.raw,
    text,
    ssml,
    loop: a.int('loop', 1),
    voice: a.str('voice'),
    language: a.str('language'),
    answer: a.bool('answer', true),
    statusCallback: a.str('statusCallback'),
    statusCallbackMethod: a.method('statusCallbackMethod'),
  };
}

function parsePlay(el: Element, a: Attrs, warnings: string[]): PlayVerb {
  const url = textOf(el.children);
  const digits = a.str('digits');
  if (!url && !digits) warnings.push('Play: no URL and no digits');
  return {
    verb: 'Play',
    attributes: a.raw,
    url,
    loop: a.int('loop', 1),
    digits,
    answer: a.bool('answer', true),
    statusCallback: a.str('statusCallback'),
    statusCallbackMethod: a.method('statusCallbackMethod'),
  };
}

function parsePause(a: Attrs): PauseVerb {
  return { verb: 'Pause', attributes: a.raw, length: a.int('length', 1), answer: a.bool('answer', false) };
}

function parsePrompts(parent: string, el: Element, warnings: string[]): PromptVerb[] {
  const prompts: PromptVerb[] = [];
  for (const child of el.children) {
    if (TEXT in child) {
      warnings.push(`${parent}: stray text ignored`);
      continue;
    }
    const nested = elementOf(child);
    if (!nested) continue;
    const a = new Attrs(`${parent}/${nested.name}`, nested.attributes, warnings);
    if (nested.name === 'Say') prompts.push(parseSay(nested, a));
    else if (nested.name === 'Play') prompts.push(parsePlay(nested, a, warnings));
    else if (nested.name === 'Pause') prompts.push(parsePause(a));
    else warnings.push(`${parent}: <${nested.name}> is not allowed inside ${parent}; ignored`);
  }
  return prompts;
}

function parseGather(el: Element, a: Attrs, warnings: string[]): GatherVerb {
  const input: GatherInputKind[] = [];
  for (const word of (a.str('input') ?? 'dtmf')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)) {
    if (word === 'dtmf' || word === 'speech') input.push(word);
    else warnings.push(`Gather: unknown input "${word}"`);
  }
  const numDigits = a.int('numDigits');
  if (numDigits === 0) warnings.push('Gather: numDigits must be positive');
  return {
    verb: 'Gather',
    attributes: a.raw,
    action: a.str('action'),
    method: a.method('method'),
    input: input.length ? input : ['dtmf'],
    finishOnKey: a.str('finishOnKey') ?? '#',
    numDigits: numDigits || undefined,
    timeout: a.int('timeout', 5),
    maxTimeout: a.int('maxTimeout', 30),
    actionOnEmptyResult: a.bool('actionOnEmptyResult', false),
    prompts: parsePrompts('Gather', el, warnings),
  };
}

const RECORDING_EVENTS = new Set<RecordingStatusEvent>(['in-progress', 'completed', 'absent']);

function parseRecord(el: Element, a: Attrs, warnings: string[]): RecordVerb {
  const events: RecordingStatusEvent[] = [];
  for (const word of (a.str('recordingStatusCallbackEvent') ?? 'completed').split(/[\s,]+/).filter(Boolean)) {
    if (RECORDING_EVENTS.has(word as RecordingStatusEvent)) events.push(word as RecordingStatusEvent);
    else warnings.push(`Record: unknown recordingStatusCallbackEvent "${word}"`);
  }
  return {
    verb: 'Record',
    attributes: a.raw,
    action: a.str('action'),
    method: a.method('method'),
    timeout: a.int('timeout', 5),
    finishOnKey: a.str('finishOnKey') ?? '1234567890*#',
    maxLength: a.int('maxLength', 3600),
    playBeep: a.bool('playBeep', true),
    recordingStatusCallback: a.str('recordingStatusCallback'),
    recordingStatusCallbackMethod: a.method('recordingStatusCallbackMethod'),
    recordingStatusCallbackEvent: events,
    trim: a.str('trim'),
    prompts: parsePrompts('Record', el, warnings),
  };
}

function parseVerb(el: Element, warnings: string[]): Verb {
  const a = new Attrs(el.name, el.attributes, warnings);
  switch (el.name) {
    case 'Dial':
      return parseDial(el, a, warnings);
    case 'Gather':
      return parseGather(el, a, warnings);
    case 'Say':
      return parseSay(el, a);
    case 'Play':
      return parsePlay(el, a, warnings);
    case 'Pause':
      return parsePause(a);
    case 'Record':
      return parseRecord(el, a, warnings);
    case 'Redirect': {
      const url = textOf(el.children);
      if (!url) warnings.push('Redirect: no URL');
      return { verb: 'Redirect', attributes: a.raw, url, method: a.method('method') };
    }
    case 'Hangup':
      return { verb: 'Hangup', attributes: a.raw };
    case 'Reject':
      return { verb: 'Reject', attributes: a.raw, reason: a.str('reason')?.trim() || 'rejected' };
    default:
      warnings.push(`<${el.name}> is not simulated; skipped`);
      return { verb: 'Unknown', attributes: a.raw, name: el.name };
  }
}

/**
 * Parses a CXML document into its verbs, in document order. Throws CxmlParseError when the text is not
 * well-formed XML or its root is not <Response>; anything merely odd becomes a warning.
 */
export function parseCxml(xml: string): CxmlDocument {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new CxmlParseError(`malformed XML at ${line}:${col}: ${msg}`);
  }
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(xml) as OrderedNode[];
  } catch (err) {
    throw new CxmlParseError(`malformed XML: ${(err as Error).message}`);
  }
  const roots = nodes.map(elementOf).filter((el): el is Element => el !== undefined);
  const root = roots[0];
  if (roots.length !== 1 || !root) throw new CxmlParseError('a CXML document must have exactly one root element');
  if (root.name !== 'Response') throw new CxmlParseError(`root element is <${root.name}>, expected <Response>`);

  const warnings: string[] = [];
  const verbs: Verb[] = [];
  for (const child of root.children) {
    if (TEXT in child) {
      if (String(child[TEXT]).trim()) warnings.push('Response: stray text ignored');
      continue;
    }
    const el = elementOf(child);
    if (el) verbs.push(parseVerb(el, warnings));
  }
  return { verbs, warnings };
}
