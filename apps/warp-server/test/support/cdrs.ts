import { expect } from 'vitest';

import { createEdgeKey } from '../../src/modules/cdrs/edge-keys.js';
import type { Api } from './api.js';
import type { TestServer } from './context.js';
import { uploadDeck } from './decks.js';
import { createTestCustomer, type TestCustomer } from './fixtures.js';

/*
 * A rated world for CDR tests, built through the real admin API: a provider with a deck
 * (60/60, a fee, a 30 s minimum), a sell plan (6/6), a partition, and a customer whose trunk
 * routes through it. Rates are chosen so every figure in the tests can be worked out by hand.
 */
export interface CdrWorld {
  customer: TestCustomer;
  trunkId: string;
  providerId: string;
  edge: Api;
  edgeKey: string;
}

const gw = (host: string) => [{ host, port: 5060, transport: 'udp', priority: 1, weight: 100 }];

export async function cdrWorld(server: TestServer, admin: Api, name: string, ip: string): Promise<CdrWorld> {
  const customer = await createTestCustomer(server, name);
  const plan = `plan-${name.toLowerCase().replace(/\W+/g, '-')}`;
  expect(
    (
      await uploadDeck(
        server.app,
        admin,
        '/admin/rates/import',
        'prefix,interstate,intrastate,indeterminate,rate,effective_date\n1,0.012,0.015,0.02,,2026-01-01\n44,,,,0.05,2026-01-01\n',
        { rate_plan: plan },
      )
    ).status,
  ).toBe(200);
  expect((await admin.patch(`/admin/customers/${customer.id}`, { rate_plan: plan })).status).toBe(200);
  const p = await admin.post('/admin/providers', { name: `${name} Carrier`, type: 'prefix', gateways: gw(`${plan}.example`) });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const providerId = p.body.data.id as string;
  const deck =
    'prefix,interstate,intrastate,indeterminate,rate,connection_fee,initial_increment,subsequent_increment,minimum_duration,effective_date\n1,0.006,0.009,0.01,,0.001,60,60,30,2026-01-01\n';
  const up = await uploadDeck(server.app, admin, `/admin/providers/${providerId}/rates/import`, deck);
  expect(up.status, JSON.stringify(up.body)).toBe(200);
  const part = await admin.post('/admin/partitions', { name: `${name} partition`, providers: [{ provider_id: providerId }] });
  expect(part.status, JSON.stringify(part.body)).toBe(201);
  const trunk = await customer.users.customer_admin.api.post('/trunks', { name: 'Edge', auth_type: 'ip_acl', allowed_ips: [`${ip}/32`] });
  expect(trunk.status, JSON.stringify(trunk.body)).toBe(201);
  const trunkId = trunk.body.data.id as string;
  expect((await admin.post(`/admin/trunks/${trunkId}/partition`, { partition_id: part.body.data.id })).status).toBe(200);
  const { key } = await createEdgeKey(server.ctx, `${name} edge`);
  return { customer, trunkId, providerId, edge: admin.as(key), edgeKey: key };
}

/** An answered interstate call: NY → CA, `seconds` long, starting at `start`. */
export function answeredCdr(
  world: Pick<CdrWorld, 'trunkId' | 'providerId'>,
  callId: string,
  start: string,
  seconds: number,
  extra: Record<string, unknown> = {},
) {
  const t0 = Date.parse(start);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    call_id: callId,
    trunk_id: world.trunkId,
    ani: '+12125551000',
    dni: '+13105552000',
    started_at: iso(t0),
    attempts: [{ provider_id: world.providerId, started_at: iso(t0), answered_at: iso(t0 + 2000), ended_at: iso(t0 + 2000 + seconds * 1000), sip_code: 200 }],
    disconnect_cause: 'normal_clearing',
    ...extra,
  };
}

export function failedCdr(world: Pick<CdrWorld, 'trunkId' | 'providerId'>, callId: string, start: string, sipCode = 486) {
  const t0 = Date.parse(start);
  return {
    call_id: callId,
    trunk_id: world.trunkId,
    ani: '+12125551000',
    dni: '+13105552000',
    started_at: new Date(t0).toISOString(),
    attempts: [{ provider_id: world.providerId, started_at: new Date(t0).toISOString(), ended_at: new Date(t0 + 3000).toISOString(), sip_code: sipCode }],
  };
}
