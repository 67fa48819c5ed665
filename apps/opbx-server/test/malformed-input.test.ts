import { randomUUID } from 'node:crypto';

import { newId, nowIso } from '@opbx/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Api, randomE164, type Reply, uniqueEmail } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createCredentialedOrg, created, type CredentialedOrg, expectEnvelope, PASSWORD } from './support/fixtures.js';
import { type Field, type Mutation, mutations } from './support/mutations.js';
import { diffSnapshots, type Snapshot, snapshotDatabase } from './support/snapshot.js';

/**
 * Every write route gets its valid body mutated one field at a time plus a fixed set of hostile
 * requests. Each must get a 4xx error envelope (422 VALIDATION_ERROR naming the field where it
 * is a validation problem), never a 500, and leave every table exactly as it was. The valid body
 * itself is sent last, to prove that the mutation (and nothing else) was the problem.
 */

let server: TestServer;
let org: CredentialedOrg;
let other: CredentialedOrg;
/** The organization's Cloudonix requests key (the settings route's valid body keeps it). */
const WEBHOOK_KEY = 'malformed-suite-key-0001';
const t = {
  ext: '',
  ext2: '',
  ringGroup: '',
  hours: '',
  did: '',
  didNumber: '',
  freeUser: '',
  patchUser: '',
  otherExt: '',
  otherDidNumber: '',
  box: '',
  boxMessage: '',
};

// ── field shapes ───────────────────────────────────────────────────────────────────────────

const text = (max: number, o: Partial<Extract<Field, { kind: 'text' }>> = {}): Field => ({ kind: 'text', max, control: 'all', ...o });
const name = (max: number): Field => text(max, { min: 1, trim: true });
const oneOf = (...values: string[]): Field => ({ kind: 'enum', values });
const int = (min: number, max: number): Field => ({ kind: 'int', min, max });
const bool: Field = { kind: 'bool' };
const id = (checked: boolean): Field => ({ kind: 'id', checked });
const obj = (fields: Record<string, Field>, o: Partial<Field> = {}): Field => ({ kind: 'object', fields, ...o }) as Field;
const req = (f: Field): Field => ({ ...f, required: true });
const nullable = (f: Field): Field => ({ ...f, nullOk: true });

const STATUS = oneOf('active', 'inactive');
const TIMEZONE = text(64, { bad: ['Mars/Olympus', 'UTC+2', '+02:00', 'America/New York', '../../etc/passwd', 'Europe/Nowhere'] });
const EMAIL = text(254, { min: 1, trim: true, bad: ['not-an-email', 'a@', '@example.com', 'two words@example.com', 'a@b', 'a@@example.com'] });
const E164 = text(32, { control: 'noWhitespace', bad: ['12345', '+0155501000', 'phone', '+1555abc1234', '+1234567890123456', '++15550100000'] });
const EXTENSION_NUMBER = text(8, { bad: ['1', '123456789', '12a', '+100', '-12', '٣٣٣', '1.5'] });
const USER_PASSWORD = text(128, { min: 8, control: 'none', bad: ['short1', 'onlyletters', '1234567890'] });
const SIP_CONFIG = obj({
  username: text(64, { bad: ['a', 'has space', 'ünïcode', 'semi;colon', 'x'.repeat(65)] }),
  domain: text(253, { bad: ['-bad.example', 'bad-.example', 'a..b', 'under_score!.com', 'x'.repeat(254)] }),
  password: text(64, { min: 12, bad: ['Short1', 'nodigitsatallhere', '123456789012345', 'has space 12345', 'ünïcödé-1234567'] }),
});
const forwarding = (ownNumber: string) =>
  nullable(
    obj({
      enabled: req(bool),
      destination: text(32, { bad: ['abc', '1', '+0123', ownNumber, '999999', '+1 555 abc'] }),
      on_no_answer: bool,
    }),
  );
const TIME = (bad: string[]) => text(5, { bad });
const schedules = (required: boolean): Field => ({
  kind: 'array',
  max: 70,
  required,
  item: obj({
    day_of_week: req(int(0, 6)),
    open_time: req(TIME(['9:00', '24:00', '12:60', 'noon', '09:00:00'])),
    close_time: req(TIME(['24:01', '25:00', '9am', '17:00 ', '5:00'])),
  }),
  extra: [
    { label: 'a range that closes when it opens', value: [{ day_of_week: 1, open_time: '09:00', close_time: '09:00' }], field: 'schedules.0.close_time' },
    {
      label: 'overlapping ranges',
      value: [
        { day_of_week: 1, open_time: '09:00', close_time: '17:00' },
        { day_of_week: 1, open_time: '12:00', close_time: '18:00' },
      ],
      field: 'schedules.1',
    },
  ],
});
const HOLIDAYS: Field = {
  kind: 'array',
  max: 366,
  item: obj({ date: req(text(10, { bad: ['2026-02-30', '2026-13-01', '26-01-01', 'tomorrow', '2026/01/01'] })), name: req(name(100)) }),
  extra: [
    {
      label: 'the same date twice',
      value: [
        { date: '2026-01-01', name: 'One' },
        { date: '2026-01-01', name: 'Two' },
      ],
      field: 'holidays.1.date',
    },
  ],
};
const openRouting = (required: boolean): Field => ({
  ...obj({ type: req(oneOf('extension', 'ring_group')), extension_id: id(true), ring_group_id: nullable(id(false)) }),
  required,
});
const closedRouting = (required: boolean): Field => ({
  ...obj({ type: req(oneOf('voicemail', 'extension', 'ring_group', 'hangup')), ring_group_id: id(true), extension_id: nullable(id(false)) }),
  required,
});
const MEMBERS = (required: boolean): Field => ({
  kind: 'array',
  min: 1,
  max: 50,
  required,
  item: obj({ extension_id: req(id(true)), priority: req(int(1, 100)) }),
  extra: [
    {
      label: 'the same extension twice',
      value: [
        { extension_id: 'EXT', priority: 1 },
        { extension_id: 'EXT', priority: 2 },
      ],
      field: 'members.1.extension_id',
    },
  ],
});
const FALLBACK = nullable(
  obj(
    { type: req(oneOf('voicemail', 'extension', 'hangup')), extension_id: id(true) },
    {
      extra: [
        { label: 'hangup with an extension', value: { type: 'hangup', extension_id: 'EXT' }, field: 'fallback_action.extension_id' },
        { label: 'extension without one', value: { type: 'extension' }, field: 'fallback_action.extension_id' },
      ],
    },
  ),
);

interface WriteRoute {
  route: string;
  url: () => string;
  /** Who sends it (login: nobody). */
  as: () => Api;
  base: () => Record<string, unknown>;
  shape: () => Record<string, Field>;
  /** false where the body is deliberately lenient about extra keys (Pusher authorizers may add params). */
  strict?: boolean;
  /** Status of the base body once every bad one was refused. */
  okStatus: number;
}

// prettier-ignore
const ROUTES: WriteRoute[] = [
  {
    route: 'POST /api/v1/auth/login', url: () => '/auth/login', as: () => org.anon, okStatus: 200,
    base: () => ({ email: org.emails.agent, password: PASSWORD }),
    shape: () => ({ email: req(EMAIL), password: req(text(256, { min: 1, control: 'none' })) }),
  },
  {
    route: 'PATCH /api/v1/organization', url: () => '/organization', as: () => org.owner, okStatus: 200,
    base: () => ({ name: 'Renamed Org', timezone: 'Europe/Berlin', settings: { default_caller_id: t.didNumber, voicemail_enabled: true, recording_enabled: false } }),
    shape: () => ({
      name: name(255),
      timezone: TIMEZONE,
      settings: obj({ default_caller_id: nullable(E164), voicemail_enabled: nullable(bool), recording_enabled: nullable(bool) }),
    }),
  },
  {
    route: 'POST /api/v1/users', url: () => '/users', as: () => org.owner, okStatus: 201,
    base: () => ({ name: 'New Person', email: uniqueEmail('new'), password: 'Str0ng-pass', role: 'agent', status: 'active', extension_number: '650' }),
    shape: () => ({
      name: req(name(255)),
      email: req(EMAIL),
      password: req(USER_PASSWORD),
      role: req(oneOf('owner', 'admin', 'agent')),
      status: STATUS,
      extension_number: { ...EXTENSION_NUMBER, extra: [{ label: 'a number already in use', value: '300', status: 409 }] },
    }),
  },
  {
    route: 'PATCH /api/v1/users/:id', url: () => `/users/${t.patchUser}`, as: () => org.owner, okStatus: 200,
    base: () => ({ name: 'Renamed Person', email: uniqueEmail('renamed'), password: 'N3w-password', role: 'admin', status: 'active' }),
    shape: () => ({
      name: name(255),
      email: { ...EMAIL, extra: [{ label: "another user's email", value: org.emails.admin, status: 409 }] },
      password: USER_PASSWORD,
      role: oneOf('owner', 'admin', 'agent'),
      status: STATUS,
    }),
  },
  {
    route: 'POST /api/v1/extensions', url: () => '/extensions', as: () => org.owner, okStatus: 201,
    base: () => ({
      extension_number: '660', type: 'user', user_id: t.freeUser, status: 'active',
      sip_config: { username: 'sip-660', domain: 'sip.example.com', password: 'SipPassw0rd-660' },
      voicemail_enabled: true, call_forwarding: { enabled: true, destination: '500', on_no_answer: true },
    }),
    shape: () => ({
      extension_number: req({ ...EXTENSION_NUMBER, extra: [{ label: 'a number already in use', value: '500', status: 409 }] }),
      type: req(oneOf('user', 'virtual', 'queue')),
      user_id: { ...nullable(id(true)), extra: [{ label: 'a user who already has an extension', value: org.agentId, status: 409 }] },
      status: STATUS,
      sip_config: SIP_CONFIG,
      voicemail_enabled: bool,
      call_forwarding: forwarding('660'),
    }),
  },
  {
    route: 'PATCH /api/v1/extensions/:id', url: () => `/extensions/${t.ext2}`, as: () => org.owner, okStatus: 200,
    base: () => ({
      extension_number: '661', status: 'active', sip_config: { username: 'sip-661', domain: 'sip.example.com', password: 'SipPassw0rd-661' },
      voicemail_enabled: false, call_forwarding: { enabled: true, destination: '500', on_no_answer: false },
    }),
    shape: () => ({
      extension_number: { ...EXTENSION_NUMBER, extra: [{ label: 'a number already in use', value: '500', status: 409 }] },
      // A virtual extension cannot be assigned to anybody, whoever it is.
      user_id: { ...nullable(id(true)), extra: [{ label: 'a user of the organization (virtual extension)', value: t.freeUser }] },
      status: STATUS,
      sip_config: SIP_CONFIG,
      voicemail_enabled: bool,
      call_forwarding: forwarding('661'),
    }),
  },
  {
    route: 'POST /api/v1/dids', url: () => '/dids', as: () => org.owner, okStatus: 201,
    base: () => ({
      phone_number: randomE164(), friendly_name: 'Main line', routing_type: 'extension',
      routing_config: { extension_id: t.ext, ring_group_id: null, fallback_extension_id: t.ext2, voicemail_greeting: 'Please leave a message.\nThanks.' },
      status: 'active',
    }),
    shape: () => ({
      phone_number: req({ ...E164, extra: [{ label: "another organization's number", value: t.otherDidNumber, status: 409 }] }),
      friendly_name: nullable(text(255)),
      routing_type: req(oneOf('extension', 'ring_group', 'business_hours', 'voicemail')),
      routing_config: req(obj({
        extension_id: id(true),
        ring_group_id: nullable(id(false)),
        business_hours_id: nullable(id(false)),
        fallback_extension_id: nullable(id(true)),
        voicemail_greeting: nullable(text(500, { control: 'noWhitespace' })),
      })),
      status: STATUS,
    }),
  },
  {
    route: 'PATCH /api/v1/dids/:id', url: () => `/dids/${t.did}`, as: () => org.owner, okStatus: 200,
    base: () => ({ friendly_name: 'Support line', routing_type: 'extension', routing_config: { extension_id: t.ext2, fallback_extension_id: t.ext, voicemail_greeting: 'Hello' }, status: 'active' }),
    shape: () => ({
      phone_number: { kind: 'never', samples: [randomE164(), t.otherDidNumber, '', 1] },
      friendly_name: nullable(text(255)),
      routing_type: oneOf('extension', 'ring_group', 'business_hours', 'voicemail'),
      routing_config: obj({
        extension_id: id(true),
        ring_group_id: nullable(id(false)),
        business_hours_id: nullable(id(false)),
        fallback_extension_id: nullable(id(true)),
        voicemail_greeting: nullable(text(500, { control: 'noWhitespace' })),
      }),
      status: STATUS,
    }),
  },
  {
    route: 'POST /api/v1/ring-groups', url: () => '/ring-groups', as: () => org.owner, okStatus: 201,
    base: () => ({ name: 'Support line', strategy: 'round_robin', timeout: 25, members: [{ extension_id: t.ext, priority: 1 }, { extension_id: t.ext2, priority: 2 }], fallback_action: { type: 'extension', extension_id: org.agentExtensionId }, status: 'active' }),
    shape: () => ({
      name: req({ ...name(100), extra: [{ label: 'a name already in use', value: 'Existing Group', status: 409 }] }),
      strategy: req(oneOf('simultaneous', 'round_robin', 'sequential')),
      timeout: int(5, 300),
      members: withExt(MEMBERS(true)),
      fallback_action: withExt(FALLBACK),
      status: STATUS,
    }),
  },
  {
    route: 'PATCH /api/v1/ring-groups/:id', url: () => `/ring-groups/${t.ringGroup}`, as: () => org.owner, okStatus: 200,
    base: () => ({ name: 'Renamed Group', strategy: 'sequential', timeout: 40, members: [{ extension_id: t.ext2, priority: 5 }], fallback_action: { type: 'voicemail', extension_id: t.ext }, status: 'active' }),
    shape: () => ({
      name: name(100),
      strategy: oneOf('simultaneous', 'round_robin', 'sequential'),
      timeout: int(5, 300),
      members: withExt(MEMBERS(false)),
      fallback_action: withExt(FALLBACK),
      status: STATUS,
    }),
  },
  {
    route: 'POST /api/v1/business-hours', url: () => '/business-hours', as: () => org.owner, okStatus: 201,
    base: () => ({
      name: 'Support hours', timezone: 'Asia/Tokyo',
      schedules: [{ day_of_week: 1, open_time: '09:00', close_time: '17:00' }, { day_of_week: 5, open_time: '22:00', close_time: '02:00' }],
      holidays: [{ date: '2026-01-01', name: 'New Year' }],
      open_hours_routing: { type: 'extension', extension_id: t.ext, ring_group_id: null },
      closed_hours_routing: { type: 'ring_group', ring_group_id: t.ringGroup },
    }),
    shape: () => ({
      name: req(name(100)),
      timezone: TIMEZONE,
      schedules: schedules(true),
      holidays: HOLIDAYS,
      open_hours_routing: { ...openRouting(true), extra: [{ label: 'a closed-only type', value: { type: 'hangup' }, field: 'open_hours_routing.type' }] },
      closed_hours_routing: closedRouting(true),
    }),
  },
  {
    route: 'PATCH /api/v1/business-hours/:id', url: () => `/business-hours/${t.hours}`, as: () => org.owner, okStatus: 200,
    base: () => ({
      name: 'Renamed hours', timezone: 'America/Chicago',
      schedules: [{ day_of_week: 3, open_time: '10:00', close_time: '24:00' }],
      holidays: [{ date: '2026-12-25', name: 'Christmas' }],
      open_hours_routing: { type: 'extension', extension_id: t.ext2 },
      closed_hours_routing: { type: 'ring_group', ring_group_id: t.ringGroup },
    }),
    shape: () => ({
      name: name(100),
      timezone: TIMEZONE,
      schedules: schedules(false),
      holidays: HOLIDAYS,
      open_hours_routing: openRouting(false),
      closed_hours_routing: closedRouting(false),
    }),
  },
  {
    route: 'POST /api/v1/call-path', url: () => '/call-path', as: () => org.owner, okStatus: 200,
    base: () => ({ from: '500', to: t.didNumber, at: '2026-12-07T14:00:00-05:00' }),
    shape: () => ({
      from: text(64, { bad: ['hello', 'sip:500@example.com'] }),
      to: req(text(64, { min: 1, trim: true, bad: ['hello', 'sip:500@example.com'] })),
      at: text(40, { bad: ['tomorrow', '2026-13-01T00:00:00Z', '2026-12-07T14:00:00'] }),
    }),
  },
  {
    route: 'PUT /api/v1/settings/cloudonix', url: () => '/settings/cloudonix', as: () => org.owner, okStatus: 200,
    base: () => ({ domain_uuid: 'malformed-domain-uuid', domain_name: 'acme.cloudonix.net', requests_key: WEBHOOK_KEY, webhook_base_url: 'https://pbx.acme.example' }),
    shape: () => ({
      domain_uuid: req(text(64, { min: 1, trim: true })),
      domain_name: req(text(253, { min: 1, trim: true, bad: ['-acme.net', 'acme .net', 'acme_net!', 'acme.net.', 'ünï.net'] })),
      requests_key: text(128, { min: 16, bad: ['short', 'has spaces in this key', 'ünïcödé-key-1234567'] }),
      // Tabs and newlines inside a URL are dropped by the URL standard itself, so only other controls are bad.
      webhook_base_url: req(text(500, { control: 'noWhitespace', bad: ['not a url', 'ftp://pbx.example.com', 'javascript:alert(1)', '//pbx.example.com', 'https://', 'pbx.example.com'] })),
    }),
  },
  {
    route: 'PUT /api/v1/settings/outbound-policy', url: () => '/settings/outbound-policy', as: () => org.owner, okStatus: 200,
    base: () => ({ country: 'US', allow_national: true, allow_international: false, allow_premium: false, allow_special: false, blocked_prefixes: ['+1900'], blocked_countries: ['CU'] }),
    shape: () => {
      const country = text(2, { bad: ['XX', 'us', 'USA', 'U'] });
      return {
        country,
        allow_national: bool,
        allow_international: bool,
        allow_premium: bool,
        allow_special: bool,
        blocked_prefixes: { kind: 'array', max: 200, item: text(16, { bad: ['1900', '+0', '+', '+1 900', '+1234567890123456'] }) },
        blocked_countries: { kind: 'array', max: 250, item: country },
      };
    },
  },
  {
    route: 'POST /broadcasting/auth', url: () => '/broadcasting/auth', as: () => org.agent, okStatus: 200, strict: false,
    base: () => ({ socket_id: '123.456', channel_name: `private-organization.${org.organizationId}.calls` }),
    shape: () => ({
      socket_id: req(text(41, { min: 1, bad: ['123', 'abc.def', '1.2.3', '123456789012345678901.1', '-1.1'] })),
      // A name that is not one of the caller's channels is refused as such (403), whatever it contains.
      channel_name: req(text(200, {
        min: 1, control: 'none',
        extra: [
          { label: "another organization's channel", value: `private-organization.${other.organizationId}.calls`, status: 403 },
          { label: 'a made-up channel', value: 'private-admin', status: 403 },
          { label: 'a control character', value: `private-organization.${org.organizationId}.\u0000calls`, status: 403 },
        ],
      })),
    }),
  },
  {
    route: 'PATCH /api/v1/voicemail-boxes/:id', url: () => `/voicemail-boxes/${t.box}`, as: () => org.owner, okStatus: 200,
    base: () => ({ name: 'Front desk', greeting: 'Please leave a message.\nThanks.' }),
    shape: () => ({ name: name(100), greeting: nullable(text(500, { control: 'noWhitespace', trim: true })) }),
  },
  {
    route: 'PATCH /api/v1/voicemail-boxes/:id/messages/:messageId', url: () => `/voicemail-boxes/${t.box}/messages/${t.boxMessage}`, as: () => org.owner, okStatus: 200,
    base: () => ({ read: true }),
    shape: () => ({
      read: req({
        ...bool,
        extra: ['true', 'false', 'yes', 1, 0, -1, [true], { value: true }, 'read'].map((value) => ({ label: `read as ${JSON.stringify(value)}`, value })),
      }),
    }),
  },
];

/** Puts a real extension id where a shape's extra case says 'EXT'. */
function withExt(field: Field): Field {
  const swap = (v: unknown): unknown => JSON.parse(JSON.stringify(v), (_k, x) => (x === 'EXT' ? t.ext : x));
  return { ...field, extra: field.extra?.map((e) => ({ ...e, value: swap(e.value) })) } as Field;
}

// ── fixed hostile requests ─────────────────────────────────────────────────────────────────

interface RawCase {
  label: string;
  payload?: string | Buffer;
  contentType?: string;
  status: number;
  /** Only for routes that refuse unknown keys. */
  strictOnly?: boolean;
}

function hostile(base: Record<string, unknown>): RawCase[] {
  const json = JSON.stringify(base);
  const j = (label: string, value: unknown, strictOnly = false): RawCase => ({
    label,
    payload: JSON.stringify(value),
    contentType: 'application/json',
    status: 422,
    strictOnly,
  });
  const r = (label: string, payload: string | Buffer | undefined, contentType: string | undefined, status = 422): RawCase => ({
    label,
    payload,
    contentType,
    status,
  });
  return [
    j('an unknown top-level field', { ...base, evil: true }, true),
    j('organization_id smuggled in', { ...base, organization_id: other.organizationId }, true),
    j('id smuggled in', { ...base, id: randomUUID() }, true),
    j('created_at smuggled in', { ...base, created_at: '2000-01-01T00:00:00.000Z' }, true),
    j('1000 unknown fields', { ...base, ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])) }, true),
    { ...r('a __proto__ key', `{"__proto__":{"role":"owner","admin":true},${json.slice(1)}`, 'application/json'), strictOnly: true },
    { ...r('a constructor.prototype key', `{"constructor":{"prototype":{"polluted":true}},${json.slice(1)}`, 'application/json'), strictOnly: true },
    j('an array holding the body', [base]),
    j('an empty array', []),
    j('a string', 'body'),
    j('a number', 42),
    j('true', true),
    r('JSON null', 'null', 'application/json'),
    r('truncated JSON', json.slice(0, Math.floor(json.length / 2)), 'application/json'),
    r('an open brace', '{', 'application/json'),
    r('single quotes', json.replace(/"/g, "'"), 'application/json'),
    r('a trailing comma', `${json.slice(0, -1)},}`, 'application/json'),
    r('trailing garbage', `${json}x`, 'application/json'),
    r('two JSON documents', `${json}${json}`, 'application/json'),
    r('NaN', `{"x":NaN,${json.slice(1)}`, 'application/json'),
    r('a comment', `/* c */${json}`, 'application/json'),
    r('invalid UTF-8', Buffer.concat([Buffer.from('{"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('":1}')]), 'application/json'),
    { ...r('a lone surrogate escape in a key', `{"\\ud800":1,${json.slice(1)}`, 'application/json'), strictOnly: true },
    r('5000 nested arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'application/json'),
    r('text/plain', json, 'text/plain'),
    r('application/xml', '<body><name>x</name></body>', 'application/xml'),
    r('multipart/form-data', `--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n`, 'multipart/form-data; boundary=b'),
    r('form-encoded JSON text', json, 'application/x-www-form-urlencoded'),
    r('a JSON-patch content type', json, 'application/json-patch+json'),
    r('no content type', Buffer.from(json), undefined),
    r('an empty JSON body', '', 'application/json'),
    r('only whitespace', '   \n ', 'application/json'),
    r('no body at all', undefined, undefined),
    r('2 MB', JSON.stringify({ ...base, padding: 'z'.repeat(2 * 1024 * 1024) }), 'application/json', 413),
  ];
}

async function raw(api: Api, method: string, url: string, payload: string | Buffer | undefined, contentType: string | undefined): Promise<Reply> {
  const res = await api.app.inject({
    method: method as 'POST',
    url: url.startsWith('/broadcasting') ? url : `/api/v1${url}`,
    headers: { ...(api.token ? { authorization: `Bearer ${api.token}` } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
    ...(payload === undefined ? {} : { payload }),
  });
  let body: any = res.body;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    // keep the text: the assertion below will show it
  }
  return { status: res.statusCode, body, headers: res.headers };
}

// ── setup ──────────────────────────────────────────────────────────────────────────────────

beforeAll(async () => {
  server = await createTestServer();
  org = await createCredentialedOrg(server.app, server.ctx, 'Malformed Org');
  other = await createCredentialedOrg(server.app, server.ctx, 'Other Org');
  t.ext = await created(org.owner, '/extensions', { extension_number: '500', type: 'virtual' });
  t.ext2 = await created(org.owner, '/extensions', { extension_number: '501', type: 'virtual' });
  t.ringGroup = await created(org.owner, '/ring-groups', { name: 'Existing Group', strategy: 'simultaneous', members: [{ extension_id: t.ext, priority: 1 }] });
  t.hours = await created(org.owner, '/business-hours', {
    name: 'Existing Hours',
    schedules: [{ day_of_week: 1, open_time: '09:00', close_time: '17:00' }],
    open_hours_routing: { type: 'ring_group', ring_group_id: t.ringGroup },
    closed_hours_routing: { type: 'hangup' },
  });
  t.didNumber = randomE164();
  t.did = await created(org.owner, '/dids', { phone_number: t.didNumber, routing_type: 'extension', routing_config: { extension_id: t.ext } });
  t.freeUser = await created(org.owner, '/users', { name: 'No Extension', email: uniqueEmail('free'), password: PASSWORD, role: 'agent' });
  t.patchUser = await created(org.owner, '/users', { name: 'Patch Target', email: uniqueEmail('patch'), password: PASSWORD, role: 'agent' });
  t.otherExt = await created(other.owner, '/extensions', { extension_number: '500', type: 'virtual' });
  t.otherDidNumber = randomE164();
  await created(other.owner, '/dids', { phone_number: t.otherDidNumber, routing_type: 'extension', routing_config: { extension_id: t.otherExt } });
  const settings = await org.owner.request('PUT', '/settings/cloudonix', {
    domain_uuid: 'd',
    domain_name: 'acme.cloudonix.net',
    webhook_base_url: 'https://pbx.acme.example',
    requests_key: WEBHOOK_KEY,
  });
  if (settings.status !== 200) throw new Error(JSON.stringify(settings.body));
  t.box = (await org.owner.get('/voicemail-boxes')).body.data[0].id;
  t.boxMessage = newId();
  await server.ctx.db
    .insertInto('voicemails')
    .values({
      id: t.boxMessage,
      organization_id: org.organizationId,
      extension_id: null,
      box_id: t.box,
      mailbox: t.box,
      call_id: 'malformed-suite-call',
      from_number: '+15550101234',
      recording_url: 'https://rec.example/malformed.wav',
      duration: 4,
      read_at: null,
      created_at: nowIso(),
    })
    .execute();
});
afterAll(() => server?.close());

const SNAPSHOT_EVERY = 8;

// ── the suite ──────────────────────────────────────────────────────────────────────────────

const key = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;

describe('malformed bodies on every write route', () => {
  it('covers every route that declares a request body', async () => {
    const spec = (await org.anon.get('/api/docs/json')).body;
    const withBody: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, { requestBody?: unknown }>>(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) if (op?.requestBody) withBody.push(key(method, path));
    }
    // Webhooks take whatever Cloudonix sends and are covered by their own suite; everything else is here.
    const expected = withBody.filter((r) => !r.includes('/api/webhooks/')).sort();
    expect(ROUTES.map((r) => r.route).sort(), 'a route with a request body is missing from the malformed-input suite').toEqual(expected);
  });

  for (const route of ROUTES) {
    it(`${route.route}: at least 50 bad bodies, each a 4xx envelope, the database untouched`, async () => {
      const [method] = route.route.split(' ') as [string];
      const base = route.base();
      const ctx = { foreignId: t.otherExt, unknownId: randomUUID() };
      const cases: (Mutation | (RawCase & { field?: undefined }))[] = [
        ...mutations(base, route.shape(), ctx),
        ...hostile(base).filter((c) => route.strict !== false || !c.strictOnly),
      ];
      expect(cases.length).toBeGreaterThanOrEqual(50);

      const failures: string[] = [];
      let before: Snapshot = await snapshotDatabase(server.ctx);
      // The database is compared every few requests (a full snapshot per request would dominate the
      // run time on PostgreSQL); a change names the requests of that batch.
      for (let start = 0; start < cases.length; start += SNAPSHOT_EVERY) {
        const batch = cases.slice(start, start + SNAPSHOT_EVERY);
        for (const c of batch) {
          const res =
            'body' in c
              ? await raw(route.as(), method, route.url(), JSON.stringify(c.body), 'application/json')
              : await raw(route.as(), method, route.url(), c.payload, c.contentType);
          const problems = check(res, c.status, c.field);
          if (problems.length) failures.push(`${c.label} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}\n      ${problems.join('\n      ')}`);
        }
        const after = await snapshotDatabase(server.ctx);
        const changes = diffSnapshots(before, after);
        if (changes.length) failures.push(`one of [${batch.map((c) => c.label).join('; ')}] changed the database: ${changes.slice(0, 3).join(' | ')}`);
        before = after;
      }
      expect(failures, `${failures.length} of ${cases.length} bad requests to ${route.route} were mishandled`).toEqual([]);

      // The unmutated body is fine: every refusal above was caused by its mutation.
      const ok = await raw(route.as(), method, route.url(), JSON.stringify(base), 'application/json');
      expect(ok.status, `the valid base body → ${JSON.stringify(ok.body)?.slice(0, 400)}`).toBe(route.okStatus);
    });
  }
});

/** What is wrong with an answer to a bad request (empty when it is right). */
function check(res: Reply, status: number, field?: string): string[] {
  const problems: string[] = [];
  if (res.status !== status) problems.push(`status ${res.status}, expected ${status}`);
  if (res.status >= 500) problems.push('a server error for bad input');
  const e = res.body?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.request_id !== 'string') return [...problems, 'not the error envelope'];
  if (e.request_id !== res.headers['x-request-id']) problems.push('request_id differs from the x-request-id header');
  if (res.status === 422) {
    if (e.code !== 'VALIDATION_ERROR') problems.push(`code ${e.code} for a 422`);
    const details: { field: unknown; message: unknown }[] = Array.isArray(e.details) ? e.details : [];
    if (!details.length || details.some((d) => typeof d.field !== 'string' || typeof d.message !== 'string'))
      problems.push('details[{field,message}] missing or malformed');
    else if (field && !details.some((d) => d.field === field || String(d.field).startsWith(`${field}.`))) {
      problems.push(`no detail for ${field} (got ${details.map((d) => d.field).join(', ')})`);
    }
  }
  return problems;
}

describe('malformed query strings and path ids', () => {
  const NUL = '%00';
  const GETS = [
    '/users?search=a%00b',
    `/users?search=${NUL}`,
    '/extensions?search=%00',
    '/dids?search=%00',
    '/ring-groups?search=%00',
    '/business-hours?search=%00',
    '/users?search=%F0%28%8C%28',
    `/users?search=${'x'.repeat(101)}`,
    '/users?per_page=0',
    '/users?per_page=101',
    '/users?per_page=abc',
    '/users?per_page=-1',
    '/users?per_page=1e3',
    '/users?page=0',
    '/users?page=-1',
    '/users?page=abc',
    '/users?page=1e12',
    '/users?page=1&page=2',
    '/users?role=superuser',
    '/users?status=deleted',
    '/extensions?type=phone',
    '/extensions?user_id=not-a-uuid',
    '/dids?routing_type=fax',
    '/ring-groups?strategy=random',
    `/users?cursor=${'x'.repeat(513)}`,
    '/users?cursor=not-base64!!',
    `/users?cursor=${Buffer.from('{"v":1}').toString('base64url')}`,
    `/users?cursor=${Buffer.from('{"v":"a","id":"b","o":-5}').toString('base64url')}`,
    // JSON escapes, so the cursor decodes to strings holding a NUL.
    `/users?cursor=${Buffer.from('{"v":"a\\u0000","id":"\\u0000","o":1}').toString('base64url')}`,
    `/extensions?cursor=${Buffer.from('{"v":{"x":1},"id":"a","o":1}').toString('base64url')}`,
    `/extensions?cursor=${Buffer.from('{"v":123,"id":"a","o":1}').toString('base64url')}`,
    `/call-logs?cursor=${Buffer.from('{"v":"zzz","id":"\\u0000","o":1}').toString('base64url')}`,
    `/dids?cursor=${Buffer.from('{"v":"+1555","id":"x\\u0000y","o":1}').toString('base64url')}`,
    '/call-logs?from_date=yesterday',
    '/call-logs?to_date=2026-02-30',
    '/call-logs?from_date=2026-01-01T25:00:00Z',
    '/call-logs?direction=sideways',
    '/call-logs?status=exploded',
    '/call-logs?search=abc',
    '/call-logs?extension_id=1',
    '/call-logs/export?did_id=x',
    '/dashboard/recent-calls?limit=0',
    '/dashboard/recent-calls?limit=101',
    '/dashboard/recent-calls?limit=abc',
    '/dashboard/call-volume?period=year',
    '/users/%00',
    '/users/..%2F..%2Fetc%2Fpasswd',
    `/users/${'a'.repeat(65)}`,
    `/extensions/${randomUUID()}%00`,
    '/dids/%E2%80%AE',
    '/ring-groups/null',
    '/business-hours/undefined',
    '/call-logs/%7B%7D',
    `/extensions/${'9'.repeat(64)}/voicemails?per_page=0`,
  ];

  it('never answer 500; refusals use the envelope; reads write nothing', async () => {
    const before = await snapshotDatabase(server.ctx);
    const failures: string[] = [];
    for (const url of GETS) {
      const res = await org.owner.get(url);
      if (res.status >= 500) failures.push(`${url} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      else if (res.status >= 400) {
        try {
          expectEnvelope(res, res.status, undefined, url);
        } catch (err) {
          failures.push(`${url}: ${(err as Error).message.slice(0, 300)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(diffSnapshots(before, await snapshotDatabase(server.ctx))).toEqual([]);
  });

  it('control characters in search terms are refused or matched literally, never a server error', async () => {
    for (const list of ['/users', '/extensions', '/dids', '/ring-groups', '/business-hours']) {
      const res = await org.owner.get(`${list}?search=%00`);
      expect(res.status, `${list}?search=%00 → ${JSON.stringify(res.body).slice(0, 200)}`).toBeLessThan(500);
    }
  });
});

describe('hostile webhook bodies', () => {
  // Cloudonix payloads are open-ended, so these routes accept unknown keys and store what they get;
  // what must still hold is: no 500 (Cloudonix would retry forever), refusals in the envelope.
  const post = (url: string, payload: string | Buffer | undefined, contentType: string | undefined = 'application/json', key: string | null = WEBHOOK_KEY) =>
    app().inject({
      method: 'POST',
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
      ...(payload === undefined ? {} : { payload }),
    });
  const app = () => server.app;
  const json = (v: unknown) => JSON.stringify(v);
  const BODIES: [string, string | Buffer | undefined, string?][] = [
    ['an empty object', json({})],
    ['an array', json([{ token: 'call-1' }])],
    ['a string', json('call-1')],
    ['null', 'null'],
    ['malformed JSON', '{"token":'],
    ['text/plain', json({ token: 'call-1' }), 'text/plain'],
    ['no body', undefined, undefined],
    ['2 MB', json({ token: 'call-1', pad: 'x'.repeat(2 * 1024 * 1024) })],
    ['a token with a NUL', json({ token: 'ca\u0000ll', session: { token: 'ca\u0000ll' } })],
    ['a token object', json({ token: { $ne: null }, session: { token: ['x'] } })],
    ['a status with a NUL', json({ token: 'call-nul-1', status: 'ring\u0000ing', callerId: '+15550100001', destination: '+15550100002' })],
    ['an event id with a NUL', json({ token: 'call-nul-2', eventId: 'ev\u0000t', status: 'ringing' })],
    ['a caller id with a NUL', json({ token: 'call-nul-3', callerId: '+1555\u00000100001', direction: 'in\u0000bound' })],
    ['a CDR call id with a NUL', json({ session: { token: 'call-nul-4', callEndTime: 1 }, call_id: 'sip\u0000id', disposition: 'ANSWER', billsec: 3 })],
    [
      'a CDR disposition with a NUL',
      json({ session: { token: 'call-nul-5' }, disposition: 'ANS\u0000WER', from: '+1555\u00000100001', to: 'x\u0000', billsec: 1 }),
    ],
    ['huge timestamps', json({ session: { token: 'call-big-1', callAnswerTime: 1e308, callEndTime: -1e308 }, timestamp: 'soon', callAnswerTime: 1e308 })],
    ['a huge billsec', json({ session: { token: 'call-big-2' }, billsec: 1e308, disposition: 'ANSWER' })],
    ['a billsec beyond 32 bits', json({ session: { token: 'call-big-3' }, billsec: 2 ** 31, disposition: 'ANSWER' })],
    ['200 kB strings', json({ token: 'call-long', status: 'y'.repeat(200 * 1024), callerId: 'z'.repeat(200 * 1024) })],
    ['5000 nested arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ];

  for (const url of ['/api/webhooks/cloudonix/session-update', '/api/webhooks/cloudonix/cdr']) {
    it(`${url}: never a server error`, async () => {
      const failures: string[] = [];
      for (const [label, payload, contentType] of BODIES) {
        const res = await post(url, payload, contentType ?? (payload === undefined ? undefined : 'application/json'));
        const body = (() => {
          try {
            return res.body ? JSON.parse(res.body) : undefined;
          } catch {
            return res.body;
          }
        })();
        if (res.statusCode >= 500) failures.push(`${label} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (res.statusCode >= 400) {
          const problems = check({ status: res.statusCode, body, headers: res.headers }, res.statusCode);
          if (problems.length) failures.push(`${label} → ${res.statusCode}: ${problems.join('; ')}`);
        }
      }
      expect(failures).toEqual([]);
      const anonymous = await post(url, json({ token: 'call-1' }), 'application/json', null);
      expect(anonymous.statusCode).toBe(401);
    });
  }
});
