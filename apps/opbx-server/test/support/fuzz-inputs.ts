import fc from 'fast-check';

/**
 * Generators of hostile input for the fuzz suite: what a scanner, a broken client or an attacker
 * sends to the HTTP API, the voice webhooks and the Pusher WebSocket server. Every generator is
 * driven by fast-check's seeded random source, so one seed reproduces one run exactly.
 */

/** Strings a parser might choke on: bad escapes, control bytes, long runs, odd Unicode. */
export const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4%A', '%00', '%ff%fe', '..', '//', '\\', '\u0000', '\ud800', '\uffff', '\r\n', '{{', ']]', '?', '#', '&&==&', '%25%'),
  fc.nat({ max: 5000 }).map((n) => 'a'.repeat(n)),
  fc.nat({ max: 3000 }).map((n) => '%'.repeat(n)),
);

/** Any JSON value, deeply nested ones included. */
export const anyJson = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 6 }),
  fc.constantFrom(null, 0, -1, 1e308, '', [], {}, true),
  fc.integer({ min: 1, max: 2000 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown),
);

/** encodeURIComponent, except that a lone surrogate (which it refuses) becomes `_`. */
const encode = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '_'));
  }
};

/** Keeps printable ASCII and percent-encodes every other byte, so the request line gets past Node's parser to the routes. */
const urlSafe = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => (b > 0x20 && b < 0x7f && b !== 0x23 ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');

/** Header values: mostly printable (to reach the handlers), sometimes anything (to test the parser). */
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }) },
  { weight: 1, arbitrary: nastyText },
);

const VOICE_FIELDS = [
  'CallSid',
  'From',
  'To',
  'Direction',
  'Domain',
  'AccountSid',
  'SessionData',
  'DialCallStatus',
  'CallStatus',
  'Digits',
  'RecordingUrl',
  'status',
  'session',
  'token',
  'callerId',
  'destination',
  'duration',
  'disposition',
];

/** A voice or webhook body: random fields of random types, as JSON, form, raw bytes or deep nesting. */
export const webhookBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...VOICE_FIELDS), anyJson, { maxKeys: 8 }).map((o) => ({ type: 'application/json', body: JSON.stringify(o) })),
  anyJson.map((v) => ({ type: 'application/json', body: JSON.stringify(v) ?? 'null' })),
  fc.dictionary(fc.oneof(fc.constantFrom(...VOICE_FIELDS), nastyText), nastyText, { maxKeys: 8 }).map((o) => ({
    type: 'application/x-www-form-urlencoded',
    body: Object.entries(o)
      .map(([k, v]) => `${encode(k)}=${encode(v)}`)
      .join('&'),
  })),
  nastyText.map((t) => ({ type: 'application/x-www-form-urlencoded', body: t })),
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ type: 'application/json', body: Buffer.from(b) })),
  fc
    .tuple(fc.constantFrom('text/xml', 'multipart/form-data; boundary=x', '', 'application/json; charset=utf-7', 'application/*'), nastyText)
    .map(([type, body]) => ({ type, body })),
  fc.integer({ min: 65, max: 100_000 }).map((n) => ({ type: 'application/json', body: '{"a":'.repeat(n) + '1' + '}'.repeat(n) })),
);

const PATHS = [
  '/api/voice/route',
  '/api/voice/callback',
  '/api/voice/voicemail',
  '/api/voice/recording',
  '/api/webhooks/cloudonix/session-update',
  '/api/webhooks/cloudonix/cdr',
  '/api/v1/auth/login',
  '/api/v1/auth/refresh',
  '/api/v1/users',
  '/api/v1/extensions',
  '/api/v1/dids',
  '/api/v1/ring-groups',
  '/api/v1/business-hours',
  '/api/v1/call-logs',
  '/api/v1/call-logs/export',
  '/api/v1/settings/cloudonix',
  '/api/v1/health',
  '/broadcasting/auth',
  '/metrics',
  '/',
  '/api/docs',
];

/** An HTTP request line, headers and body, sent raw over TCP (so nothing is normalized on the way). */
export const httpRequest = fc
  .record({
    method: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') },
      fc.constantFrom('get', 'BREW', 'GET /', ''),
    ),
    path: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...PATHS) },
      fc.tuple(fc.constantFrom(...PATHS), nastyText).map(([p, t]) => `${p}${urlSafe(t)}`),
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...PATHS), nastyText, nastyText).map(([p, k, v]) => `${p}?${encode(k)}=${urlSafe(v)}`) },
      nastyText.map((t) => `/${urlSafe(t)}`),
      nastyText.map((t) => t.replace(/[\s]/g, '') || '/'),
    ),
    headers: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.array(
          fc.tuple(fc.constantFrom('x-request-id', 'accept', 'x-cx-apikey', 'cookie', 'origin', 'accept-encoding', 'x-junk', 'user-agent'), headerValue),
          { maxLength: 4 },
        ),
      },
      // What Node's own parser refuses (400) before any route sees it.
      fc.array(fc.tuple(fc.constantFrom('content-type', 'authorization', 'transfer-encoding', 'expect', 'content-encoding'), nastyText), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
    body: fc.option(webhookBody, { nil: undefined }),
    auth: fc.constantFrom('none', 'valid', 'garbage'),
  })
  .map((r) => r);

export type FuzzHttpRequest = typeof httpRequest extends fc.Arbitrary<infer T> ? T : never;

/** The raw text of an upgrade request: sometimes well formed, often not. */
export const upgradeRequest = fc
  .record({
    target: fc.oneof(
      fc.constantFrom('//', '/app/%ZZ', '/app/', '/app//', '*', 'http://[', '/app/%E0%A4%A', '/app/opbx-app-key?protocol=%', '/app/opbx-app-key?protocol=-1'),
      nastyText.map((t) => `/app/${t.replace(/\s/g, '')}`),
      nastyText.map((t) => t.replace(/\s/g, '') || '/'),
      fc.constantFrom('/app/{key}?protocol=7', '/app/{key}?protocol=abc', '/app/{key}'),
    ),
    version: fc.constantFrom('13', '8', '', 'x', '13, 8'),
    key: fc.oneof(fc.constant('dGhlIHNhbXBsZSBub25jZQ=='), nastyText),
    extra: fc.array(
      fc.tuple(fc.constantFrom('Sec-WebSocket-Extensions', 'Sec-WebSocket-Protocol', 'Origin', 'X-Forwarded-For', 'Connection', 'Upgrade'), nastyText),
      { maxLength: 4 },
    ),
    method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'get'),
  })
  .map((u) => u);

export type FuzzUpgrade = typeof upgradeRequest extends fc.Arbitrary<infer T> ? T : never;

const PUSHER_EVENTS = [
  'pusher:subscribe',
  'pusher:unsubscribe',
  'pusher:ping',
  'pusher:pong',
  'pusher:signin',
  'pusher:error',
  'client-typing',
  'pusher_internal:subscription_succeeded',
];

/** A WebSocket frame: Pusher events with wrong types, random JSON, binary, invalid UTF-8, oversized. */
export const wsFrame = fc.oneof(
  fc
    .record({ event: fc.constantFrom(...PUSHER_EVENTS), data: anyJson, channel: fc.option(anyJson) })
    .map((m) => ({ kind: 'text' as const, payload: JSON.stringify(m) })),
  fc
    .record({
      event: fc.constantFrom('pusher:subscribe', 'pusher:unsubscribe'),
      channel: fc.oneof(nastyText, fc.constantFrom('private-organization.x.calls', 'presence-organization.x', 'public')),
      auth: fc.oneof(anyJson, nastyText),
      channel_data: fc.oneof(
        anyJson,
        nastyText,
        anyJson.map((v) => JSON.stringify(v)),
      ),
    })
    .map((m) => ({
      kind: 'text' as const,
      payload: JSON.stringify({ event: m.event, data: { channel: m.channel, auth: m.auth, channel_data: m.channel_data } }),
    })),
  fc
    .record({ event: fc.constantFrom(...PUSHER_EVENTS), data: anyJson })
    .map((m) => ({ kind: 'text' as const, payload: JSON.stringify({ event: m.event, data: JSON.stringify(m.data) }) })),
  anyJson.map((v) => ({ kind: 'text' as const, payload: JSON.stringify(v) ?? 'null' })),
  nastyText.map((t) => ({ kind: 'text' as const, payload: t })),
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: 'binary' as const, payload: Buffer.from(b) })),
  fc.uint8Array({ minLength: 1, maxLength: 50 }).map((b) => ({
    kind: 'raw-text' as const,
    payload: Buffer.concat([Buffer.from('{"event":"'), Buffer.from(b), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
  })),
  fc.integer({ min: 17_000, max: 40_000 }).map((n) => ({ kind: 'text' as const, payload: `{"event":"pusher:ping","data":"${'x'.repeat(n)}"}` })),
);

export type FuzzFrame = typeof wsFrame extends fc.Arbitrary<infer T> ? T : never;

export function sample<T>(arb: fc.Arbitrary<T>, seed: number, count: number): T[] {
  return fc.sample(arb, { seed, numRuns: count });
}
