import type { TimeWindow } from '@warp/contract';

import type { Deck } from './deck.js';
import type { Micros } from './money.js';

/*
 * The routing snapshot: everything a decision reads, in memory, immutable once built. The server
 * builds a new one in the background when configuration changes and swaps the reference; a
 * decision in flight keeps the snapshot it started with.
 */

export interface Gateway {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  priority: number;
  weight: number;
}

export interface ProviderSnap {
  id: string;
  name: string;
  type: 'lrn' | 'ocn_lata' | 'prefix' | 'tollfree' | 'international';
  status: 'active' | 'disabled';
  gateways: Gateway[];
  dialStringTemplate: string | null;
  techPrefix: string | null;
  jurisdictionPolicy: 'interstate' | 'intrastate' | 'poi';
  poiState: string | null;
  aniClasses: ReadonlySet<string>;
  maxChannels: number | null;
  maxCps: number | null;
  deck: Deck;
}

export interface PartitionMemberSnap {
  providerId: string;
  priority: number;
  weight: number;
  timeWindows?: TimeWindow[] | null;
}

export interface PartitionSnap {
  id: string;
  name: string;
  members: PartitionMemberSnap[];
}

export interface CustomerSnap {
  id: string;
  name: string;
  status: 'active' | 'suspended' | 'terminated';
  ratePlan: string | null;
  /** per-customer policy: route even when the cost is above the sell rate */
  allowLoss: boolean;
}

export interface TrunkSnap {
  id: string;
  customerId: string;
  name: string;
  status: 'active' | 'suspended' | 'testing' | 'inactive';
  direction: 'inbound' | 'outbound' | 'both';
  techPrefix: string | null;
  allowedDestinations: ReadonlySet<string>;
  blockedPrefixes: readonly string[];
  partitionId: string | null;
  ratePlan: string | null;
}

export interface OverrideSnap {
  id: string;
  customerId: string | null;
  trunkId: string | null;
  prefix: string | null;
  npanxx: string | null;
  ocn: string | null;
  lata: string | null;
  action: 'force_providers' | 'sell_rate' | 'rate_ceiling';
  providerIds: string[];
  rate: Micros | null;
  timeWindow: TimeWindow | null;
  createdAt: string;
}

export interface ExclusionSnap {
  id: string;
  customerId: string | null;
  providerId: string | null;
  prefix: string | null;
  npanxxPattern: string | null;
  country: string | null;
  premium: boolean;
  /** epoch ms, or null for no expiry */
  expiresAt: number | null;
  reason: string | null;
}

/** What the reference table knows of an NPA-NXX. */
export interface NpaNxxInfo {
  state: string | null;
  rateCenter: string | null;
  ocn: string | null;
  lata: string | null;
}

export interface NpaNxxReference {
  lookup(npanxx: string): NpaNxxInfo | undefined;
}

export interface RoutingOptions {
  /** when the LRN dip fails: refuse the call, or route on the dialled NPA-NXX */
  lrnFailurePolicy: 'block' | 'dialled';
  /** routes returned per decision */
  maxRoutes: number;
}

export interface RoutingSnapshot {
  version: number;
  builtAt: string;
  providers: ReadonlyMap<string, ProviderSnap>;
  partitions: ReadonlyMap<string, PartitionSnap>;
  customers: ReadonlyMap<string, CustomerSnap>;
  trunks: ReadonlyMap<string, TrunkSnap>;
  /** customer sell decks by rate plan name */
  sellPlans: ReadonlyMap<string, Deck>;
  overrides: readonly OverrideSnap[];
  exclusions: readonly ExclusionSnap[];
  reference: NpaNxxReference;
  options: RoutingOptions;
}
