import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../src/app.js';
import { createEdgeKey } from '../src/modules/cdrs/edge-keys.js';
import { edgeChanged } from '../src/modules/sip-edge/edge-directory.js';
import { cleanUpSipFiles, type Edge, runUac, sipRequest, startEdge, startUas, type UacResult, type Uas } from './sip/sip-harness.js';
import { uacScenario, uasScenario } from './sip/sipp-scenarios.js';
import type { Api } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { uploadDeck } from './support/decks.js';
import { createStaff, createTestCustomer } from './support/fixtures.js';

/*
 * The SIP edge (issue 16) with real SIP: Kamailio from the project's configuration asks this WARP
 * for every INVITE; SIPp plays the customers and the providers' gateways on loopback addresses.
 *
 * Destinations and what the decks make of them (every provider: same rate in every column):
 *   1310… Mid 0.005 < Dear 0.006          → Mid answers
 *   1415… Flaky 0.004 (503) < Mid 0.005   → Flaky, then Mid
 *   1646… Busy 0.004 (486) < Mid 0.005    → Busy; 486 reaches the caller, no failover
 *   1212555… blocked by an exclusion      → 403
 */

let server: TestServer;
let admin: Api;
let apiUrl: string;
let edge: Edge;
let customerApi: Api;
const uas: Record<'mid' | 'dear' | 'flaky' | 'busy', Uas> = {} as never;
const providers: Record<keyof typeof uas, string> = {} as never;
const trunks: Record<'main' | 'oneChannel' | 'twoCps' | 'digest', string> = {} as never;
const ADDR = { main: '127.0.0.10', oneChannel: '127.0.0.11', digest: '127.0.0.12', twoCps: '127.0.0.13', stranger: '127.0.0.99' };
const DIGEST = { user: '', password: '' };
const TECH = { customer: '4242', mid: '7781' };

const deck = (prefix: string, rate: string) =>
  `prefix,interstate,intrastate,local,indeterminate,connection_fee,initial_increment,subsequent_increment,effective_date\n${prefix},${rate},${rate},${rate},${rate},0,6,6,2026-01-01\n`;

async function provider(name: keyof typeof uas, gw: Uas, prefixes: Record<string, string>, techPrefix?: string) {
  const p = await admin.post('/admin/providers', {
    name: `SIP ${name}`,
    type: 'prefix',
    gateways: [{ host: gw.host, port: gw.port, transport: 'udp', priority: 1, weight: 100 }],
    ...(techPrefix ? { tech_prefix: techPrefix } : {}),
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const csv = Object.entries(prefixes)
    .map(([prefix, rate]) => deck(prefix, rate).split('\n')[1])
    .join('\n');
  const up = await uploadDeck(server.app, admin, `/admin/providers/${p.body.data.id}/rates/import`, `${deck('1', '0').split('\n')[0]}\n${csv}\n`);
  expect(up.status, JSON.stringify(up.body)).toBe(200);
  providers[name] = p.body.data.id;
}

beforeAll(async () => {
  server = await createTestServer();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address() as { port: number };
  apiUrl = `http://127.0.0.1:${address.port}`;
  admin = (await createStaff(server, 'admin')).api;

  uas.mid = await startUas('127.0.0.20', uasScenario({ answer: 200 }));
  uas.dear = await startUas('127.0.0.21', uasScenario({ answer: 200 }));
  uas.flaky = await startUas('127.0.0.22', uasScenario({ answer: 503 }));
  uas.busy = await startUas('127.0.0.23', uasScenario({ answer: 486 }));
  await provider('mid', uas.mid, { 1310: '0.005', 1415: '0.005', 1646: '0.005' }, TECH.mid);
  await provider('dear', uas.dear, { 1310: '0.006' });
  await provider('flaky', uas.flaky, { 1415: '0.004' });
  await provider('busy', uas.busy, { 1646: '0.004' });

  const plan = 'sip-edge-plan';
  expect((await uploadDeck(server.app, admin, '/admin/rates/import', deck('1', '0.012'), { rate_plan: plan })).status).toBe(200);
  const customer = await createTestCustomer(server, 'SIP Edge Customer');
  expect((await admin.patch(`/admin/customers/${customer.id}`, { rate_plan: plan })).status).toBe(200);
  const part = await admin.post('/admin/partitions', {
    name: 'SIP edge partition',
    providers: Object.values(providers).map((provider_id) => ({ provider_id })),
  });
  expect(part.status, JSON.stringify(part.body)).toBe(201);
  const api = customer.users.customer_admin.api;
  customerApi = api;
  const trunk = async (key: keyof typeof trunks, body: Record<string, unknown>) => {
    const t = await api.post('/trunks', { name: `SIP ${key}`, max_cps: 100, max_channels: 100, ...body });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    trunks[key] = t.body.data.id;
    expect((await admin.post(`/admin/trunks/${trunks[key]}/partition`, { partition_id: part.body.data.id })).status).toBe(200);
    return t.body.data;
  };
  await trunk('main', { auth_type: 'ip_acl', allowed_ips: [`${ADDR.main}/32`], tech_prefix: TECH.customer });
  await trunk('oneChannel', { auth_type: 'ip_acl', allowed_ips: [`${ADDR.oneChannel}/32`], max_channels: 1 });
  await trunk('twoCps', { auth_type: 'ip_acl', allowed_ips: [`${ADDR.twoCps}/32`], max_cps: 2 });
  const digest = await trunk('digest', { auth_type: 'both', allowed_ips: [`${ADDR.digest}/32`] });
  Object.assign(DIGEST, { user: digest.credentials.username, password: digest.credentials.password });
  expect((await admin.post('/admin/exclusions', { prefix: '1212555', reason: 'fraud' })).status).toBe(201);

  const { key } = await createEdgeKey(server.ctx, 'sip test edge');
  edge = await startEdge({ apiUrl, edgeKey: key });
}, 120_000);

afterAll(async () => {
  await edge?.stop();
  await Promise.all(Object.values(uas).map((u) => u.stop()));
  await server?.close();
  cleanUpSipFiles();
});

const ok = (r: UacResult) => expect(r.exitCode, `${r.errors}\n${r.screen}\n${edge.log().slice(-3000)}`).toBe(0);

/** The CDRs of a trunk, once `n` have arrived (the edge reports at the end of each call). */
async function cdrsOf(trunkId: string, n: number) {
  for (let i = 0; i < 100; i++) {
    const rows = await server.ctx.db.selectFrom('cdrs').selectAll().where('trunk_id', '=', trunkId).orderBy('started_at').execute();
    if (rows.length >= n) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`fewer than ${n} CDRs for trunk ${trunkId}\n${edge.log().slice(-3000)}`);
}

const attemptsOf = (row: { attempts: string }) =>
  (JSON.parse(row.attempts) as { provider_id: string; sip_code: number }[]).map((a) => [a.provider_id, a.sip_code]);

describe('termination through Kamailio', () => {
  it('routes to the cheaper provider, strips the customer tech prefix, adds the provider’s, and the CDR is rated on the provider that answered', async () => {
    const before = uas.mid.invites().length;
    ok(await runUac({ edge, from: ADDR.main, dni: `${TECH.customer}13105550100`, scenario: uacScenario({ expect: 200 }), holdMs: 1000 }));
    expect(uas.mid.invites().slice(before)).toEqual([expect.stringMatching(new RegExp(`^sip:${TECH.mid}13105550100@127\\.0\\.0\\.20:${uas.mid.port}`))]);
    expect(uas.dear.invites()).toEqual([]);
    const [cdr] = await cdrsOf(trunks.main, 1);
    expect(cdr).toMatchObject({ provider_id: providers.mid, disposition: 'answered', rating_error: null });
    expect(attemptsOf(cdr!)).toEqual([[providers.mid, 200]]);
    // rated on the decision the edge acted on (NY → CA: interstate), recorded under the CDR's decision_id
    const decision = await server.ctx.db.selectFrom('route_decisions').selectAll().where('id', '=', cdr!.decision_id!).executeTakeFirstOrThrow();
    expect([decision.trunk_id, decision.jurisdiction]).toEqual([trunks.main, 'interstate']);
    // 1 s held: 6/6 increments → 6 s billed; sell 0.012/min, cost 0.005/min
    expect(Number(cdr!.sell_billable)).toBe(6);
    expect(Number(cdr!.cost_billable)).toBe(6);
    expect(Number(cdr!.sell_amount)).toBe(120); // 6/60 × 0.012 = 0.0012, in 1e-5 units
    expect(Number(cdr!.cost_amount)).toBe(50);
  });
});

describe('failover and final answers', () => {
  it('a provider answering 503 is skipped for the next route, and the CDR shows both attempts', async () => {
    const before = { flaky: uas.flaky.invites().length, mid: uas.mid.invites().length };
    ok(await runUac({ edge, from: ADDR.main, dni: `${TECH.customer}14155550100`, scenario: uacScenario({ expect: 200 }) }));
    expect(uas.flaky.invites().length - before.flaky).toBe(1);
    expect(uas.mid.invites().length - before.mid).toBe(1);
    const cdr = (await cdrsOf(trunks.main, 2)).find((c) => c.dni.endsWith('14155550100'))!;
    expect(attemptsOf(cdr)).toEqual([
      [providers.flaky, 503],
      [providers.mid, 200],
    ]);
    expect(cdr).toMatchObject({ provider_id: providers.mid, disposition: 'answered', rating_error: null });
  });

  it('486 from the cheapest provider reaches the caller: no failover, a busy CDR that costs nothing', async () => {
    const before = uas.mid.invites().length;
    ok(await runUac({ edge, from: ADDR.main, dni: `${TECH.customer}16465550100`, scenario: uacScenario({ expect: 486 }) }));
    expect(uas.mid.invites().length).toBe(before);
    const cdr = (await cdrsOf(trunks.main, 3)).find((c) => c.dni.endsWith('16465550100'))!;
    expect(attemptsOf(cdr)).toEqual([[providers.busy, 486]]);
    expect([cdr.disposition, Number(cdr.sell_amount), Number(cdr.cost_amount)]).toEqual(['busy', 0, 0]);
  });

  it('a blocked destination is refused with 403 and never reaches a provider', async () => {
    const before = Object.values(uas).map((u) => u.invites().length);
    ok(await runUac({ edge, from: ADDR.main, dni: `${TECH.customer}12125550123`, scenario: uacScenario({ expect: 403 }) }));
    expect(Object.values(uas).map((u) => u.invites().length)).toEqual(before);
  });
});

describe('who may call', () => {
  it('is no open relay: an in-dialog request for no dialog of ours, routed through the edge to a gateway, is refused', async () => {
    const before = uas.dear.messages().length;
    const answer = await sipRequest(edge.host, edge.port, (local, branch) => [
      `BYE sip:13105550100@${uas.dear.host}:${uas.dear.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
      `Route: <sip:${edge.host}:${edge.port};lr>, <sip:${uas.dear.host}:${uas.dear.port};lr>`,
      'Max-Forwards: 70',
      `From: <sip:attacker@127.0.0.1>;tag=a${branch.slice(7)}`,
      `To: <sip:13105550100@${uas.dear.host}>;tag=b${branch.slice(7)}`,
      `Call-ID: relay-${branch}@127.0.0.1`,
      'CSeq: 2 BYE',
      'Content-Length: 0',
    ]);
    expect(answer).toBe('SIP/2.0 403 Forbidden');
    await new Promise((r) => setTimeout(r, 200));
    expect(uas.dear.messages().length).toBe(before);
  });

  it('an unknown source address gets 403', async () => {
    ok(await runUac({ edge, from: ADDR.stranger, dni: '13105550100', scenario: uacScenario({ expect: 403 }) }));
  });

  it('a digest trunk: challenged with 407, routed with the right password, challenged again with a wrong one', async () => {
    ok(await runUac({ edge, from: ADDR.digest, dni: '13105550111', scenario: uacScenario({ expect: 200, auth: true }), auth: DIGEST }));
    await cdrsOf(trunks.digest, 1);
    ok(
      await runUac({
        edge,
        from: ADDR.digest,
        dni: '13105550112',
        scenario: uacScenario({ expect: 407, auth: true }),
        auth: { ...DIGEST, password: 'wrong-password-1' },
      }),
    );
    const rows = await server.ctx.db.selectFrom('cdrs').select('dni').where('trunk_id', '=', trunks.digest).execute();
    expect(rows.map((r) => r.dni)).toEqual(['13105550111']);
  });
});

describe('limits', () => {
  const channels = async (trunkId: string) => {
    const { key } = await createEdgeKey(server.ctx, 'channels probe');
    return (await admin.as(key).get(`/internal/sip/channels/${trunkId}`)).body.data.active as number;
  };

  it('a trunk at its channel limit gets 486 for one more call while other trunks keep flowing; the channel comes back after the call', async () => {
    const held = runUac({ edge, from: ADDR.oneChannel, dni: '13105550120', scenario: uacScenario({ expect: 200 }), holdMs: 2500 });
    await new Promise((r) => setTimeout(r, 800));
    expect(await channels(trunks.oneChannel)).toBe(1);
    // the customer's live figures count it
    expect((await customerApi.get('/v1/metrics/current')).body.data.active_calls).toBe(1);
    const [refused, other] = await Promise.all([
      runUac({ edge, from: ADDR.oneChannel, dni: '13105550121', scenario: uacScenario({ expect: 486 }) }),
      runUac({ edge, from: ADDR.main, dni: `${TECH.customer}13105550122`, scenario: uacScenario({ expect: 200 }) }),
    ]);
    ok(refused);
    ok(other);
    ok(await held);
    await cdrsOf(trunks.oneChannel, 1);
    expect(await channels(trunks.oneChannel)).toBe(0);
  });

  it('a trunk over its calls per second gets 503 for the excess, and only admitted calls become CDRs', async () => {
    const r = await runUac({ edge, from: ADDR.twoCps, dni: '13105550130', scenario: uacScenario({ expect: 200, orElse: 503 }), calls: 10, rate: 200 });
    ok(r);
    // 10 calls within ~50 ms: 2 per second admitted, so 2 (or 4 across a second boundary)
    await new Promise((res) => setTimeout(res, 1500));
    const rows = await cdrsOf(trunks.twoCps, 2);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.length).toBeLessThanOrEqual(4);
    expect(rows.every((c) => c.disposition === 'answered')).toBe(true);
    expect(await channels(trunks.twoCps)).toBe(0);
  });
});

describe('origination and durability', () => {
  it('an INVITE from a provider to a number we sold goes to the owning trunk’s destinations in priority order', async () => {
    const down = await startUas('127.0.0.31', uasScenario({ answer: 503 }));
    const pbx = await startUas('127.0.0.30', uasScenario({ answer: 200 }));
    try {
      const owner = await server.ctx.db.selectFrom('trunks').select('customer_id').where('id', '=', trunks.main).executeTakeFirstOrThrow();
      const destinations = [
        { host: pbx.host, port: pbx.port, transport: 'udp', priority: 2 },
        { host: down.host, port: down.port, transport: 'udp', priority: 1 },
      ];
      const customerAdmin = admin.for(owner.customer_id);
      const patched = await customerAdmin.patch(`/trunks/${trunks.main}`, { direction: 'both', outbound_destinations: destinations });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      await server.ctx.db.insertInto('trunk_numbers').values({ number: '13125550199', trunk_id: trunks.main, created_at: new Date().toISOString() }).execute();
      await edgeChanged(server.ctx);
      // from the Mid provider's gateway address
      ok(await runUac({ edge, from: uas.mid.host, dni: '+13125550199', ani: '14155550000', scenario: uacScenario({ expect: 200 }) }));
      expect(down.invites()).toEqual([expect.stringMatching(new RegExp(`^sip:\\+13125550199@127\\.0\\.0\\.31:${down.port}`))]);
      expect(pbx.invites()).toEqual([expect.stringMatching(new RegExp(`^sip:\\+13125550199@127\\.0\\.0\\.30:${pbx.port}`))]);
      // a number nobody bought, from the same provider: refused like any unknown source
      ok(await runUac({ edge, from: uas.mid.host, dni: '+13125550100', scenario: uacScenario({ expect: 403 }) }));
    } finally {
      await Promise.all([down.stop(), pbx.stop()]);
    }
  });

  it('calls that end while WARP is down are reported when it is back: the edge keeps its reports and retries', async () => {
    const port = (server.app.server.address() as { port: number }).port;
    const before = (await cdrsOf(trunks.main, 1)).length;
    const call = runUac({ edge, from: ADDR.main, dni: `${TECH.customer}13105550140`, scenario: uacScenario({ expect: 200 }), holdMs: 1500 });
    await new Promise((r) => setTimeout(r, 700));
    // WARP goes away mid-call (a restart): the call goes on, its end is queued on the edge
    await server.app.close();
    ok(await call);
    await new Promise((r) => setTimeout(r, 500));
    expect(edge.log()).toMatch(/WARP unreachable/);
    const again = await buildApp(server.ctx, { logger: false });
    await again.listen({ port, host: '127.0.0.1' });
    server.app = again;
    const rows = await cdrsOf(trunks.main, before + 1);
    expect(rows.filter((c) => c.dni.endsWith('13105550140'))).toHaveLength(1);
  });
});
