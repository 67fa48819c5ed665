import { describe, expect, it } from 'vitest';

import {
  cdrDetailView,
  cdrView,
  exclusionCreate,
  ingestBatch,
  ingestCdr,
  overrideCreate,
  partitionCreate,
  providerCreate,
  RATE_DECK_COLUMNS,
  simulateRequest,
  simulationResult,
  usageSummaryQuery,
} from '../src/index.js';

/*
 * The names issues 13 and 15 promise to tests and portals ("Names the tests and the portals rely on"),
 * checked against the schemas the client uses now and the later servers will validate with.
 */

const P1 = '0b8f4c1e-2f7a-4d55-9a4e-1c2b3d4e5f60';
const P2 = '7d1e2c3b-4a59-4687-8b9c-0d1e2f3a4b5c';
const T1 = 'c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b';

const fieldsOf = (error: { issues: Array<{ path: PropertyKey[] }> } | undefined) => (error?.issues ?? []).map((i) => i.path.join('.'));

describe('routing (issue 13)', () => {
  it('a provider body with every named field parses; gateways get SIP defaults; unknown fields are refused', () => {
    const body = {
      name: 'Carrier A',
      type: 'lrn',
      status: 'active',
      gateways: [{ host: 'sip.carrier-a.example', port: 5060, transport: 'udp', priority: 1, weight: 50 }],
      jurisdiction_policy: 'poi',
      poi_state: 'TX',
      ani_classes: ['domestic', 'international'],
      max_channels: 500,
      max_cps: 50,
    };
    expect(providerCreate.parse(body)).toMatchObject(body);
    expect(providerCreate.parse({ name: 'B', type: 'prefix', gateways: [{ host: '192.0.2.1' }] }).gateways[0]).toEqual({
      host: '192.0.2.1',
      port: 5060,
      transport: 'udp',
      priority: 1,
      weight: 100,
    });
    expect(fieldsOf(providerCreate.safeParse({ ...body, poi_state: undefined }).error)).toEqual(['poi_state']);
    expect(fieldsOf(providerCreate.safeParse({ ...body, colour: 'red' }).error)).toEqual(['']);
    expect(fieldsOf(providerCreate.safeParse({ ...body, type: 'voip', gateways: [] }).error).sort()).toEqual(['gateways', 'type']);
  });

  it('deck columns, partitions, overrides, exclusions and the simulator use the issue’s names', () => {
    expect([...RATE_DECK_COLUMNS].sort()).toEqual(
      [
        'prefix',
        'npanxx',
        'ocn',
        'lata',
        'description',
        'country',
        'interstate',
        'intrastate',
        'local',
        'indeterminate',
        'rate',
        'connection_fee',
        'initial_increment',
        'subsequent_increment',
        'minimum_duration',
        'effective_date',
        'end_date',
      ].sort(),
    );
    expect(partitionCreate.parse({ name: 'Premium', providers: [{ provider_id: P1, priority: 1, weight: 100 }] }).providers).toHaveLength(1);
    expect(overrideCreate.safeParse({ trunk_id: T1, prefix: '4420', action: 'force_providers', provider_ids: [P1, P2] }).success).toBe(true);
    expect(fieldsOf(overrideCreate.safeParse({ customer_id: T1, prefix: '44', action: 'rate_ceiling' }).error)).toEqual(['rate']);
    expect(exclusionCreate.safeParse({ npanxx_pattern: '900NXX', expires_at: '2026-12-31T00:00:00Z' }).success).toBe(true);
    expect(exclusionCreate.safeParse({ npanxx_pattern: '9a0' }).success).toBe(false);
    expect(simulateRequest.safeParse({ ani: '+12125550100', dni: '14155550100' }).success).toBe(false);
    const answer = {
      decision: 'route',
      reason_code: null,
      zone: 'us',
      lrn: '14155550000',
      routes: [
        {
          provider_id: P1,
          provider_name: 'Carrier A',
          cost_rate: '0.004',
          sell_rate: '0.0065',
          margin: '0.0025',
          dial_string: 'sip:14155550100@sip.carrier-a.example:5060',
        },
      ],
      trace: [{ step: 'lrn', detail: 'ported to 415555' }],
    };
    expect(simulationResult.parse(answer)).toMatchObject(answer);
  });
});

describe('CDRs and usage (issue 15)', () => {
  it('an ingested CDR takes the edge’s fields; the batch is at most 1,000', () => {
    const cdr = {
      call_id: 'a84b4c76e66710@192.0.2.4',
      source_ip: '192.0.2.4',
      ani: '+12125550100',
      dni: '+14155550100',
      decision_id: 'd1',
      started_at: '2026-01-05T10:00:00Z',
      attempts: [
        { provider_id: P1, started_at: '2026-01-05T10:00:00Z', ended_at: '2026-01-05T10:00:02Z', sip_code: 503 },
        { provider_id: P2, started_at: '2026-01-05T10:00:02Z', answered_at: '2026-01-05T10:00:05Z', ended_at: '2026-01-05T10:01:05Z', sip_code: 200 },
      ],
      disconnect_cause: 'normal_clearing',
    };
    expect(ingestCdr.parse(cdr)).toEqual(cdr);
    expect(fieldsOf(ingestCdr.safeParse({ ...cdr, source_ip: undefined }).error)).toEqual(['trunk_id']);
    expect(ingestBatch.safeParse({ cdrs: Array.from({ length: 1001 }, () => cdr) }).success).toBe(false);
  });

  it('rated CDR views carry the named fields, money as decimal strings', () => {
    const customerKeys = [
      'id',
      'call_id',
      'trunk_id',
      'ani',
      'dni',
      'direction',
      'zone',
      'started_at',
      'answered_at',
      'ended_at',
      'duration',
      'billable_seconds',
      'rate',
      'amount',
      'disposition',
    ];
    expect(Object.keys(cdrView.shape).sort()).toEqual(customerKeys.sort());
    for (const key of [
      'sell_rate',
      'sell_amount',
      'cost_rate',
      'cost_amount',
      'margin',
      'margin_percent',
      'provider_id',
      'attempts',
      'rating_error',
      'trace',
    ]) {
      expect(cdrDetailView.shape).toHaveProperty(key);
    }
    expect(cdrView.shape.amount.safeParse(0.1).success).toBe(false);
    expect(cdrView.shape.amount.safeParse('0.10000').success).toBe(true);
  });

  it('usage summary takes ?period or the custom ?start&end the seed sends', () => {
    expect(usageSummaryQuery.safeParse({ period: 'month' }).success).toBe(true);
    expect(usageSummaryQuery.safeParse({ start: '2026-01-01', end: '2026-01-31' }).success).toBe(true);
    expect(usageSummaryQuery.safeParse({ period: 'year' }).success).toBe(false);
  });
});
