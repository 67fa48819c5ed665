import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

import { notFound } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { type EdgeDirectoryData, edgeDirectoryOf, type OutboundDestination } from './edge-directory.js';

/*
 * Whether each trunk's origination destinations answer SIP (issue 16: kept for the realtime
 * issue). Every interval, each distinct UDP destination of every trunk gets one SIP OPTIONS
 * request (RFC 3261 §11); any response, even 4xx/5xx, proves a SIP stack is listening there. A
 * destination becomes unreachable only after several rounds in a row without an answer, so one
 * lost datagram does not flap it. Status is per server instance, in memory.
 *
 * TCP and TLS destinations are listed but not pinged (their reachability stays unknown): the
 * pinger speaks UDP only.
 */

/** RFC 3261 timers for a non-INVITE client transaction over UDP: retransmit from T1, doubling up to T2. */
const T1_MS = 500;
const T2_MS = 4000;
/** pings in flight at once */
const PARALLEL = 256;

export interface PingAnswer {
  /** the status code of the first response (1xx included: it too proves the destination is there) */
  code: number;
  rttMs: number;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const uriHost = (host: string) => (isIPv6(host) ? `[${host}]` : host);

/** The OPTIONS request; the Via carries the address the socket really sends from (`rport`: answer to the source port). */
function optionsRequest(
  target: { host: string; port: number },
  local: { address: string; port: number },
  ids: { branch: string; callId: string; tag: string },
) {
  const me = `${uriHost(local.address)}:${local.port}`;
  const uri = `sip:${uriHost(target.host)}:${target.port}`;
  return [
    `OPTIONS ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${me};branch=${ids.branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:ping@${me}>;tag=${ids.tag}`,
    `To: <${uri}>`,
    `Call-ID: ${ids.callId}`,
    'CSeq: 1 OPTIONS',
    'Accept: application/sdp',
    'User-Agent: WARP trunk monitor',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The status code of a response to our request (same branch, Call-ID and CSeq), else null. */
function responseCode(message: string, ids: { branch: string; callId: string }): number | null {
  const [first, ...lines] = message.split(/\r?\n/);
  const status = /^SIP\/2\.0 ([1-6]\d\d)\b/.exec(first ?? '');
  if (!status) return null;
  const header = (full: string, compact: string) =>
    lines.filter((l) => new RegExp(`^(${full}|${compact})\\s*:`, 'i').test(l)).map((l) => l.slice(l.indexOf(':') + 1).trim());
  const ours =
    header('Via', 'v').some((v) => v.includes(`branch=${ids.branch}`)) &&
    header('Call-ID', 'i').includes(ids.callId) &&
    header('CSeq', 'CSeq').some((v) => /^1\s+OPTIONS$/i.test(v));
  return ours ? Number(status[1]) : null;
}

/**
 * One OPTIONS transaction from a throwaway socket connected to the destination (so the Via names
 * the local address the kernel picked for it). Resolves with the answer, or null when nothing
 * came within `timeoutMs` (or the host cannot be resolved, or the port refused the datagram).
 */
export function sipOptionsPing(target: { host: string; port: number }, timeoutMs: number, sockets?: Set<Socket>): Promise<PingAnswer | null> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(target.host) ? 'udp6' : 'udp4');
    sockets?.add(socket);
    const ids = { branch: `z9hG4bK${hex(10)}`, callId: `${hex(12)}@warp`, tag: hex(6) };
    const started = process.hrtime.bigint();
    let retransmit: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (answer: PingAnswer | null) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(retransmit);
      sockets?.delete(socket);
      try {
        socket.close();
      } catch {
        // already closed (the monitor stopped)
      }
      resolve(answer);
    };
    const deadline = setTimeout(() => finish(null), timeoutMs);
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('message', (m) => {
      const code = responseCode(m.toString('latin1'), ids);
      if (code !== null) finish({ code, rttMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10 });
    });
    socket.connect(target.port, target.host, (err?: Error | null) => {
      if (done) return;
      if (err) return finish(null);
      const request = Buffer.from(optionsRequest(target, socket.address(), ids));
      const send = (wait: number) => {
        if (done) return;
        socket.send(request, (err) => err && finish(null));
        retransmit = setTimeout(() => send(Math.min(wait * 2, T2_MS)), wait);
      };
      send(T1_MS);
    });
  });
}

export interface DestinationStatus {
  host: string;
  port: number;
  transport: OutboundDestination['transport'];
  /** null: not known yet (never answered, and fewer misses than the threshold), or not pinged (TCP/TLS) */
  reachable: boolean | null;
  rtt_ms: number | null;
  /** the status code of the last answer */
  last_response: number | null;
  last_checked_at: string | null;
}

export interface TrunkSipStatus {
  trunk_id: string;
  /** OPTIONS pings are running on this server (WARP_SIP_OPTIONS_INTERVAL > 0) */
  monitoring: boolean;
  /** any destination reachable: true; every pinged one unreachable: false; otherwise null */
  reachable: boolean | null;
  destinations: DestinationStatus[];
}

interface Probe {
  reachable: boolean | null;
  rttMs: number | null;
  code: number | null;
  misses: number;
  checkedAt: string | null;
}

const keyOf = (d: { host: string; port: number; transport: string }) => `${d.transport}:${d.host.toLowerCase()}:${d.port}`;

export interface TrunkStatusOptions {
  intervalMs: number;
  /** how long one ping waits for an answer (retransmitting meanwhile) */
  timeoutMs: number;
  /** rounds in a row without an answer before a destination is unreachable */
  misses: number;
}

export class TrunkStatusMonitor {
  private readonly probes = new Map<string, Probe>();
  private readonly sockets = new Set<Socket>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  onError: (err: unknown) => void = () => undefined;

  constructor(
    private readonly directory: () => Promise<EdgeDirectoryData>,
    readonly options: TrunkStatusOptions,
  ) {}

  start(): void {
    void this.round();
    this.timer = setInterval(() => void this.round(), this.options.intervalMs).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const s of this.sockets) s.close();
    await this.running;
  }

  /** One round over every destination; a round still running when the next is due is not doubled. */
  round(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.pingAll()
      .catch((err) => this.onError(err))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pingAll(): Promise<void> {
    const dir = await this.directory();
    const targets = new Map<string, OutboundDestination>();
    for (const t of dir.trunks.values()) for (const d of t.destinations) if (d.transport === 'udp') targets.set(keyOf(d), d);
    // destinations no trunk has any more are forgotten
    for (const key of this.probes.keys()) if (!targets.has(key)) this.probes.delete(key);
    const queue = [...targets];
    // a few hundred transactions (sockets) at a time, however many destinations there are
    const worker = async () => {
      for (let next = queue.shift(); next && !this.stopped; next = queue.shift()) await this.ping(...next);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  }

  private async ping(key: string, d: OutboundDestination): Promise<void> {
    const answer = await sipOptionsPing(d, this.options.timeoutMs, this.sockets);
    if (this.stopped) return;
    const probe = this.probes.get(key) ?? { reachable: null, rttMs: null, code: null, misses: 0, checkedAt: null };
    probe.checkedAt = new Date().toISOString();
    if (answer) Object.assign(probe, { reachable: true, rttMs: answer.rttMs, code: answer.code, misses: 0 });
    else if (++probe.misses >= this.options.misses) Object.assign(probe, { reachable: false, rttMs: null });
    this.probes.set(key, probe);
  }

  /** The status of these destinations (a trunk's, as stored) from what the pings found. */
  statusOf(destinations: OutboundDestination[]): DestinationStatus[] {
    return destinations.map((d) => {
      const p = d.transport === 'udp' ? this.probes.get(keyOf(d)) : undefined;
      return {
        host: d.host,
        port: d.port,
        transport: d.transport,
        reachable: p?.reachable ?? null,
        rtt_ms: p?.rttMs ?? null,
        last_response: p?.code ?? null,
        last_checked_at: p?.checkedAt ?? null,
      };
    });
  }
}

const monitors = new WeakMap<AppContext, TrunkStatusMonitor>();

/** Starts the pings for this server when WARP_SIP_OPTIONS_INTERVAL > 0; they stop when it closes. */
export function watchTrunkStatus(app: FastifyInstance, ctx: AppContext): void {
  const seconds = ctx.config.WARP_SIP_OPTIONS_INTERVAL;
  if (seconds <= 0) return;
  const intervalMs = seconds * 1000;
  const monitor = new TrunkStatusMonitor(() => edgeDirectoryOf(ctx).current(), {
    intervalMs,
    // an answer later than half the interval is as good as none
    timeoutMs: Math.min(intervalMs / 2, 5000),
    misses: 3,
  });
  monitor.onError = (err) => app.log.warn({ err }, 'trunk OPTIONS round failed');
  monitors.set(ctx, monitor);
  monitor.start();
  // before the edge directory closes (onClose), so no round builds it again
  app.addHook('preClose', async () => {
    if (monitors.get(ctx) === monitor) monitors.delete(ctx);
    await monitor.stop();
  });
}

/** GET /admin/trunks/:id/sip-status: the trunk's destinations as stored, with what the pings found. */
export async function trunkSipStatus(ctx: AppContext, trunkId: string): Promise<TrunkSipStatus> {
  const row = await ctx.db.selectFrom('trunks').select(['id', 'outbound_destinations']).where('id', '=', trunkId).executeTakeFirst();
  if (!row) throw notFound('Trunk');
  const monitor = monitors.get(ctx);
  const stored = JSON.parse(row.outbound_destinations) as OutboundDestination[];
  const destinations = monitor
    ? monitor.statusOf(stored)
    : stored.map((d) => ({ host: d.host, port: d.port, transport: d.transport, reachable: null, rtt_ms: null, last_response: null, last_checked_at: null }));
  const pinged = destinations.filter((d) => d.transport === 'udp');
  const reachable = pinged.some((d) => d.reachable === true) ? true : pinged.length > 0 && pinged.every((d) => d.reachable === false) ? false : null;
  return { trunk_id: row.id, monitoring: !!monitor, reachable, destinations };
}
