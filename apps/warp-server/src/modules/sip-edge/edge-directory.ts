import { createHash } from 'node:crypto';
import { BlockList, isIPv6 } from 'node:net';

import { type EventBus, RebuiltValue, RedisEventBus } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import type { TrunksTable } from '../../db/schema.js';
import type { CustomerSnap, TrunkSnap } from '../routing/engine/index.js';
import { CUSTOMER_COLUMNS, customerSnap, trunkSnap } from '../routing/routing.state.js';

/*
 * What the SIP edge needs to know about trunks, in memory: who a source address is (IP ACL), who
 * a digest user is (and the HA1 Kamailio checks the response with), each trunk's limits and
 * origination destinations, and which trunk owns a number. Decisions never touch the database;
 * trunk, customer and number writes rebuild it (and tell other instances on the bus), and a
 * periodic rebuild bounds the staleness if a message is ever lost.
 */

export interface OutboundDestination {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  priority: number;
}

export interface EdgeTrunk {
  snap: TrunkSnap;
  customer: CustomerSnap;
  authType: TrunksTable['auth_type'];
  acl: BlockList | null;
  username: string | null;
  /** MD5(username:realm:password), what Kamailio's pv_auth_check takes with flags=1 */
  ha1: string | null;
  maxCps: number;
  maxChannels: number;
  destinations: OutboundDestination[];
}

const TOPIC = 'warp.edge.changed';
const REFRESH_MS = 60_000;

const plainAddress = (ip: string) => (ip.startsWith('::ffff:') && !ip.slice(7).includes(':') ? ip.slice(7) : ip);

function aclOf(cidrs: string[]): BlockList | null {
  if (!cidrs.length) return null;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/');
    const family = net!.includes(':') ? 'ipv6' : 'ipv4';
    list.addSubnet(net!, bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits), family);
  }
  return list;
}

export class EdgeDirectoryData {
  private readonly aclTrunks: EdgeTrunk[];
  private readonly ipCache = new Map<string, EdgeTrunk | null>();

  constructor(
    readonly trunks: ReadonlyMap<string, EdgeTrunk>,
    private readonly users: ReadonlyMap<string, EdgeTrunk>,
    private readonly numbers: ReadonlyMap<string, string>,
    /** any trunk accepts digest without an address match: unknown sources are challenged, not refused */
    readonly challengesUnknownSources: boolean,
  ) {
    this.aclTrunks = [...trunks.values()].filter((t) => t.acl && t.authType !== 'digest');
  }

  /** The trunk whose IP ACL admits this address (first created wins when ACLs overlap). */
  byAddress(ip: string): EdgeTrunk | undefined {
    const address = plainAddress(ip);
    let hit = this.ipCache.get(address);
    if (hit === undefined) {
      const family = isIPv6(address) ? 'ipv6' : 'ipv4';
      hit = this.aclTrunks.find((t) => t.acl!.check(address, family)) ?? null;
      if (this.ipCache.size > 50_000) this.ipCache.clear();
      this.ipCache.set(address, hit);
    }
    return hit ?? undefined;
  }

  byUser(username: string): EdgeTrunk | undefined {
    return this.users.get(username);
  }

  /** The trunk that owns a sold number (E.164 digits without +). */
  ownerOf(digits: string): EdgeTrunk | undefined {
    const id = this.numbers.get(digits);
    return id ? this.trunks.get(id) : undefined;
  }
}

export async function loadEdgeDirectory(ctx: AppContext): Promise<EdgeDirectoryData> {
  const realm = ctx.config.WARP_SIP_REALM;
  const customers = new Map((await ctx.db.selectFrom('customers').select(CUSTOMER_COLUMNS).execute()).map((c) => [c.id, customerSnap(c)]));
  const trunks = new Map<string, EdgeTrunk>();
  const users = new Map<string, EdgeTrunk>();
  const rows = await ctx.db.selectFrom('trunks').selectAll().orderBy('created_at').orderBy('id').execute();
  for (const row of rows) {
    const customer = customers.get(row.customer_id);
    if (!customer) continue;
    const password = row.sip_username && row.sip_password_enc ? ctx.secrets.decrypt(row.sip_password_enc) : null;
    const trunk: EdgeTrunk = {
      snap: trunkSnap(row),
      customer,
      authType: row.auth_type,
      acl: aclOf(JSON.parse(row.allowed_ips) as string[]),
      username: row.sip_username,
      ha1: password ? createHash('md5').update(`${row.sip_username}:${realm}:${password}`).digest('hex') : null,
      maxCps: Number(row.max_cps),
      maxChannels: Number(row.max_channels),
      destinations: (JSON.parse(row.outbound_destinations) as OutboundDestination[]).slice().sort((a, b) => a.priority - b.priority),
    };
    trunks.set(row.id, trunk);
    if (trunk.username && trunk.ha1 && row.auth_type !== 'ip_acl') users.set(trunk.username, trunk);
  }
  const numbers = new Map((await ctx.db.selectFrom('trunk_numbers').select(['number', 'trunk_id']).execute()).map((n) => [n.number, n.trunk_id]));
  const challenges = [...trunks.values()].some((t) => t.authType === 'digest' && t.ha1 && t.snap.status !== 'inactive');
  return new EdgeDirectoryData(trunks, users, numbers, challenges);
}

/** The directory of one server instance: read without waiting, rebuilt in the background on change. */
export class EdgeDirectory {
  private readonly state: RebuiltValue<EdgeDirectoryData>;
  private readonly bus?: EventBus;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly ctx: AppContext,
    bus?: EventBus,
  ) {
    const c = ctx.config;
    this.bus = bus ?? (c.REDIS_URL ? new RedisEventBus(c.REDIS_URL, `${c.WARP_REDIS_PREFIX}bus:`) : undefined);
    this.state = new RebuiltValue(() => loadEdgeDirectory(ctx), this.bus, TOPIC);
    this.timer = setInterval(() => void this.rebuild().catch((err) => this.state.onError(err)), REFRESH_MS).unref();
  }

  set onError(handler: (err: unknown) => void) {
    this.state.onError = handler;
  }

  current(): Promise<EdgeDirectoryData> {
    return this.state.current();
  }

  /** After a trunk, customer or number write on this instance. */
  async changed(): Promise<void> {
    if (!this.state.started) return; // nobody has asked yet: the first use loads it
    await this.state.rebuild();
    await this.state.publish();
  }

  /** Tells other instances without building here (the CLI). */
  announce(): Promise<void> {
    return this.state.publish();
  }

  rebuild(): Promise<void> {
    return this.state.rebuild();
  }

  async close(): Promise<void> {
    // a server built again on this context (a restart in tests) gets a fresh directory
    if (directories.get(this.ctx) === this) directories.delete(this.ctx);
    clearInterval(this.timer);
    this.state.stop();
    await this.bus?.close();
  }
}

const directories = new WeakMap<AppContext, EdgeDirectory>();

export function edgeDirectoryOf(ctx: AppContext, bus?: EventBus): EdgeDirectory {
  let d = directories.get(ctx);
  if (!d) directories.set(ctx, (d = new EdgeDirectory(ctx, bus)));
  return d;
}

/** For services that change trunks, customers or numbers: never fails the write. */
export async function edgeChanged(ctx: AppContext): Promise<void> {
  await directories
    .get(ctx)
    ?.changed()
    .catch(() => undefined);
}
