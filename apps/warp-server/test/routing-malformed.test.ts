import * as contract from '@warp/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';

import type { Api, Reply } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createStaff, createTestCustomer, type TestCustomer } from './support/fixtures.js';

/**
 * Every routing write route gets bad bodies (wrong types, missing fields, unknown fields,
 * oversized values, non-object JSON): each a 4xx in WARP's error body (422 naming fields), never a
 * 5xx, and the routing tables unchanged.
 */
let server: TestServer;
let admin: Api;
let acme: TestCustomer;
const ids = {} as { provider: string; partition: string; trunk: string };

beforeAll(async () => {
  server = await createTestServer();
  admin = (await createStaff(server, 'admin')).api;
  acme = await createTestCustomer(server, 'Malformed Routing');
  ids.provider = (await admin.post('/admin/providers', { name: 'P', type: 'lrn', gateways: [{ host: 'p.example' }] })).body.data.id;
  ids.partition = (await admin.post('/admin/partitions', { name: 'Part', providers: [{ provider_id: ids.provider }] })).body.data.id;
  ids.trunk = (await acme.users.customer_admin.api.post('/trunks', { name: 'T', allowed_ips: ['192.0.2.1'] })).body.data.id;
}, 60_000);
afterAll(() => server?.close());

const TABLES = ['providers', 'rates', 'partitions', 'partition_providers', 'routing_overrides', 'routing_exclusions', 'trunks'] as const;
async function snapshot(): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) out[t] = (await server.ctx.db.selectFrom(t).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
  return JSON.stringify(out);
}

const window = { days: ['mon'], start: '08:00', end: '17:00', timezone: 'America/New_York' };
interface WriteRoute {
  name: string;
  method: 'POST' | 'PATCH';
  url: () => string;
  valid: Record<string, unknown>;
  schema: z.ZodType;
  required: string[];
}
const routes: WriteRoute[] = [
  {
    name: 'create provider',
    method: 'POST',
    url: () => '/admin/providers',
    valid: {
      name: 'New',
      type: 'prefix',
      status: 'active',
      gateways: [{ host: 'n.example', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
      dial_string_template: 'sip:{dni}@{host}',
      tech_prefix: '12#',
      jurisdiction_policy: 'poi',
      poi_state: 'TX',
      ani_classes: ['any'],
      max_channels: 10,
      max_cps: 5,
      initial_increment: 6,
      subsequent_increment: 6,
      connection_fee: '0.01',
    },
    schema: contract.providerCreate,
    required: ['name', 'type', 'gateways'],
  },
  {
    name: 'update provider',
    method: 'PATCH',
    url: () => `/admin/providers/${ids.provider}`,
    valid: { name: 'Renamed', max_channels: 20, ani_classes: ['domestic'], connection_fee: '0' },
    schema: contract.providerUpdate,
    required: [],
  },
  {
    name: 'create partition',
    method: 'POST',
    url: () => '/admin/partitions',
    get valid() {
      return { name: 'P2', description: 'd', providers: [{ provider_id: ids.provider, priority: 1, weight: 10, time_windows: [window] }] };
    },
    schema: contract.partitionCreate,
    required: ['name'],
  },
  {
    name: 'update partition',
    method: 'PATCH',
    url: () => `/admin/partitions/${ids.partition}`,
    get valid() {
      return { name: 'P3', providers: [{ provider_id: ids.provider, priority: 2, weight: 5 }] };
    },
    schema: contract.partitionUpdate,
    required: [],
  },
  {
    name: 'assign partition',
    method: 'POST',
    url: () => `/admin/trunks/${ids.trunk}/partition`,
    get valid() {
      return { partition_id: ids.partition };
    },
    schema: contract.assignPartition,
    required: ['partition_id'],
  },
  {
    name: 'create override',
    method: 'POST',
    url: () => '/admin/overrides',
    get valid() {
      return { customer_id: acme.id, prefix: '1212', action: 'sell_rate', rate: '0.01', time_window: window, note: 'n' };
    },
    schema: contract.overrideCreate,
    required: ['action'],
  },
  {
    name: 'create exclusion',
    method: 'POST',
    url: () => '/admin/exclusions',
    get valid() {
      return { customer_id: acme.id, npanxx_pattern: '900NXX', expires_at: '2099-01-01T00:00:00Z', reason: 'r' };
    },
    schema: contract.exclusionCreate,
    required: [],
  },
  {
    name: 'simulate',
    method: 'POST',
    url: () => '/admin/routing/simulate',
    get valid() {
      return { customer_id: acme.id, ani: '+12125550000', dni: '+12125551234', at: '2026-07-01T12:00:00Z' };
    },
    schema: contract.simulateRequest,
    required: ['ani', 'dni'],
  },
];

const HUGE = 'x'.repeat(100_000);
const wrongTypes = (v: unknown): unknown[] => {
  if (typeof v === 'string') return [12345, true, {}, [], null, HUGE, '', ' ', 'a\u0000b'];
  if (typeof v === 'number') return ['12', true, {}, [], -1, 1e12, 1.5, null];
  if (Array.isArray(v)) return ['x', 1, {}, null, [{}], [null], Array(5000).fill(v[0] ?? 'x'), [HUGE]];
  if (v && typeof v === 'object') return ['x', 1, [], true, { bogus: 1 }];
  return ['x', 1, {}, []];
};

function badBodies(route: WriteRoute): { label: string; body: unknown }[] {
  const out: { label: string; body: unknown }[] = [
    { label: 'unknown field', body: { ...route.valid, bogus_field: 1 } },
    { label: 'array body', body: [route.valid] },
    { label: 'string body', body: '"hello"' },
    { label: 'truncated JSON', body: '{"name":' },
    { label: 'rate with 7 places', body: { ...route.valid, rate: '0.0000001' } },
  ];
  for (const field of route.required) {
    const { [field]: _drop, ...rest } = route.valid;
    out.push({ label: `missing ${field}`, body: rest });
  }
  for (const [field, value] of Object.entries(route.valid)) {
    for (const wrong of wrongTypes(value)) out.push({ label: `${field}=${JSON.stringify(wrong)?.slice(0, 30)}`, body: { ...route.valid, [field]: wrong } });
  }
  return out.filter(({ body }) => typeof body === 'string' || !route.schema.safeParse(body).success);
}

function problems(res: Reply): string[] {
  const p: string[] = [];
  if (res.status < 400 || res.status >= 500) p.push(`status ${res.status}`);
  const b = res.body;
  if (!b || typeof b.code !== 'string' || !Array.isArray(b.details) || b.requestId !== res.headers['x-request-id']) p.push('not the error body');
  if (
    res.status === 422 &&
    !(b.details.length > 0 && b.details.every((d: { field: unknown; message: unknown }) => typeof d.field === 'string' && typeof d.message === 'string'))
  )
    p.push('422 without field details');
  return p;
}

describe('malformed input on every routing write route', () => {
  for (const route of routes) {
    it(`${route.method} ${route.name}: each bad body a 4xx with details, nothing stored`, async () => {
      const bodies = badBodies(route);
      expect(bodies.length).toBeGreaterThanOrEqual(12);
      const before = await snapshot();
      const failures: string[] = [];
      for (const { label, body } of bodies) {
        const res = await admin.request(route.method, route.url(), body);
        const p = problems(res);
        if (p.length) failures.push(`${label}: ${p.join(', ')} ${String(JSON.stringify(res.body)).slice(0, 200)}`);
      }
      expect(failures).toEqual([]);
      expect(await snapshot()).toBe(before);
    });
  }

  it('references that do not exist are 422 on the field, nothing stored', async () => {
    const before = await snapshot();
    const ghost = '01900000-0000-7000-8000-00000000dead';
    const cases: [string, unknown, string][] = [
      ['/admin/partitions', { name: 'G', providers: [{ provider_id: ghost }] }, 'providers.0.provider_id'],
      ['/admin/overrides', { trunk_id: ghost, prefix: '1', action: 'rate_ceiling', rate: '1' }, 'trunk_id'],
      ['/admin/overrides', { customer_id: ghost, prefix: '1', action: 'rate_ceiling', rate: '1' }, 'customer_id'],
      ['/admin/exclusions', { provider_id: ghost }, 'provider_id'],
      [`/admin/trunks/${ids.trunk}/partition`, { partition_id: ghost }, 'partition_id'],
    ];
    for (const [url, body, field] of cases) {
      const res = await admin.post(url, body);
      expect(res.status, url).toBe(422);
      expect(
        res.body.details.map((d: { field: string }) => d.field),
        url,
      ).toContain(field);
    }
    expect(await snapshot()).toBe(before);
  });

  it('bad query strings on the routing lists are 422, never 500', async () => {
    for (const url of [
      '/admin/rates?limit=0',
      '/admin/rates?effective_date=2026-13-01',
      '/admin/rates?destination=12a',
      '/admin/providers?page=-1',
      '/admin/routes?partition_id=x',
    ]) {
      const res = await admin.get(url);
      expect(res.status, url).toBe(422);
      expect(problems(res), url).toEqual([]);
    }
  });
});
