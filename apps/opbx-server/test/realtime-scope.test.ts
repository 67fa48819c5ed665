import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { randomE164, uniqueEmail } from './support/api.js';
import {
  createEcho,
  type EchoClient,
  EventRecorder,
  httpLogin,
  type LiveTestServer,
  pusherOf,
  sleep,
  startLiveTestServer,
  subscription,
} from './support/live.js';
import { createTelephonyOrg, simulateInbound, type TelephonyOrg } from './support/telephony.js';

/**
 * What each signed-in user's WebSocket receives follows their REST scope (agents: only their own
 * extension's calls), and ends when their session does (sign-out, deactivation, password change).
 * Real laravel-echo + pusher-js clients against the real server.
 */
const PASSWORD = 'scope-pass-12';
let live: LiveTestServer;
let org: TelephonyOrg;
/** A second number, routed to extension 301 (nobody's). */
const other = { id: '', number: randomE164() };
const echoes: EchoClient[] = [];

beforeAll(async () => {
  live = await startLiveTestServer();
  const { app, ctx } = live.server;
  org = await createTelephonyOrg(app, ctx, { name: 'Scope Co', baseUrl: live.base });
  const ext = await org.owner.post('/extensions', { extension_number: '301', type: 'virtual' });
  if (ext.status !== 201) throw new Error(JSON.stringify(ext.body));
  const did = await org.owner.post('/dids', { phone_number: other.number, routing_type: 'extension', routing_config: { extension_id: ext.body.id } });
  if (did.status !== 201) throw new Error(JSON.stringify(did.body));
  other.id = did.body.id;
});
afterEach(() => {
  for (const e of echoes.splice(0)) e.disconnect();
});
afterAll(() => live?.close());

async function watch(token: string) {
  const echo = createEcho(live, token);
  echoes.push(echo);
  const log = new EventRecorder();
  const calls = echo
    .private(`organization.${org.organizationId}.calls`)
    .listen('.call.started', log.on('call.started'))
    .listen('.call.updated', log.on('call.updated'))
    .listen('.call.ended', log.on('call.ended'));
  await subscription(calls);
  return { echo, log };
}

/** A user of the organization, signed in over HTTP (a session of their own). */
async function newUser(role: 'agent' | 'admin', extensionNumber?: string) {
  const email = uniqueEmail(`scope-${role}`);
  const res = await org.owner.post('/users', {
    name: `Scoped ${role}`,
    email,
    password: PASSWORD,
    role,
    ...(extensionNumber ? { extension_number: extensionNumber } : {}),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { id: res.body.id as string, email, token: (await httpLogin(live.base, email, PASSWORD)).token };
}

const answered = (extension: string) => ({ scenario: { targets: { [extension]: { outcome: 'answer' as const, after: 1, talk: 2 } } } });

/** Resolves once the socket is closed by the server, with the Pusher error code it was given. */
function closedWith(echo: EchoClient): Promise<number | undefined> {
  return new Promise((resolve) => {
    const connection = pusherOf(echo).connection;
    let code: number | undefined;
    connection.bind('error', (e: { data?: { code?: number } }) => (code = e?.data?.code ?? code));
    connection.bind('state_change', (s: { current: string }) => {
      if (s.current === 'failed' || s.current === 'disconnected' || s.current === 'unavailable') resolve(code);
    });
  });
}

describe("agents' realtime scope matches their REST scope", () => {
  it('an agent hears only the calls of their own extension; managers hear all; an agent with no extension hears none', async () => {
    const owner = await watch(org.owner.token!);
    const agent = await watch(org.agent.token!);
    const loneAgent = await newUser('agent');
    const lone = await watch(loneAgent.token);

    const mine = await simulateInbound(live.base, org, answered(org.agentExtensionNumber));
    const theirs = await simulateInbound(live.base, { ...org, did: other }, answered('301'));
    expect([...mine.errors, ...theirs.errors]).toEqual([]);

    await owner.log.waitFor((e) => e.name === 'call.ended' && e.data.call_id === theirs.callSid, 'the owner sees the other extension’s call end');
    await owner.log.waitFor((e) => e.name === 'call.ended' && e.data.call_id === mine.callSid, 'the owner sees the agent’s call end');
    await agent.log.waitFor((e) => e.name === 'call.ended' && e.data.call_id === mine.callSid, 'the agent sees their own call end');
    await sleep(300);
    const callIds = (log: EventRecorder) => new Set(log.events.map((e) => e.data.call_id ?? e.data.call?.call_id));
    expect([...callIds(agent.log)]).toEqual([mine.callSid]);
    // The agent's board learns of the call when it reaches their extension, as a start.
    expect(agent.log.events[0]!.name).toBe('call.started');
    expect(agent.log.named('call.started')).toHaveLength(1);
    expect(lone.log.events).toEqual([]);
  });

  it('a changed role or extension narrows what the socket receives without re-subscribing', async () => {
    const admin = await newUser('admin');
    const watcher = await watch(admin.token);
    // Demoted to agent with no extension: nothing more from the organization's calls.
    expect((await org.owner.patch(`/users/${admin.id}`, { role: 'agent' })).status).toBe(200);
    const call = await simulateInbound(live.base, { ...org, did: other }, answered('301'));
    expect(call.errors).toEqual([]);
    await sleep(500);
    expect(watcher.log.events.filter((e) => (e.data.call_id ?? e.data.call?.call_id) === call.callSid)).toEqual([]);
  });
});

describe('sessions that end take their subscriptions with them', () => {
  it('signing out closes the sockets that session authorized, not the user’s other sessions', async () => {
    const user = await newUser('admin');
    const other = (await httpLogin(live.base, user.email, PASSWORD)).token;
    const ending = await watch(user.token);
    const staying = await watch(other);
    const closed = closedWith(ending.echo);
    const res = await fetch(`${live.base}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` } });
    expect(res.status).toBeLessThan(300);
    expect(await closed).toBe(4009);
    const call = await simulateInbound(live.base, org, answered(org.agentExtensionNumber));
    await staying.log.waitFor((e) => e.name === 'call.ended' && e.data.call_id === call.callSid, 'the other session still hears calls');
  });

  it('signing out after a refresh still closes the sockets authorized before it', async () => {
    const user = await newUser('admin');
    const watcher = await watch(user.token);
    const refreshed = await fetch(`${live.base}/api/v1/auth/refresh`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` } });
    expect(refreshed.status).toBe(200);
    const { access_token } = (await refreshed.json()) as { access_token: string };
    const closed = closedWith(watcher.echo);
    const res = await fetch(`${live.base}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${access_token}` } });
    expect(res.status).toBeLessThan(300);
    expect(await closed).toBe(4009);
  });

  it('deactivating a user closes every socket of theirs', async () => {
    const user = await newUser('agent', '320');
    const watcher = await watch(user.token);
    const closed = closedWith(watcher.echo);
    expect((await org.owner.patch(`/users/${user.id}`, { status: 'inactive' })).status).toBe(200);
    expect(await closed).toBe(4009);
  });

  it('an admin setting a user’s password closes that user’s sockets', async () => {
    const user = await newUser('agent', '321');
    const watcher = await watch(user.token);
    const closed = closedWith(watcher.echo);
    expect((await org.owner.patch(`/users/${user.id}`, { password: 'another-pass-34' })).status).toBe(200);
    expect(await closed).toBe(4009);
  });
});
