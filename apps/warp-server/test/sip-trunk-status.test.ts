import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { edgeDirectoryOf } from '../src/modules/sip-edge/edge-directory.js';
import { sipOptionsPing, TrunkStatusMonitor } from '../src/modules/sip-edge/trunk-status.js';
import { cleanUpSipFiles, freeUdpPort, startUas, type Uas } from './sip/sip-harness.js';
import { type Api, expectError } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff, createTestCustomer, type TestCustomer } from './support/fixtures.js';

/*
 * Trunk reachability from SIP OPTIONS pings (issue 16): SIPp plays the customers' PBXs and answers
 * OPTIONS; a port nobody listens on plays a PBX that is down. The server here pings every second.
 */

/** A PBX that answers every OPTIONS with `status` (SIPp wants the code literal in the XML). */
const optionsAnswer = (status: string) => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="answers OPTIONS with ${status}">
  <recv request="OPTIONS" crlf="true"/>
  <send>
    <![CDATA[
SIP/2.0 ${status}
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Allow: INVITE, ACK, BYE, CANCEL, OPTIONS
Content-Length: 0

    ]]>
  </send>
</scenario>
`;

const uases: Uas[] = [];

/** A SIPp PBX that is listening (SIPp binds its port a moment after it starts). */
async function pbxAt(host: string, status = '200 OK'): Promise<Uas> {
  const uas = await startUas(host, optionsAnswer(status));
  uases.push(uas);
  for (let i = 0; i < 50 && !(await sipOptionsPing(uas, 200)); i++) await new Promise((r) => setTimeout(r, 50));
  return uas;
}

let server: TestServer;
let staff: Api;
let customer: TestCustomer;
let pbx: Uas;
let picky: Uas;
/** a UDP port nothing listens on */
let closedPort: number;

beforeAll(async () => {
  server = await createTestServer({ WARP_SIP_OPTIONS_INTERVAL: '1' });
  staff = (await createStaff(server, 'support')).api;
  customer = await createTestCustomer(server, 'Trunk Status Customer');
  pbx = await pbxAt('127.0.0.40');
  picky = await pbxAt('127.0.0.41', '405 Method Not Allowed');
  closedPort = await freeUdpPort('127.0.0.42');
}, 60_000);

afterAll(async () => {
  await Promise.all(uases.map((u) => u.stop()));
  await server?.close();
  cleanUpSipFiles();
});

async function addTrunk(name: string, destinations: { host: string; port: number }[]) {
  const t = await customer.users.customer_admin.api.post('/trunks', {
    name,
    direction: 'both',
    auth_type: 'ip_acl',
    allowed_ips: ['192.0.2.1/32'],
    outbound_destinations: destinations.map((d, i) => ({ ...d, transport: 'udp', priority: i + 1 })),
  });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  return t.body.data.id as string;
}

describe('one OPTIONS ping', () => {
  it('is a well-formed RFC 3261 request, and any answer (200, 405) comes back with a round-trip time', async () => {
    const ok = await sipOptionsPing(pbx, 2000);
    expect(ok).toEqual({ code: 200, rttMs: expect.any(Number) });
    expect(ok!.rttMs).toBeGreaterThanOrEqual(0);
    expect(await sipOptionsPing(picky, 2000)).toEqual({ code: 405, rttMs: expect.any(Number) });
    const request = pbx.messages().slice(pbx.messages().indexOf('OPTIONS sip:'));
    expect(request).toMatch(new RegExp(`^OPTIONS sip:127\\.0\\.0\\.40:${pbx.port} SIP/2\\.0\\r?$`, 'm'));
    expect(request).toMatch(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK[0-9a-f]+;rport\r?$/m);
    expect(request).toMatch(/^Max-Forwards: 70\r?$/m);
    expect(request).toMatch(/^From: <sip:ping@127\.0\.0\.1:\d+>;tag=\w+\r?$/m);
    expect(request).toMatch(new RegExp(`^To: <sip:127\\.0\\.0\\.40:${pbx.port}>\\r?$`, 'm'));
    expect(request).toMatch(/^Call-ID: \S+\r?$/m);
    expect(request).toMatch(/^CSeq: 1 OPTIONS\r?$/m);
    expect(request).toMatch(/^Content-Length: 0\r?$/m);
  });

  it('gets nothing from a port nobody listens on, nor from a host that does not resolve', async () => {
    expect(await sipOptionsPing({ host: '127.0.0.42', port: closedPort }, 700)).toBeNull();
    expect(await sipOptionsPing({ host: 'no-such-pbx.invalid', port: 5060 }, 700)).toBeNull();
  });
});

describe('the monitor', () => {
  it('marks a destination reachable on its first answer, and unreachable only after the misses in a row; it comes back when it answers again', async () => {
    const flaky = await pbxAt('127.0.0.43');
    const destinations = [
      { host: flaky.host, port: flaky.port, transport: 'udp' as const, priority: 1 },
      { host: '127.0.0.42', port: closedPort, transport: 'udp' as const, priority: 2 },
    ];
    await addTrunk('Monitor direct', destinations);
    // its own monitor, driven round by round (the server's runs on its timer)
    const monitor = new TrunkStatusMonitor(() => edgeDirectoryOf(server.ctx).current(), { intervalMs: 60_000, timeoutMs: 400, misses: 2 });
    try {
      const state = () => monitor.statusOf(destinations).map((d) => d.reachable);
      await monitor.round();
      expect(state()).toEqual([true, null]);
      const [up] = monitor.statusOf(destinations);
      expect(up).toMatchObject({ rtt_ms: expect.any(Number), last_response: 200, last_checked_at: expect.any(String) });
      await monitor.round();
      expect(state()).toEqual([true, false]);
      await flaky.stop();
      await monitor.round();
      expect(state()).toEqual([true, false]);
      await monitor.round();
      expect(state()).toEqual([false, false]);
      expect(monitor.statusOf(destinations)[0]!.rtt_ms).toBeNull();
      const back = await pbxAt('127.0.0.43');
      const again = [{ host: back.host, port: back.port, transport: 'udp' as const, priority: 1 }];
      await addTrunk('Monitor back', again);
      await monitor.round();
      expect(monitor.statusOf(again).map((d) => d.reachable)).toEqual([true]);
    } finally {
      await monitor.stop();
    }
  }, 30_000);
});

describe('GET /v1/admin/trunks/:id/sip-status', () => {
  /** The status once `done` holds (the server pings every second). */
  async function statusUntil(trunkId: string, done: (data: any) => boolean) {
    let last: any;
    for (let i = 0; i < 100; i++) {
      const res = await staff.get(`/admin/trunks/${trunkId}/sip-status`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      last = res.body.data;
      if (done(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the status never settled: ${JSON.stringify(last)}`);
  }

  it('shows each destination as the server’s pings found it: answering (even 405) reachable with an rtt, a closed port unreachable', async () => {
    const mixed = await addTrunk('Mixed', [pbx, picky, { host: '127.0.0.42', port: closedPort }]);
    const data = await statusUntil(mixed, (d) => d.destinations.every((x: { reachable: boolean | null }) => x.reachable !== null));
    expect(data).toMatchObject({ trunk_id: mixed, monitoring: true, reachable: true });
    expect(data.destinations).toEqual([
      {
        host: '127.0.0.40',
        port: pbx.port,
        transport: 'udp',
        reachable: true,
        rtt_ms: expect.any(Number),
        last_response: 200,
        last_checked_at: expect.any(String),
      },
      {
        host: '127.0.0.41',
        port: picky.port,
        transport: 'udp',
        reachable: true,
        rtt_ms: expect.any(Number),
        last_response: 405,
        last_checked_at: expect.any(String),
      },
      { host: '127.0.0.42', port: closedPort, transport: 'udp', reachable: false, rtt_ms: null, last_response: null, last_checked_at: expect.any(String) },
    ]);

    const down = await addTrunk('Down', [{ host: '127.0.0.42', port: closedPort }]);
    expect(await statusUntil(down, (d) => d.reachable !== null)).toMatchObject({ reachable: false, destinations: [{ reachable: false }] });
  }, 30_000);

  it('a trunk without destinations, or with only TCP ones, has no reachability to report', async () => {
    const none = await addTrunk('No destinations', []);
    expect((await staff.get(`/admin/trunks/${none}/sip-status`)).body.data).toEqual({ trunk_id: none, monitoring: true, reachable: null, destinations: [] });
    const t = await customer.users.customer_admin.api.post('/trunks', {
      name: 'TCP only',
      direction: 'both',
      auth_type: 'ip_acl',
      allowed_ips: ['192.0.2.1/32'],
      outbound_destinations: [{ host: '127.0.0.40', port: pbx.port, transport: 'tcp' }],
    });
    expect(t.status).toBe(201);
    const data = (await staff.get(`/admin/trunks/${t.body.data.id}/sip-status`)).body.data;
    expect(data).toMatchObject({ reachable: null, destinations: [{ transport: 'tcp', reachable: null, last_checked_at: null }] });
  });

  it('is for staff only, and 404 for a trunk that does not exist', async () => {
    const id = await addTrunk('Private', [pbx]);
    expectError(await customer.users.customer_admin.api.get(`/admin/trunks/${id}/sip-status`), 403, 'FORBIDDEN');
    expectError(await customer.users.viewer.api.get(`/admin/trunks/${id}/sip-status`), 403, 'FORBIDDEN');
    expectError(await staff.as(undefined).get(`/admin/trunks/${id}/sip-status`), 401, 'UNAUTHORIZED');
    const finance = (await createStaff(server, 'finance')).api;
    expect((await finance.get(`/admin/trunks/${id}/sip-status`)).status).toBe(200);
    expectError(await staff.get('/admin/trunks/01900000-0000-7000-8000-00000000abcd/sip-status'), 404, 'NOT_FOUND');
    expectError(await staff.get(`/admin/trunks/${'x'.repeat(65)}/sip-status`), 422, 'VALIDATION_ERROR');
  });
});

describe('with WARP_SIP_OPTIONS_INTERVAL=0', () => {
  it('nothing is pinged and the status says so', async () => {
    const quiet = await createTestServer({ WARP_SIP_OPTIONS_INTERVAL: '0' });
    // a PBX only this server's trunk points at
    const lonely = await startUas('127.0.0.44', optionsAnswer('200 OK'));
    uases.push(lonely);
    try {
      const owner = await createTestCustomer(quiet, 'Quiet Customer');
      const t = await owner.users.customer_admin.api.post('/trunks', {
        name: 'Quiet',
        direction: 'both',
        auth_type: 'ip_acl',
        allowed_ips: ['192.0.2.1/32'],
        outbound_destinations: [{ host: lonely.host, port: lonely.port }],
      });
      expect(t.status, JSON.stringify(t.body)).toBe(201);
      const admin = (await createStaff(quiet, 'admin')).api;
      await new Promise((r) => setTimeout(r, 1500));
      const data = (await admin.get(`/admin/trunks/${t.body.data.id}/sip-status`)).body.data;
      expect(data).toEqual({
        trunk_id: t.body.data.id,
        monitoring: false,
        reachable: null,
        destinations: [{ host: lonely.host, port: lonely.port, transport: 'udp', reachable: null, rtt_ms: null, last_response: null, last_checked_at: null }],
      });
      expect(lonely.messages()).not.toContain('OPTIONS');
      // it was there to be pinged: it answers ours, and logs it
      expect(await sipOptionsPing(lonely, 2000)).toMatchObject({ code: 200 });
      expect(lonely.messages()).toContain('OPTIONS');
    } finally {
      await quiet.close();
    }
  });
});
