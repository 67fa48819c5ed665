import { signChannel } from '@opbx/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { callsChannel, extensionsChannel, presenceChannel } from '../src/modules/realtime/channels.js';
import {
  createEcho,
  type EchoClient,
  EventRecorder,
  type LiveTestServer,
  openRawSocket,
  pusherOf,
  type RawSocket,
  sleep,
  startLiveTestServer,
  subscription,
  subscriptionError,
} from './support/live.js';
import { createTelephonyOrg, simulateInbound, type TelephonyOrg } from './support/telephony.js';

/**
 * Realtime compatibility with the real pusher-js + laravel-echo clients, configured as the
 * spec's createEchoInstance does, against the real server on random ports.
 */
let live: LiveTestServer;
let orgA: TelephonyOrg;
let orgB: TelephonyOrg;
const echoes: EchoClient[] = [];
const sockets: RawSocket[] = [];

beforeAll(async () => {
  live = await startLiveTestServer();
  const { app, ctx } = live.server;
  orgA = await createTelephonyOrg(app, ctx, { name: 'Realtime A', baseUrl: live.base });
  orgB = await createTelephonyOrg(app, ctx, { name: 'Realtime B', baseUrl: live.base });
});
afterEach(() => {
  for (const e of echoes.splice(0)) e.disconnect();
  for (const s of sockets.splice(0)) s.ws.terminate();
});
afterAll(() => live?.close());

const echoFor = (token: string | undefined, extra: Record<string, unknown> = {}) => {
  const echo = createEcho(live, token!, extra);
  echoes.push(echo);
  return echo;
};
const raw = (key = live.wsKey) => {
  const s = openRawSocket(live, key);
  sockets.push(s);
  return s;
};

/** Subscribes an Echo client to an organization's calls and extensions channels, recording everything. */
async function listen(echo: EchoClient, organizationId: string) {
  const log = new EventRecorder();
  const calls = echo
    .private(`organization.${organizationId}.calls`)
    .listen('.call.started', log.on('call.started'))
    .listen('.call.updated', log.on('call.updated'))
    .listen('.call.ended', log.on('call.ended'));
  const extensions = echo.private(`organization.${organizationId}.extensions`).listen('.extension.status', log.on('extension.status'));
  await Promise.all([subscription(calls), subscription(extensions)]);
  return log;
}

const LIVE_CALL_KEYS = [
  'call_id',
  'from_number',
  'to_number',
  'did_number',
  'did_id',
  'extension_number',
  'extension_id',
  'ring_group_name',
  'ring_group_id',
  'status',
  'duration',
  'started_at',
  'outcome',
  // Beyond the spec, additive: the extension's user, and who took an answered call.
  'extension_name',
  'answered_by',
];
const CALL_LOG_KEYS = [
  'id',
  'organization_id',
  'call_id',
  'direction',
  'from_number',
  'to_number',
  'did_id',
  'extension_id',
  'ring_group_id',
  'status',
  'outcome',
  'answer_time',
  'end_time',
  'duration',
  'recording_url',
  'created_at',
  'updated_at',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function expectLiveCall(call: any, callSid: string) {
  for (const key of Object.keys(call)) expect(LIVE_CALL_KEYS).toContain(key);
  expect(call).toMatchObject({ call_id: callSid, from_number: expect.any(String), to_number: expect.any(String), status: expect.any(String) });
  expect(Number.isInteger(call.duration) && call.duration >= 0).toBe(true);
  expect(call.started_at).toMatch(ISO);
}

async function authRequest(token: string | undefined, body: Record<string, string>, encoding: 'form' | 'json' = 'form') {
  const res = await fetch(`${live.base}/broadcasting/auth`, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
    },
    body: encoding === 'form' ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('laravel-echo with the spec configuration', () => {
  it('subscribes to its own organization and receives call.started → call.updated → call.ended and extension.status', async () => {
    const echo = echoFor(orgA.owner.token);
    const log = await listen(echo, orgA.organizationId);
    expect(pusherOf(echo).connection.state).toBe('connected');

    const from = '+15557654321';
    const t = await simulateInbound(live.base, orgA, {
      from,
      scenario: { targets: { [orgA.agentExtensionNumber]: { outcome: 'answer', after: 4, talk: 20 } } },
    });
    expect(t.errors).toEqual([]);
    expect(t.outcome).toMatchObject({ status: 'completed', answeredBy: orgA.agentExtensionNumber, billsec: 20 });
    // callsim returns after every webhook (the CDR last) was acknowledged, i.e. stored and published.
    await log.waitFor((e) => e.name === 'call.ended', 'call.ended');
    await log.waitFor((e) => e.name === 'extension.status' && e.data.status === 'idle', 'the extension to become idle');
    await sleep(300);

    const calls = log.events.filter((e) => e.name.startsWith('call.'));
    const names = calls.map((e) => e.name);
    expect(names[0]).toBe('call.started');
    expect(names.filter((n) => n === 'call.started')).toHaveLength(1);
    const firstEnded = names.indexOf('call.ended');
    expect(firstEnded).toBeGreaterThan(1);
    expect(names.slice(1, firstEnded).every((n) => n === 'call.updated')).toBe(true);
    // A call ends once: later webhooks (the session's "completed", the CDR) do not announce it again; a
    // CDR that corrects the log (Cloudonix's times and talk time) sends call.updated with the corrected CallLog.
    expect(names.slice(firstEnded, firstEnded + 1)).toEqual(['call.ended']);
    const corrections = calls.slice(firstEnded + 1);
    expect(
      corrections.map((e) => e.name),
      `events after the first call.ended`,
    ).toEqual(corrections.map(() => 'call.updated'));
    for (const e of corrections) expect(Object.keys(e.data.call).sort()).toEqual([...CALL_LOG_KEYS].sort());
    const listed = (await orgA.owner.get('/call-logs?per_page=100')).body.data.find((r: any) => r.call_id === t.callSid);
    expect((corrections.at(-1) ?? calls[firstEnded]!).data.call).toEqual(listed);

    for (const e of calls.slice(0, firstEnded)) {
      expect(Object.keys(e.data)).toEqual(['call']);
      expectLiveCall(e.data.call, t.callSid);
      expect(e.data.call).toMatchObject({ from_number: from, to_number: orgA.did.number });
    }
    const statuses = calls.filter((c) => c.name === 'call.updated').map((c) => c.data.call.status);
    expect(statuses).toContain('ringing');
    expect(statuses).toContain('answered');
    expect(statuses.indexOf('ringing')).toBeLessThan(statuses.indexOf('answered'));
    const answered = calls.find((c) => c.name === 'call.updated' && c.data.call.status === 'answered')!;
    expect(answered.data.call).toMatchObject({
      did_id: orgA.did.id,
      did_number: orgA.did.number,
      extension_id: orgA.agentExtensionId,
      extension_number: orgA.agentExtensionNumber,
    });

    const ended = calls[firstEnded]!.data;
    expect(Object.keys(ended).sort()).toEqual(['call', 'call_id']);
    expect(ended.call_id).toBe(t.callSid);
    expect(Object.keys(ended.call).sort()).toEqual([...CALL_LOG_KEYS].sort());
    expect(ended.call).toMatchObject({
      call_id: t.callSid,
      organization_id: orgA.organizationId,
      direction: 'inbound',
      from_number: from,
      to_number: orgA.did.number,
      did_id: orgA.did.id,
      extension_id: orgA.agentExtensionId,
      status: 'completed',
    });
    expect(ended.call.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ended.call.answer_time).toMatch(ISO);
    expect(ended.call.end_time).toMatch(ISO);
    expect(Number.isInteger(ended.call.duration)).toBe(true);
    // The stored log ends up with the CDR's billing seconds.
    const stored = await orgA.owner.get(`/call-logs/${ended.call.id}`);
    expect(stored.body).toMatchObject({ call_id: t.callSid, status: 'completed', duration: 20 });

    const presence = log.named('extension.status').map((e) => e.data);
    expect(presence.map((p) => p.status)).toEqual(['ringing', 'on_call', 'idle']);
    expect(presence[0]).toEqual({ extension_id: orgA.agentExtensionId, status: 'ringing', current_call_id: t.callSid });
    expect(presence[1]).toEqual({ extension_id: orgA.agentExtensionId, status: 'on_call', current_call_id: t.callSid });
    expect(presence[2]).toEqual({ extension_id: orgA.agentExtensionId, status: 'idle' });
  });

  it('an extension deactivated or deleted goes offline; reactivated, idle', async () => {
    const echo = echoFor(orgA.owner.token);
    const log = await listen(echo, orgA.organizationId);
    const created = await orgA.owner.post('/extensions', { extension_number: '388', type: 'virtual' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const statuses = () => log.named('extension.status').filter((e) => e.data.extension_id === id);
    expect((await orgA.owner.patch(`/extensions/${id}`, { status: 'inactive' })).status).toBe(200);
    await log.waitFor((e) => e.name === 'extension.status' && e.data.extension_id === id && e.data.status === 'offline', 'offline');
    // Saving it again unchanged announces nothing.
    expect((await orgA.owner.patch(`/extensions/${id}`, { status: 'inactive' })).status).toBe(200);
    expect((await orgA.owner.patch(`/extensions/${id}`, { status: 'active' })).status).toBe(200);
    await log.waitFor((e) => e.name === 'extension.status' && e.data.extension_id === id && e.data.status === 'idle', 'idle');
    expect((await orgA.owner.delete(`/extensions/${id}`)).status).toBe(204);
    await log.waitFor(() => statuses().length === 3, 'offline after delete');
    expect(statuses().map((e) => e.data)).toEqual([
      { extension_id: id, status: 'offline' },
      { extension_id: id, status: 'idle' },
      { extension_id: id, status: 'offline' },
    ]);
  });

  it('keeps the connection alive with ping/pong', async () => {
    // A short activity timeout makes pusher-js ping every 200 ms instead of every 30 s.
    const echo = echoFor(orgA.owner.token, { activityTimeout: 200, pongTimeout: 1000 });
    await subscription(echo.private(`organization.${orgA.organizationId}.calls`));
    const pusher = pusherOf(echo);
    const socketId = pusher.connection.socket_id;
    const pongs: number[] = [];
    const states: string[] = [];
    pusher.connection.bind('message', (m: { event: string }) => m.event === 'pusher:pong' && pongs.push(Date.now()));
    pusher.connection.bind('state_change', (s: { current: string }) => states.push(s.current));
    await sleep(1500);
    expect(pongs.length).toBeGreaterThanOrEqual(3);
    expect(states).toEqual([]);
    expect(pusher.connection.state).toBe('connected');
    expect(pusher.connection.socket_id).toBe(socketId);

    // The server answers a ping on the wire too.
    const s = raw();
    await s.next((f) => f.event === 'pusher:connection_established');
    s.send('pusher:ping', {});
    expect(await s.next((f) => f.event === 'pusher:pong')).toMatchObject({ event: 'pusher:pong' });
  });

  it('shows who is online on the presence channel', async () => {
    const owner = echoFor(orgA.owner.token);
    const here = new Promise<any[]>((resolve) => owner.join(`organization.${orgA.organizationId}`).here(resolve));
    const joining = new EventRecorder();
    const presence = owner.join(`organization.${orgA.organizationId}`).joining(joining.on('joining')).leaving(joining.on('leaving'));
    await subscription(presence);
    expect(await here).toEqual([expect.objectContaining({ name: 'Owner', role: 'owner' })]);

    const agent = echoFor(orgA.agent.token);
    const agentHere = new Promise<any[]>((resolve) => agent.join(`organization.${orgA.organizationId}`).here(resolve));
    await subscription(agent.join(`organization.${orgA.organizationId}`));
    expect((await agentHere).sort((a, b) => a.role.localeCompare(b.role))).toEqual([
      expect.objectContaining({ name: 'Agent', role: 'agent' }),
      expect.objectContaining({ name: 'Owner', role: 'owner' }),
    ]);
    expect((await joining.waitFor((e) => e.name === 'joining')).data).toMatchObject({ name: 'Agent', role: 'agent' });
    const members = (pusherOf(owner).channel(presenceChannel(orgA.organizationId)) as any).members;
    const ids: string[] = [];
    members.each((m: { id: string }) => ids.push(m.id));
    expect(ids.sort()).toEqual([orgA.ownerId, orgA.agentId].sort());
    expect(members.count).toBe(2);

    agent.leave(`organization.${orgA.organizationId}`);
    expect((await joining.waitFor((e) => e.name === 'leaving')).data).toMatchObject({ name: 'Agent', role: 'agent' });
    expect(members.count).toBe(1);
  });
});

describe('channel authorization', () => {
  it('signs its own channels from form or JSON bodies with a valid Pusher signature', async () => {
    const socketId = '1234.5678';
    for (const encoding of ['form', 'json'] as const) {
      for (const channel of [callsChannel(orgA.organizationId), extensionsChannel(orgA.organizationId)]) {
        const res = await authRequest(orgA.agent.token, { socket_id: socketId, channel_name: channel }, encoding);
        expect(res.status).toBe(200);
        // The grant names the user and the session, so events can follow them (scope, sign-out).
        expect(JSON.parse(res.body.channel_data)).toEqual({ user_id: orgA.agentId, session_id: expect.any(String) });
        expect(res.body).toEqual({
          auth: signChannel(live.wsKey, live.server.ctx.wsSecret, socketId, channel, res.body.channel_data),
          channel_data: res.body.channel_data,
        });
      }
    }
    const presence = await authRequest(orgA.owner.token, { socket_id: socketId, channel_name: presenceChannel(orgA.organizationId) });
    expect(presence.status).toBe(200);
    expect(JSON.parse(presence.body.channel_data)).toMatchObject({ user_id: orgA.ownerId, user_info: { name: 'Owner', role: 'owner' } });
    expect(presence.body.auth).toBe(
      signChannel(live.wsKey, live.server.ctx.wsSecret, socketId, presenceChannel(orgA.organizationId), presence.body.channel_data),
    );
  });

  it('refuses another organization’s channels with 403, and Echo reports the subscription error', async () => {
    for (const channel of [callsChannel(orgA.organizationId), extensionsChannel(orgA.organizationId), presenceChannel(orgA.organizationId)]) {
      const res = await authRequest(orgB.owner.token, { socket_id: '1.2', channel_name: channel });
      expect(res.status, channel).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const echo = echoFor(orgB.owner.token);
    const errors = await Promise.all([
      subscriptionError(echo.private(`organization.${orgA.organizationId}.calls`)),
      subscriptionError(echo.private(`organization.${orgA.organizationId}.extensions`)),
      subscriptionError(echo.join(`organization.${orgA.organizationId}`)),
    ]);
    for (const err of errors) expect(err).toMatchObject({ type: 'AuthError', status: 403 });
    // Its own channel still works on the same connection.
    await subscription(echo.private(`organization.${orgB.organizationId}.calls`));
  });

  it('refuses missing tokens (401), made-up channels (403) and malformed socket ids (422)', async () => {
    expect((await authRequest(undefined, { socket_id: '1.2', channel_name: callsChannel(orgA.organizationId) })).status).toBe(401);
    expect((await authRequest('opbx_not-a-token', { socket_id: '1.2', channel_name: callsChannel(orgA.organizationId) })).status).toBe(401);
    for (const channel of [`private-organization.${orgA.organizationId}.secrets`, 'private-anything', `private-organization.${orgA.organizationId}.calls.x`]) {
      expect((await authRequest(orgA.owner.token, { socket_id: '1.2', channel_name: channel })).status, channel).toBe(403);
    }
    const bad = await authRequest(orgA.owner.token, { socket_id: 'abc', channel_name: callsChannel(orgA.organizationId) });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('tenant isolation of events', () => {
  it('never delivers one organization’s calls to another', async () => {
    const watcherA = await listen(echoFor(orgA.owner.token), orgA.organizationId);
    const watcherB = await listen(echoFor(orgB.owner.token), orgB.organizationId);
    const t = await simulateInbound(live.base, orgB, { scenario: { targets: { [orgB.agentExtensionNumber]: { outcome: 'answer', after: 2, talk: 5 } } } });
    expect(t.errors).toEqual([]);
    await watcherB.waitFor((e) => e.name === 'call.ended', 'org B to see its call end');
    await watcherB.waitFor((e) => e.name === 'extension.status' && e.data.status === 'idle', 'org B extension idle');
    await sleep(300);
    expect(watcherB.named('call.started')).toHaveLength(1);
    expect(watcherA.events).toEqual([]);
  });
});

describe('protocol errors', () => {
  it('closes with 4001 after a pusher:error for an unknown app key', async () => {
    const s = raw('not-the-app-key');
    const error = await s.next((f) => f.event === 'pusher:error');
    expect(error.data).toMatchObject({ code: 4001 });
    expect((await s.closed).code).toBe(4001);
  });

  it('answers a subscription with a bad signature with pusher:subscription_error', async () => {
    const s = raw();
    const established = await s.next((f) => f.event === 'pusher:connection_established');
    const { socket_id: socketId, activity_timeout } = JSON.parse(established.data);
    expect(socketId).toMatch(/^\d+\.\d+$/);
    expect(activity_timeout).toBeGreaterThan(0);
    const channel = callsChannel(orgA.organizationId);

    s.send('pusher:subscribe', { channel, auth: `${live.wsKey}:${'0'.repeat(64)}` });
    const forged = await s.next((f) => f.event === 'pusher:subscription_error' && f.channel === channel);
    expect(forged.data).toMatchObject({ type: 'AuthError', status: 401 });

    // A genuine signature for another socket is no good either (no replay across connections).
    const other = await authRequest(orgA.owner.token, { socket_id: '99.99', channel_name: channel });
    s.frames.length = 0;
    s.send('pusher:subscribe', { channel, auth: other.body.auth });
    expect((await s.next((f) => f.event === 'pusher:subscription_error')).data).toMatchObject({ type: 'AuthError' });

    // Presence member data is covered by the signature: a user cannot claim to be someone else.
    const presence = presenceChannel(orgA.organizationId);
    const signed = await authRequest(orgA.agent.token, { socket_id: socketId, channel_name: presence });
    s.frames.length = 0;
    s.send('pusher:subscribe', {
      channel: presence,
      auth: signed.body.auth,
      channel_data: JSON.stringify({ user_id: orgA.ownerId, user_info: { name: 'Owner', role: 'owner' } }),
    });
    expect((await s.next((f) => f.event === 'pusher:subscription_error')).data).toMatchObject({ type: 'AuthError' });

    // The real signature works on this socket, and nothing was joined before it.
    const good = await authRequest(orgA.owner.token, { socket_id: socketId, channel_name: channel });
    // The grant is part of what was signed: without it, or with another user's, the signature fails.
    s.frames.length = 0;
    s.send('pusher:subscribe', { channel, auth: good.body.auth });
    expect((await s.next((f) => f.event === 'pusher:subscription_error')).data).toMatchObject({ type: 'AuthError' });
    s.frames.length = 0;
    s.send('pusher:subscribe', { channel, auth: good.body.auth, channel_data: JSON.stringify({ user_id: orgA.ownerId, session_id: 'another' }) });
    expect((await s.next((f) => f.event === 'pusher:subscription_error')).data).toMatchObject({ type: 'AuthError' });
    s.send('pusher:subscribe', { channel, auth: good.body.auth, channel_data: good.body.channel_data });
    expect(await s.next((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === channel)).toBeTruthy();
    expect(s.ws.readyState).toBe(s.ws.OPEN);
  });
});
