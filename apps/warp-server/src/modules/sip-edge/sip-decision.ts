import { newId } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import { decide, needsLrn, normalizeNumber, type RoutingSnapshot } from '../routing/engine/index.js';
import { routingOf } from '../routing/routing.state.js';
import type { CallLimits } from './call-limits.js';
import type { DecisionLog } from './decision-log.js';
import { type EdgeDirectoryData, edgeDirectoryOf, type EdgeTrunk } from './edge-directory.js';
import { type EdgeRejectReason, SIP_ANSWERS } from './sip-codes.js';

/*
 * One SIP call, as the edge asks about it: who is calling (trunk by address or digest user, or a
 * provider delivering a call to a number we sold), then the route engine on the live snapshot,
 * then the trunk's limits. The answer is what Kamailio's script reads: an action, and for a route
 * an rtjson document of the ordered attempts.
 */

export interface SipRouteQuery {
  call_id: string;
  source_ip: string;
  ani: string;
  dni: string;
  /** the digest user of a Proxy-Authorization header, when the INVITE carries one */
  auth_user: string;
  /** the edge checked that user's digest response against the HA1 we sent */
  authenticated: boolean;
}

interface RtjsonRoute {
  uri: string;
  fr_inv_timer?: number;
}

export type SipAnswer =
  | {
      action: 'route';
      direction: 'outbound' | 'inbound';
      trunk_id: string;
      decision_id: string;
      /** the provider of each route, comma-separated in route order (the end-of-call report maps attempts back) */
      providers: string;
      rtjson: { version: '1.0'; routing: 'serial'; routes: RtjsonRoute[] };
    }
  | { action: 'reject'; code: number; reason: string; reason_code: EdgeRejectReason; detail?: string }
  | { action: 'challenge'; realm: string }
  | { action: 'verify'; realm: string; ha1: string };

const reject = (reason_code: EdgeRejectReason, detail?: string): SipAnswer => ({ action: 'reject', ...SIP_ANSWERS[reason_code], reason_code, detail });

const PROVIDER_ADDRESSES = new WeakMap<RoutingSnapshot, ReadonlySet<string>>();

/** Addresses of every provider gateway (origination comes from them). */
function providerAddresses(snapshot: RoutingSnapshot): ReadonlySet<string> {
  let set = PROVIDER_ADDRESSES.get(snapshot);
  if (!set) {
    const s = new Set<string>();
    for (const p of snapshot.providers.values()) for (const g of p.gateways) s.add(g.host);
    PROVIDER_ADDRESSES.set(snapshot, (set = s));
  }
  return set;
}

type Identity = { trunk: EdgeTrunk } | { answer: SipAnswer };

/** The calling trunk: by IP ACL (plus digest for `both`), or by digest user for `digest` trunks. */
function identify(dir: EdgeDirectoryData, q: SipRouteQuery, realm: string): Identity {
  const byAddress = dir.byAddress(q.source_ip);
  if (byAddress) {
    if (byAddress.authType !== 'both') return { trunk: byAddress };
    if (!q.auth_user) return { answer: { action: 'challenge', realm } };
    if (q.auth_user !== byAddress.username || !byAddress.ha1) return { answer: reject('AUTH_FAILED', 'the digest user is not this trunk’s') };
    return q.authenticated ? { trunk: byAddress } : { answer: { action: 'verify', realm, ha1: byAddress.ha1 } };
  }
  if (!q.auth_user) return { answer: dir.challengesUnknownSources ? { action: 'challenge', realm } : reject('UNKNOWN_SOURCE') };
  const byUser = dir.byUser(q.auth_user);
  // `both` trunks also need their address; an unknown user is refused outright, not re-challenged.
  if (!byUser || byUser.authType !== 'digest') return { answer: reject('AUTH_FAILED', 'no trunk has these credentials from this address') };
  return q.authenticated ? { trunk: byUser } : { answer: { action: 'verify', realm, ha1: byUser.ha1! } };
}

export async function decideSipCall(ctx: AppContext, limits: CallLimits, log: DecisionLog, q: SipRouteQuery): Promise<SipAnswer> {
  const state = routingOf(ctx);
  const [dir, snapshot] = await Promise.all([edgeDirectoryOf(ctx).current(), state.current()]);

  // A provider delivering a call to a number we sold: origination to the owning trunk. (A number we
  // did not sell, from a provider's address, is then judged like any other source.)
  if (providerAddresses(snapshot).has(q.source_ip)) {
    const answer = await originate(dir, limits, q);
    if (answer) return answer;
  }

  const who = identify(dir, q, ctx.config.WARP_SIP_REALM);
  if ('answer' in who) return who.answer;
  const { trunk } = who;
  const dialled = normalizeNumber(q.dni, trunk.snap.techPrefix);
  const lrn = dialled && needsLrn(dialled) && state.lrn ? await state.lrn.dip(dialled.digits.slice(1)) : undefined;
  const at = Date.now();
  const decision = decide(snapshot, {
    trunkId: trunk.snap.id,
    customerId: trunk.customer.id,
    trunk: trunk.snap,
    customer: trunk.customer,
    ani: q.ani,
    dni: q.dni,
    at,
    lrn,
  });
  if (decision.decision === 'reject') return reject(decision.reason_code ?? 'NO_ROUTE');
  const routes = decision.routes.filter((r) => r.dial_string.startsWith('sip:'));
  if (!routes.length) return reject('NO_ROUTE', 'no provider has a SIP dial string');

  const admitted = await limits.admit(trunk.snap.id, q.call_id, trunk.maxCps, trunk.maxChannels);
  if (admitted !== 'ok') return reject(admitted === 'cps' ? 'CPS_LIMIT' : 'CHANNEL_LIMIT');
  const decisionId = newId();
  log.add({ id: decisionId, decidedAt: new Date(at), customerId: trunk.customer.id, trunkId: trunk.snap.id, decision });
  return {
    action: 'route',
    direction: 'outbound',
    trunk_id: trunk.snap.id,
    decision_id: decisionId,
    providers: routes.map((r) => r.provider_id).join(','),
    rtjson: { version: '1.0', routing: 'serial', routes: routes.map((r) => ({ uri: r.dial_string })) },
  };
}

/** Origination: the owning trunk's destinations in priority order. */
async function originate(dir: EdgeDirectoryData, limits: CallLimits, q: SipRouteQuery): Promise<SipAnswer | undefined> {
  const dialled = normalizeNumber(q.dni);
  const trunk = dialled ? dir.ownerOf(dialled.digits) : undefined;
  if (!dialled || !trunk) return undefined;
  if (trunk.customer.status !== 'active') return reject('CUSTOMER_SUSPENDED');
  if ((trunk.snap.status !== 'active' && trunk.snap.status !== 'testing') || trunk.snap.direction === 'outbound') return reject('TRUNK_DISABLED');
  if (!trunk.destinations.length) return reject('NO_ROUTE', 'the trunk has no outbound destinations');
  const admitted = await limits.admit(trunk.snap.id, q.call_id, trunk.maxCps, trunk.maxChannels);
  if (admitted !== 'ok') return reject(admitted === 'cps' ? 'CPS_LIMIT' : 'CHANNEL_LIMIT');
  return {
    action: 'route',
    direction: 'inbound',
    trunk_id: trunk.snap.id,
    decision_id: newId(),
    providers: '',
    rtjson: {
      version: '1.0',
      routing: 'serial',
      routes: trunk.destinations.map((d) => ({ uri: `sip:+${dialled.digits}@${d.host}:${d.port}${d.transport === 'udp' ? '' : `;transport=${d.transport}`}` })),
    },
  };
}
