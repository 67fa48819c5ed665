import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEdgeKey, revokeEdgeKey } from '../src/modules/cdrs/edge-keys.js';
import { type Api, expectError, type Reply } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { uploadDeck } from './support/decks.js';
import { createStaff, createTestCustomer, type TestCustomer } from './support/fixtures.js';

/*
 * The SIP edge's HTTP contract (issue 16) without Kamailio: what /v1/internal/sip/route answers for
 * each kind of caller, how it refuses bad requests, and how /events turns the edge's end-of-call
 * lines into CDRs. test/sip-edge.test.ts proves the same answers drive real SIP.
 *
 * Two providers sell every US number: Cheap (0.004/min) and Dear (0.006/min); the customer's plan
 * sells at 0.012, so every call routes Cheap first, then Dear.
 */

let server: TestServer;
let admin: Api;
let edgeKey: string;
let customer: TestCustomer;
let partitionId: string;
const providers = { cheap: '', dear: '' };
const trunks = { acl: '', both: '', digest: '' };
const ADDR = { acl: '198.51.100.10', both: '198.51.100.20', stranger: '203.0.113.99', late: '198.51.100.30' };
const BOTH = { user: '', password: '' };
const DIGEST = { user: '', password: '' };
let callNo = 0;
const nextCallId = () => `route-api-${process.pid}-${++callNo}@test`;

const DECK_HEAD = 'prefix,interstate,intrastate,local,indeterminate,connection_fee,initial_increment,subsequent_increment,effective_date';
const deck = (rate: string) => `${DECK_HEAD}\n1,${rate},${rate},${rate},${rate},0,6,6,2026-01-01\n`;

async function addProvider(name: keyof typeof providers, rate: string) {
  const p = await admin.post('/admin/providers', {
    name: `Route API ${name}`,
    type: 'prefix',
    gateways: [{ host: `${name}.sip.example`, port: 5060, transport: 'udp', priority: 1, weight: 100 }],
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  providers[name] = p.body.data.id;
  const up = await uploadDeck(server.app, admin, `/admin/providers/${providers[name]}/rates/import`, deck(rate));
  expect(up.status, JSON.stringify(up.body)).toBe(200);
}

async function addTrunk(owner: TestCustomer, name: string, body: Record<string, unknown>) {
  const t = await owner.users.customer_admin.api.post('/trunks', { name, max_cps: 1000, max_channels: 1000, ...body });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  const assigned = await admin.post(`/admin/trunks/${t.body.data.id}/partition`, { partition_id: partitionId });
  expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
  return t.body.data as { id: string; credentials?: { username: string; password: string } };
}

/** A form-encoded request to the edge API, as Kamailio's script sends it. */
async function edgePost(path: string, payload: string, opts: { key?: string | null; type?: string } = {}): Promise<Reply> {
  const key = opts.key === undefined ? edgeKey : opts.key;
  const res = await server.app.inject({
    method: 'POST',
    url: `/v1/internal/sip/${path}`,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': opts.type ?? 'application/x-www-form-urlencoded' },
    payload,
  });
  let body: any = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    // an error page that is not JSON fails the envelope check below
  }
  return { status: res.statusCode, body, headers: res.headers };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const route = (fields: Record<string, string>, key?: string | null) => edgePost('route', form(fields), { key });
const call = (source_ip: string, extra: Record<string, string> = {}) =>
  route({ call_id: nextCallId(), source_ip, ani: '12125551000', dni: '13105550100', ...extra });

async function channels(trunkId: string): Promise<number> {
  const res = await server.app.inject({ method: 'GET', url: `/v1/internal/sip/channels/${trunkId}`, headers: { authorization: `Bearer ${edgeKey}` } });
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body).data.active as number;
}

const expectRoute = (res: Reply, trunkId: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ action: 'route', direction: 'outbound', trunk_id: trunkId });
};
const expectReject = (res: Reply, code: number, reason: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ action: 'reject', code, reason_code: reason });
};

beforeAll(async () => {
  server = await createTestServer();
  admin = (await createStaff(server, 'admin')).api;
  await addProvider('cheap', '0.004');
  await addProvider('dear', '0.006');
  const plan = 'route-api-plan';
  expect((await uploadDeck(server.app, admin, '/admin/rates/import', deck('0.012'), { rate_plan: plan })).status).toBe(200);
  customer = await createTestCustomer(server, 'Route API Customer');
  expect((await admin.patch(`/admin/customers/${customer.id}`, { rate_plan: plan })).status).toBe(200);
  const part = await admin.post('/admin/partitions', {
    name: 'Route API partition',
    providers: [{ provider_id: providers.cheap }, { provider_id: providers.dear }],
  });
  expect(part.status, JSON.stringify(part.body)).toBe(201);
  partitionId = part.body.data.id;
  trunks.acl = (await addTrunk(customer, 'ACL', { auth_type: 'ip_acl', allowed_ips: [`${ADDR.acl}/32`] })).id;
  const both = await addTrunk(customer, 'Both', { auth_type: 'both', allowed_ips: [`${ADDR.both}/32`] });
  trunks.both = both.id;
  Object.assign(BOTH, { user: both.credentials!.username, password: both.credentials!.password });
  edgeKey = (await createEdgeKey(server.ctx, 'route api edge')).key;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('the edge key', () => {
  const body = () => form({ call_id: nextCallId(), source_ip: ADDR.acl, dni: '13105550100' });

  it('is required: no key, a user’s token, or an API key get 401 with the error envelope', async () => {
    expectError(await edgePost('route', body(), { key: null }), 401, 'UNAUTHORIZED', 'no key');
    expectError(await edgePost('route', body(), { key: admin.token! }), 401, 'UNAUTHORIZED', 'staff token');
    expectError(await edgePost('route', body(), { key: customer.users.customer_admin.api.token! }), 401, 'UNAUTHORIZED', 'customer token');
    const apiKey = await customer.users.customer_admin.api.post('/api-keys', { name: 'not an edge', scopes: ['trunks:read'] });
    expect(apiKey.status, JSON.stringify(apiKey.body)).toBe(201);
    expectError(await edgePost('route', body(), { key: apiKey.body.data.secret }), 401, 'UNAUTHORIZED', 'API key');
    expectError(await edgePost('events', 'call_id=x', { key: null, type: 'text/plain' }), 401, 'UNAUTHORIZED', 'events without key');
    const res = await server.app.inject({ method: 'GET', url: `/v1/internal/sip/channels/${trunks.acl}` });
    expectError({ status: res.statusCode, body: JSON.parse(res.body), headers: res.headers }, 401, 'UNAUTHORIZED', 'channels without key');
  });

  it('a made-up key with the right prefix and a revoked key are refused', async () => {
    expectError(await edgePost('route', body(), { key: `warp_edge_${'x'.repeat(43)}` }), 401, 'UNAUTHORIZED', 'made-up key');
    // revoked before its first use: nothing cached it, so it never works
    const fresh = await createEdgeKey(server.ctx, 'revoked edge');
    expect(await revokeEdgeKey(server.ctx, fresh.id)).toBe(true);
    expectError(await edgePost('route', body(), { key: fresh.key }), 401, 'UNAUTHORIZED', 'revoked key');
    expectError(await edgePost('route', body(), { key: fresh.key }), 401, 'UNAUTHORIZED', 'revoked key, again');
  });
});

describe('a key revoked while in use', () => {
  it('stops working once the few seconds it is remembered for have passed', async () => {
    const used = await createEdgeKey(server.ctx, 'edge revoked in use');
    const body = () => form({ call_id: nextCallId(), source_ip: ADDR.acl, dni: '13105550100' });
    expect((await edgePost('route', body(), { key: used.key })).status).toBe(200);
    expect(await revokeEdgeKey(server.ctx, used.id)).toBe(true);
    let res = await edgePost('route', body(), { key: used.key });
    for (let i = 0; i < 100 && res.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await edgePost('route', body(), { key: used.key });
    }
    expectError(res, 401, 'UNAUTHORIZED', 'revoked while in use');
  }, 20_000);
});

describe('malformed requests get a 4xx envelope, never a 500', () => {
  it('missing call_id, source_ip or dni: 422 naming each field', async () => {
    const res = await route({ ani: '12125551000' });
    expectError(res, 422, 'VALIDATION_ERROR');
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['call_id', 'dni', 'source_ip']);
    expectError(await route({ call_id: nextCallId(), source_ip: ADDR.acl, dni: '' }), 422, 'VALIDATION_ERROR', 'empty dni');
    expectError(await edgePost('route', ''), 422, 'VALIDATION_ERROR', 'empty body');
  });

  it('over-long fields: 422 naming the field', async () => {
    const base = { call_id: nextCallId(), source_ip: ADDR.acl, ani: '12125551000', dni: '13105550100' };
    for (const [name, length] of [
      ['call_id', 256],
      ['source_ip', 65],
      ['ani', 65],
      ['dni', 65],
      ['auth_user', 129],
    ] as const) {
      const res = await route({ ...base, [name]: '1'.repeat(length) });
      expectError(res, 422, 'VALIDATION_ERROR', name);
      expect(res.body.details[0].field).toBe(name);
    }
  });

  it('JSON instead of a form, a repeated field, plain text, and a body over the limit are refused', async () => {
    const fields = { call_id: nextCallId(), source_ip: ADDR.acl, dni: '13105550100' };
    const json = await edgePost('route', JSON.stringify(fields), { type: 'application/json' });
    expectError(json, 422, 'VALIDATION_ERROR', 'JSON');
    expect(json.body.details).toEqual([{ field: 'body', message: 'send the call as a form' }]);
    expectError(
      await edgePost('route', JSON.stringify({ ...fields, source_ip: { ip: ADDR.acl } }), { type: 'application/json' }),
      422,
      'VALIDATION_ERROR',
      'JSON object',
    );
    expectError(await edgePost('route', `${form(fields)}&source_ip=${ADDR.acl}`), 422, 'VALIDATION_ERROR', 'repeated source_ip');
    expectError(await edgePost('route', form(fields), { type: 'text/plain' }), 422, 'VALIDATION_ERROR', 'text/plain');
    const huge = await edgePost('route', form({ ...fields, pad: 'x'.repeat(20_000) }));
    expectError(huge, 413, undefined, 'huge body');
    const hugeEvents = await edgePost('events', 'x'.repeat(5 * 1024 * 1024), { type: 'text/plain' });
    expectError(hugeEvents, 413, undefined, 'huge events batch');
    expectError(await edgePost('events', form({ call_id: 'x' }), { type: 'application/x-www-form-urlencoded' }), 422, 'VALIDATION_ERROR', 'events as a form');
  });
});

describe('decisions', () => {
  it('an IP ACL trunk is routed: rtjson routes ordered by cost, `providers` naming each route’s provider', async () => {
    const res = await call(ADDR.acl);
    expectRoute(res, trunks.acl);
    expect(res.body.decision_id).toMatch(/\S/);
    const routes = res.body.rtjson.routes as { uri: string }[];
    expect(res.body.rtjson).toMatchObject({ version: '1.0', routing: 'serial' });
    expect(routes.map((r) => r.uri)).toEqual([
      expect.stringMatching(/^sip:13105550100@cheap\.sip\.example:5060\b/),
      expect.stringMatching(/^sip:13105550100@dear\.sip\.example:5060\b/),
    ]);
    expect(res.body.providers).toBe(`${providers.cheap},${providers.dear}`);
  });

  it('an unknown source is refused (403 UNKNOWN_SOURCE) while no trunk takes digest-only calls', async () => {
    expectReject(await call(ADDR.stranger), 403, 'UNKNOWN_SOURCE');
    // a `both` trunk's user from the wrong address is no digest-only trunk either
    expectReject(await call(ADDR.stranger, { auth_user: BOTH.user, authenticated: '1' }), 403, 'AUTH_FAILED');
  });

  it('with an active digest trunk: unknown sources are challenged, then verified against HA1, then routed', async () => {
    const t = await addTrunk(customer, 'Digest', { auth_type: 'digest' });
    trunks.digest = t.id;
    Object.assign(DIGEST, { user: t.credentials!.username, password: t.credentials!.password });
    const realm = server.ctx.config.WARP_SIP_REALM;
    expect(await call(ADDR.stranger).then((r) => r.body)).toEqual({ action: 'challenge', realm });
    expectReject(await call(ADDR.stranger, { auth_user: 'nobody-we-know' }), 403, 'AUTH_FAILED');
    const ha1 = createHash('md5').update(`${DIGEST.user}:${realm}:${DIGEST.password}`).digest('hex');
    expect(await call(ADDR.stranger, { auth_user: DIGEST.user }).then((r) => r.body)).toEqual({ action: 'verify', realm, ha1 });
    expectRoute(await call(ADDR.stranger, { auth_user: DIGEST.user, authenticated: '1' }), trunks.digest);
  });

  it('a `both` trunk from its address: challenged without credentials, verified, routed once authenticated; another user is refused', async () => {
    const realm = server.ctx.config.WARP_SIP_REALM;
    expect(await call(ADDR.both).then((r) => r.body)).toEqual({ action: 'challenge', realm });
    const ha1 = createHash('md5').update(`${BOTH.user}:${realm}:${BOTH.password}`).digest('hex');
    expect(await call(ADDR.both, { auth_user: BOTH.user }).then((r) => r.body)).toEqual({ action: 'verify', realm, ha1 });
    expectRoute(await call(ADDR.both, { auth_user: BOTH.user, authenticated: '1' }), trunks.both);
    expectReject(await call(ADDR.both, { auth_user: DIGEST.user, authenticated: '1' }), 403, 'AUTH_FAILED');
  });

  it('a suspended customer is refused (403 CUSTOMER_SUSPENDED) at once, and routed again once reactivated', async () => {
    expect((await admin.post(`/admin/customers/${customer.id}/suspend`, { reason: 'unpaid invoice' })).status).toBe(200);
    expectReject(await call(ADDR.acl), 403, 'CUSTOMER_SUSPENDED');
    expectReject(await call(ADDR.stranger, { auth_user: DIGEST.user, authenticated: '1' }), 403, 'CUSTOMER_SUSPENDED');
    expect((await admin.post(`/admin/customers/${customer.id}/reactivate`, { reason: 'paid' })).status).toBe(200);
    expectRoute(await call(ADDR.acl), trunks.acl);
  });

  it('a trunk set to suspended is refused (403 TRUNK_DISABLED) at once', async () => {
    const api = customer.users.customer_admin.api;
    const patched = await api.patch(`/trunks/${trunks.acl}`, { status: 'suspended' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expectReject(await call(ADDR.acl), 403, 'TRUNK_DISABLED');
    expect((await api.patch(`/trunks/${trunks.acl}`, { status: 'active' })).status).toBe(200);
    expectRoute(await call(ADDR.acl), trunks.acl);
  });

  it('a trunk moved to another partition, and a customer given another rate plan, are routed on the change at once', async () => {
    const onlyDear = await admin.post('/admin/partitions', { name: 'Route API dear only', providers: [{ provider_id: providers.dear }] });
    expect(onlyDear.status, JSON.stringify(onlyDear.body)).toBe(201);
    expect((await admin.post(`/admin/trunks/${trunks.acl}/partition`, { partition_id: onlyDear.body.data.id })).status).toBe(200);
    expect((await call(ADDR.acl)).body).toMatchObject({ action: 'route', providers: providers.dear });
    expect((await admin.post(`/admin/trunks/${trunks.acl}/partition`, { partition_id: partitionId })).status).toBe(200);
    expect((await call(ADDR.acl)).body).toMatchObject({ action: 'route', providers: `${providers.cheap},${providers.dear}` });

    // a plan that sells only UK numbers: US calls have no sell rate
    const uk = `${DECK_HEAD.replace('interstate,intrastate,local,indeterminate', 'rate')}\n44,0.05,0,6,6,2026-01-01\n`;
    expect((await uploadDeck(server.app, admin, '/admin/rates/import', uk, { rate_plan: 'route-api-uk-only' })).status).toBe(200);
    expect((await admin.patch(`/admin/customers/${customer.id}`, { rate_plan: 'route-api-uk-only' })).status).toBe(200);
    expectReject(await call(ADDR.acl), 404, 'RATE_NOT_FOUND');
    expect((await admin.patch(`/admin/customers/${customer.id}`, { rate_plan: 'route-api-plan' })).status).toBe(200);
    expectRoute(await call(ADDR.acl), trunks.acl);
  });

  it('a trunk created (and given its partition) after the edge has decided calls is routable at once', async () => {
    // another customer, so the route cannot come from a sibling trunk's partition
    const late = await createTestCustomer(server, 'Route API Late Customer');
    expect((await admin.patch(`/admin/customers/${late.id}`, { rate_plan: 'route-api-plan' })).status).toBe(200);
    // an address no trunk has (digest-only trunks exist by now: challenged)
    expect((await call(ADDR.late)).body).toMatchObject({ action: 'challenge' });
    const t = await addTrunk(late, 'Late', { auth_type: 'ip_acl', allowed_ips: [`${ADDR.late}/32`] });
    const res = await call(ADDR.late);
    expectRoute(res, t.id);
    expect(res.body.providers).toBe(`${providers.cheap},${providers.dear}`);
  });
});

describe('end-of-call reports (/events)', () => {
  const now = () => Date.now() / 1000;
  const ts = (s: number) => s.toFixed(6);
  /** One report line: an answered call on the Cheap provider, `seconds` long. */
  const line = (callId: string, trunkId: string, extra: Record<string, string> = {}) => {
    const start = now() - 30;
    return form({
      call_id: callId,
      trunk_id: trunkId,
      direction: 'outbound',
      source_ip: ADDR.acl,
      ani: '12125551000',
      dni: '13105550100',
      providers: `${providers.cheap},${providers.dear}`,
      started: ts(start),
      answered: ts(start + 2),
      ended: ts(start + 20),
      attempts: `|${ts(start)}`,
      cause: 'BYE',
      ...extra,
    });
  };
  const events = (lines: string[]) => edgePost('events', lines.join('\n'), { type: 'text/plain' });
  const cdrs = (callIds: string[]) => server.ctx.db.selectFrom('cdrs').selectAll().where('call_id', 'in', callIds).execute();

  it('lines with missing fields are refused one by one, with their line numbers, while the others are stored', async () => {
    const ids = [nextCallId(), nextCallId(), nextCallId()];
    const res = await events([
      line(ids[0]!, trunks.acl),
      line('', trunks.acl), // no call_id
      line(ids[1]!, ''), // no trunk_id
      line(ids[2]!, trunks.acl, { started: 'yesterday' }),
      '',
      line(nextCallId(), trunks.acl).replace(/&ended=[^&]*/, ''),
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data = res.body.data;
    expect(data).toMatchObject({ reports: 5, accepted: 1, rejected: 4, duplicate: 0 });
    expect(data.errors.map((e: { line: number; errors: { field: string }[] }) => [e.line, e.errors.map((x) => x.field)])).toEqual([
      [2, ['call_id']],
      [3, ['trunk_id']],
      [4, ['started']],
      [6, ['ended']], // line 5 is blank: skipped, but counted
    ]);
    expect((await cdrs(ids)).map((c) => c.call_id)).toEqual([ids[0]]);
  });

  it('CRLF line ends read the same as LF; a batch of more than 1000 reports is refused whole', async () => {
    const id = nextCallId();
    const res = await edgePost('events', `${line(id, trunks.acl, { cause: 'BYE' })}\r\n\r\n`, { type: 'text/plain' });
    expect(res.body.data, JSON.stringify(res.body)).toMatchObject({ reports: 1, accepted: 1 });
    expect((await cdrs([id]))[0]!.disconnect_cause).toBe('BYE');
    const tooMany = Array.from({ length: 1001 }, () => line(nextCallId(), trunks.acl));
    expectError(await events(tooMany), 422, 'VALIDATION_ERROR', '1001 reports');
    expect(await cdrs(tooMany.map((l) => new URLSearchParams(l).get('call_id')!))).toHaveLength(0);
  });

  it('the same batch posted five times at once stores each CDR once', async () => {
    const ids = Array.from({ length: 20 }, nextCallId);
    const batch = ids.map((id) => line(id, trunks.acl));
    const answers = await Promise.all(Array.from({ length: 5 }, () => events(batch)));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
    const sum = (k: string) => answers.reduce((n, a) => n + (a.body.data[k] as number), 0);
    expect([sum('accepted'), sum('duplicate'), sum('rejected')]).toEqual([20, 80, 0]);
    const rows = await cdrs(ids);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.call_id)).size).toBe(20);
  });

  it('a report releases the call’s channel', async () => {
    const before = await channels(trunks.acl);
    const callId = nextCallId();
    const answer = await route({ call_id: callId, source_ip: ADDR.acl, ani: '12125551000', dni: '13105550100' });
    expectRoute(answer, trunks.acl);
    expect(await channels(trunks.acl)).toBe(before + 1);
    // the retransmitted INVITE (same Call-ID) holds no second channel
    expectRoute(await route({ call_id: callId, source_ip: ADDR.acl, ani: '12125551000', dni: '13105550100' }), trunks.acl);
    expect(await channels(trunks.acl)).toBe(before + 1);
    const res = await events([line(callId, trunks.acl, { decision_id: answer.body.decision_id })]);
    expect(res.body.data).toMatchObject({ accepted: 1 });
    expect(await channels(trunks.acl)).toBe(before);
  });

  it('attempts showing a 503 and then an answer become one CDR with both attempts, on the provider that answered', async () => {
    const callId = nextCallId();
    const answer = await route({ call_id: callId, source_ip: ADDR.acl, ani: '12125551000', dni: '13105550100' });
    expectRoute(answer, trunks.acl);
    const start = now() - 60;
    const res = await events([
      line(callId, trunks.acl, {
        decision_id: answer.body.decision_id,
        providers: answer.body.providers,
        started: ts(start),
        attempts: `|${ts(start)},503,${ts(start + 1)}|${ts(start + 1)}`,
        answered: ts(start + 3),
        ended: ts(start + 33),
      }),
    ]);
    expect(res.body.data, JSON.stringify(res.body)).toMatchObject({ accepted: 1, rejected: 0 });
    const [cdr] = await cdrs([callId]);
    const attempts = JSON.parse(cdr!.attempts) as { provider_id: string; sip_code: number }[];
    expect(attempts.map((a) => [a.provider_id, a.sip_code])).toEqual([
      [providers.cheap, 503],
      [providers.dear, 200],
    ]);
    expect(cdr).toMatchObject({ provider_id: providers.dear, disposition: 'answered', decision_id: answer.body.decision_id });
    expect(Number(cdr!.duration)).toBe(30);
  });
});
