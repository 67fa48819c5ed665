import Pusher from 'pusher';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createEcho, type EchoClient, EventRecorder, type LiveTestServer, pusherOf, startLiveTestServer, subscription } from './support/live.js';
import { createTelephonyOrg, type TelephonyOrg } from './support/telephony.js';

/**
 * Another backend publishes to OPBX's clients through Pusher's HTTP API, with the official
 * `pusher` server library (as Laravel's broadcaster does), and reads channel state back.
 */
let live: LiveTestServer;
let org: TelephonyOrg;
let publisher: Pusher;
const echoes: EchoClient[] = [];

beforeAll(async () => {
  live = await startLiveTestServer();
  org = await createTelephonyOrg(live.server.app, live.server.ctx, { name: 'Pusher API Co', baseUrl: live.base });
  publisher = new Pusher({ appId: 'opbx', key: live.wsKey, secret: live.server.ctx.wsSecret, host: '127.0.0.1', port: String(live.wsPort), useTLS: false });
});
afterEach(() => {
  for (const e of echoes.splice(0)) e.disconnect();
});
afterAll(() => live?.close());

const callsChannel = () => `private-organization.${org.organizationId}.calls`;

async function listener(token = org.owner.token!) {
  const echo = createEcho(live, token);
  echoes.push(echo);
  const log = new EventRecorder();
  const channel = echo.private(`organization.${org.organizationId}.calls`).listen('.announcement', log.on('announcement')).listen('.second', log.on('second'));
  await subscription(channel);
  return { echo, log };
}

/** The library's `post` JSON-encodes the body itself; its typings say string. */
const signedBody = (body: object) => body as unknown as string;

async function failure(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    return (err as { status: number }).status;
  }
  throw new Error('expected the request to fail');
}

describe('Pusher HTTP API', () => {
  it('delivers a triggered event, and a batch, to laravel-echo clients', async () => {
    const { log } = await listener();
    const sent = await publisher.trigger(callsChannel(), 'announcement', { text: 'Office closes at 3 pm' });
    expect(sent.status).toBe(200);
    expect((await log.waitFor((e) => e.name === 'announcement')).data).toEqual({ text: 'Office closes at 3 pm' });

    const batch = await publisher.triggerBatch([
      { channel: callsChannel(), name: 'second', data: { n: 1 } },
      { channel: callsChannel(), name: 'second', data: { n: 2 } },
    ]);
    expect(batch.status).toBe(200);
    await log.waitFor((e) => e.name === 'second' && e.data.n === 2);
    expect(log.named('second').map((e) => e.data.n)).toEqual([1, 2]);
  });

  it('excludes the socket named in socket_id', async () => {
    const a = await listener();
    const b = await listener();
    await publisher.trigger(callsChannel(), 'announcement', { to: 'others' }, { socket_id: pusherOf(a.echo).connection.socket_id });
    await b.log.waitFor((e) => e.name === 'announcement');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.log.named('announcement')).toEqual([]);
  });

  it('answers channel queries: the list, one channel, and a presence channel’s users', async () => {
    await listener();
    const echo = createEcho(live, org.agent.token!);
    echoes.push(echo);
    await subscription(echo.join(`organization.${org.organizationId}`));

    const list = await (await publisher.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json();
    expect(list.channels[`presence-organization.${org.organizationId}`]).toEqual({ user_count: 1 });
    const one = await (await publisher.get({ path: `/channels/${callsChannel()}`, params: { info: 'subscription_count' } })).json();
    expect(one).toEqual({ occupied: true, subscription_count: 1 });
    const users = await (await publisher.get({ path: `/channels/presence-organization.${org.organizationId}/users` })).json();
    expect(users).toEqual({ users: [{ id: org.agentId }] });
    const empty = await (await publisher.get({ path: '/channels/private-nobody-here' })).json();
    expect(empty).toEqual({ occupied: false });
  });

  it('terminates a user’s connections', async () => {
    const { echo } = await listener(org.agent.token!);
    const closed = new Promise<void>((resolve) =>
      pusherOf(echo).connection.bind('state_change', (s: { current: string }) => s.current !== 'connected' && resolve()),
    );
    expect((await publisher.terminateUserConnections(org.agentId)).status).toBe(200);
    await closed;
  });

  it('refuses a wrong secret, a wrong app id, a tampered body and bad payloads', async () => {
    const forger = new Pusher({ appId: 'opbx', key: live.wsKey, secret: 'not-the-secret-at-all', host: '127.0.0.1', port: String(live.wsPort), useTLS: false });
    expect(await failure(forger.trigger(callsChannel(), 'x', {}))).toBe(401);
    const otherApp = new Pusher({
      appId: 'another',
      key: live.wsKey,
      secret: live.server.ctx.wsSecret,
      host: '127.0.0.1',
      port: String(live.wsPort),
      useTLS: false,
    });
    expect(await failure(otherApp.trigger(callsChannel(), 'x', {}))).toBe(404);
    // Signed but invalid (the library's generic post skips its own checks, so the server's are tested).
    expect(await failure(publisher.post({ path: '/events', body: signedBody({ name: 'x', data: '{}', channel: 'bad channel name!' }) }))).toBe(400);
    expect(await failure(publisher.post({ path: '/events', body: signedBody({ name: 'x', data: { not: 'a string' }, channel: 'a' }) }))).toBe(400);
    expect(await failure(publisher.post({ path: '/events', body: signedBody({ name: 'x', data: 'y'.repeat(11 * 1024), channel: 'a' }) }))).toBe(413);
    expect(
      await failure(
        publisher.post({ path: '/batch_events', body: signedBody({ batch: Array.from({ length: 11 }, () => ({ name: 'x', data: '{}', channel: 'a' })) }) }),
      ),
    ).toBe(400);
    // A body changed after signing.
    const url = `http://127.0.0.1:${live.wsPort}/apps/opbx/events?auth_key=${live.wsKey}&auth_timestamp=${Math.floor(Date.now() / 1000)}&auth_version=1.0&body_md5=0&auth_signature=00`;
    const tampered = await fetch(url, { method: 'POST', body: '{"name":"x","data":"{}","channel":"a"}', headers: { 'content-type': 'application/json' } });
    expect(tampered.status).toBe(401);
  });

  it('answers /ready and /usage', async () => {
    expect((await fetch(`http://127.0.0.1:${live.wsPort}/ready`)).status).toBe(200);
    const usage = await (await fetch(`http://127.0.0.1:${live.wsPort}/usage`)).json();
    expect(usage.memory.rss).toBeGreaterThan(0);
    expect(typeof usage.connections).toBe('number');
  });
});
