/**
 * A typed CXML document builder. Every text node and attribute value goes through `escapeXml`,
 * the only escaping path, so nothing a caller or admin typed can break out of the document.
 */
type Attrs = Record<string, string | number | boolean | undefined>;

type DialNoun = { noun: 'Number'; value: string; attrs?: Attrs } | { noun: 'Sip'; value: string; attrs?: Attrs };

export type Verb =
  | { verb: 'Say'; text: string; attrs?: Attrs }
  | { verb: 'Play'; url: string; attrs?: Attrs }
  | { verb: 'Pause'; attrs?: Attrs }
  | { verb: 'Dial'; nouns: DialNoun[]; attrs?: Attrs }
  | { verb: 'Record'; attrs?: Attrs }
  | { verb: 'Redirect'; url: string; attrs?: Attrs }
  | { verb: 'Hangup' }
  | { verb: 'Reject'; attrs?: Attrs };

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(value: string): string {
  // Characters outside XML 1.0's Char production (controls, U+FFFE/FFFF, lone surrogates) would
  // make the document unparseable; drop them rather than emit a broken response.
  return value.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

function attrs(a: Attrs | undefined): string {
  if (!a) return '';
  let out = '';
  for (const [key, value] of Object.entries(a)) {
    if (value === undefined) continue;
    out += ` ${key}="${escapeXml(String(value))}"`;
  }
  return out;
}

function element(name: string, a: Attrs | undefined, body?: string): string {
  return body === undefined || body === '' ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${body}</${name}>`;
}

function renderVerb(v: Verb): string {
  switch (v.verb) {
    case 'Say':
      return element('Say', v.attrs, escapeXml(v.text));
    case 'Play':
      return element('Play', v.attrs, escapeXml(v.url));
    case 'Redirect':
      return element('Redirect', v.attrs, escapeXml(v.url));
    case 'Dial':
      return element('Dial', v.attrs, v.nouns.map((n) => element(n.noun, n.attrs, escapeXml(n.value))).join(''));
    case 'Pause':
    case 'Record':
    case 'Reject':
      return element(v.verb, v.attrs);
    case 'Hangup':
      return '<Hangup/>';
  }
}

export function renderCxml(verbs: Verb[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response>${verbs.map(renderVerb).join('')}</Response>\n`;
}

export const CXML_CONTENT_TYPE = 'application/xml; charset=utf-8';
