import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { redisTarget, TcpProxy } from '../../../packages/platform/test/support/tcp-proxy.js';
import { until } from '../../../packages/platform/test/support/until.js';
import { Api } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createTelephonyOrg, type TelephonyOrg, webhookCall } from './support/telephony.js';

/**
 * Redis is shared state for a scaled deployment (bus, rate limits), not a reason to drop calls:
 * with Redis cut off, people still sign in, calls are still routed and logged, a configuration
 * change still applies to the next call on the instance that made it, and /health says degraded.
 */
const target = redisTarget();
let link: TcpProxy;
let server: TestServer;
let org: TelephonyOrg;

beforeAll(async () => {
  link = await new TcpProxy(target.host, target.port).start();
  server = await createTestServer({ REDIS_URL: link.url });
  org = await createTelephonyOrg(server.app, server.ctx, { name: 'Outage Org' });
});
afterAll(async () => {
  await server?.close();
  await link?.cut();
});

const health = async () => (await new Api(server.app).get('/health')).body as { status: string; redis: string; database: string };

describe('with Redis cut off', () => {
  it('reports ok while Redis answers', async () => {
    expect(await health()).toMatchObject({ status: 'ok', database: 'ok', redis: 'ok' });
  });

  it('keeps sign-in, calls and configuration working, and says degraded', async () => {
    await link.cut();
    await until(async () => (await health()).redis === 'unavailable', 'outage in /health');
    const res = await new Api(server.app).get('/health');
    expect(res.status).toBe(200); // degraded, not out of service: a load balancer keeps the instance
    expect(res.body).toMatchObject({ status: 'degraded', database: 'ok', redis: 'unavailable' });

    const me = await org.owner.get('/auth/me');
    const login = await org.anon.post('/auth/login', { email: me.body.email, password: 'passw0rd-test' });
    expect(login.status).toBe(200);

    const call = await webhookCall(org, { from: '+12125550199', to: org.did.number });
    expect(call.cxml).toContain('<Dial');
    expect(call.cxml).toContain('300');
    const log = await org.owner.get(`/call-logs?search=2125550199`);
    expect(log.body.data.find((c: { call_id: string }) => c.call_id === call.callSid)).toMatchObject({ status: 'completed' });

    // A change made now routes the very next call here, with no bus to carry it.
    const ext = await org.owner.post('/extensions', { extension_number: '811', type: 'virtual' });
    expect(ext.status).toBe(201);
    const moved = await org.owner.patch(`/dids/${org.did.id}`, { routing_type: 'extension', routing_config: { extension_id: ext.body.id } });
    expect(moved.status).toBe(200);
    const next = await webhookCall(org, { from: '+12125550198', to: org.did.number });
    expect(next.cxml).toContain('811');
  });

  it('is ok again once Redis is back', async () => {
    await link.start();
    await until(async () => (await health()).redis === 'ok', 'recovery in /health');
    expect(await health()).toMatchObject({ status: 'ok' });
  });
});
