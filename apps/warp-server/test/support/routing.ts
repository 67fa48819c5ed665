import { seededRandom } from '@opbx/platform';

import {
  type CustomerSnap,
  dayStart,
  Deck,
  type NpaNxxInfo,
  type PartitionSnap,
  type ProviderSnap,
  type RateRow,
  type RoutingSnapshot,
  toMicros,
  type TrunkSnap,
} from '../../src/modules/routing/engine/index.js';

/* Hand-built routing snapshots for the engine's unit tests. */

export type RateInput = Partial<Record<'interstate' | 'intrastate' | 'local' | 'indeterminate' | 'rate', string>> & {
  key: string;
  from?: string;
  to?: string;
};

let rowCounter = 0;
export function deck(rows: RateInput[]): Deck {
  const d = new Deck();
  const m = (v: string | undefined) => (v === undefined ? null : toMicros(v));
  for (const r of rows) {
    const row: RateRow = {
      id: `row-${++rowCounter}`,
      key: r.key,
      interstate: m(r.interstate),
      intrastate: m(r.intrastate),
      local: m(r.local),
      indeterminate: m(r.indeterminate),
      rate: m(r.rate),
      connectionFee: 0,
      initialIncrement: 6,
      subsequentIncrement: 6,
      minimumDuration: 0,
      from: r.from ? dayStart(r.from) : 0,
      to: dayStart(r.to),
    };
    d.add(row);
  }
  return d.seal();
}

export function provider(id: string, rows: RateInput[], extra: Partial<ProviderSnap> = {}): ProviderSnap {
  return {
    id,
    name: id.toUpperCase(),
    type: 'lrn',
    status: 'active',
    gateways: [{ host: `gw.${id}.example`, port: 5060, transport: 'udp', priority: 1, weight: 100 }],
    dialStringTemplate: null,
    techPrefix: null,
    jurisdictionPolicy: 'interstate',
    poiState: null,
    aniClasses: new Set(['any']),
    maxChannels: null,
    maxCps: null,
    deck: deck(rows),
    ...extra,
  };
}

export const REFERENCE: Record<string, NpaNxxInfo> = {
  '212555': { state: 'NY', rateCenter: 'NWYRCYZN01', ocn: '9104', lata: '132' },
  '212556': { state: 'NY', rateCenter: 'NWYRCYZN01', ocn: '9104', lata: '132' },
  '718555': { state: 'NY', rateCenter: 'NWYRCYZN05', ocn: '9206', lata: '132' },
  '201555': { state: 'NJ', rateCenter: 'HACKENSACK', ocn: '9102', lata: '224' },
  '310555': { state: 'CA', rateCenter: 'LSAN DA 01', ocn: '9740', lata: '730' },
  '512555': { state: 'TX', rateCenter: 'AUSTIN', ocn: '9420', lata: '558' },
  '900555': { state: null, rateCenter: null, ocn: null, lata: null },
};

export interface SnapshotInput {
  providers: ProviderSnap[];
  partition?: Partial<PartitionSnap> & { members: PartitionSnap['members'] };
  trunk?: Partial<TrunkSnap>;
  customer?: Partial<CustomerSnap>;
  sell?: RateInput[];
  overrides?: RoutingSnapshot['overrides'];
  exclusions?: RoutingSnapshot['exclusions'];
  lrnFailurePolicy?: 'block' | 'dialled';
}

export const CUSTOMER_ID = 'cust-1';
export const TRUNK_ID = 'trunk-1';

export function snapshot(input: SnapshotInput): RoutingSnapshot {
  const partition: PartitionSnap = { id: 'part-1', name: 'Standard', members: [], ...input.partition };
  const customer: CustomerSnap = { id: CUSTOMER_ID, name: 'Acme', status: 'active', ratePlan: 'retail', allowLoss: false, ...input.customer };
  const trunk: TrunkSnap = {
    id: TRUNK_ID,
    customerId: CUSTOMER_ID,
    name: 'edge',
    status: 'active',
    direction: 'both',
    techPrefix: null,
    allowedDestinations: new Set(['domestic', 'international', 'tollfree', 'premium']),
    blockedPrefixes: [],
    partitionId: partition.id,
    ratePlan: null,
    ...input.trunk,
  };
  return {
    version: 1,
    builtAt: new Date(0).toISOString(),
    providers: new Map(input.providers.map((p) => [p.id, p])),
    partitions: new Map([[partition.id, partition]]),
    customers: new Map([[customer.id, customer]]),
    trunks: new Map([[trunk.id, trunk]]),
    sellPlans: new Map([
      [
        'retail',
        deck(
          input.sell ?? [
            { key: '1', interstate: '0.02', intrastate: '0.02', local: '0.02', indeterminate: '0.02' },
            { key: '44', rate: '0.05' },
            { key: '1800', rate: '0.02' },
            { key: '1876', rate: '0.3' },
          ],
        ),
      ],
    ]),
    overrides: input.overrides ?? [],
    exclusions: input.exclusions ?? [],
    reference: { lookup: (npanxx) => REFERENCE[npanxx] },
    options: { lrnFailurePolicy: input.lrnFailurePolicy ?? 'dialled', maxRoutes: 5 },
  };
}

/** A seeded uniform generator, so weighted draws are reproducible. */
export const seeded = seededRandom;
