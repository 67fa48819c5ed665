import { BackendHealth } from '@opbx/platform';
import type { Redis } from 'ioredis';

import type { AppContext } from '../../context.js';

/*
 * Per-trunk calls-per-second and concurrent-call limits, shared by every WARP instance through
 * Redis when it is configured (per instance otherwise, and while Redis is down). A channel is held
 * from the decision until the edge reports the call's end; a call whose end never comes is
 * released when its deadline passes (the longest call the edge allows, plus a margin), so a lost
 * report cannot leak capacity for ever.
 */

export type Admission = 'ok' | 'cps' | 'channels';

export interface CallLimits {
  /** Counts one call attempt against the trunk; idempotent per call id (retransmissions, the digest round). */
  admit(trunkId: string, callId: string, maxCps: number, maxChannels: number, now?: number): Promise<Admission>;
  release(trunkId: string, callId: string): Promise<void>;
  /** Channels the trunk holds now. */
  active(trunkId: string, now?: number): Promise<number>;
  /** Forgets channels past their deadline (the memory store; Redis expires them as it counts). */
  sweep(now?: number): void;
  readonly health?: BackendHealth;
}

export class MemoryCallLimits implements CallLimits {
  private readonly channels = new Map<string, Map<string, number>>();
  private readonly second = new Map<string, { at: number; count: number }>();

  constructor(private readonly holdMs: number) {}

  async admit(trunkId: string, callId: string, maxCps: number, maxChannels: number, now = Date.now()): Promise<Admission> {
    let calls = this.channels.get(trunkId);
    if (calls?.has(callId)) return 'ok';
    if (calls) for (const [id, deadline] of calls) if (deadline <= now) calls.delete(id);
    if (calls && calls.size >= maxChannels) return 'channels';
    const at = Math.floor(now / 1000);
    const s = this.second.get(trunkId);
    if (s && s.at === at) {
      if (s.count >= maxCps) return 'cps';
      s.count++;
    } else this.second.set(trunkId, { at, count: 1 });
    if (!calls) this.channels.set(trunkId, (calls = new Map()));
    calls.set(callId, now + this.holdMs);
    return 'ok';
  }

  async release(trunkId: string, callId: string): Promise<void> {
    const calls = this.channels.get(trunkId);
    calls?.delete(callId);
    if (calls && calls.size === 0) this.channels.delete(trunkId);
  }

  async active(trunkId: string, now = Date.now()): Promise<number> {
    let n = 0;
    for (const deadline of this.channels.get(trunkId)?.values() ?? []) if (deadline > now) n++;
    return n;
  }

  sweep(now = Date.now()): void {
    for (const [trunkId, calls] of this.channels) {
      for (const [id, deadline] of calls) if (deadline <= now) calls.delete(id);
      if (calls.size === 0) this.channels.delete(trunkId);
    }
    const at = Math.floor(now / 1000);
    for (const [trunkId, s] of this.second) if (s.at < at) this.second.delete(trunkId);
  }
}

// One round trip, atomic: expire overdue channels, admit once per call id, check channels, then CPS.
const ADMIT = `
local ch, cps = KEYS[1], KEYS[2]
local now, deadline, callId = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local maxCps, maxCh, holdS = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', ch, '-inf', now)
if redis.call('ZSCORE', ch, callId) then return 0 end
if redis.call('ZCARD', ch) >= maxCh then return 2 end
local n = redis.call('INCR', cps)
if n == 1 then redis.call('EXPIRE', cps, 2) end
if n > maxCps then return 1 end
redis.call('ZADD', ch, deadline, callId)
redis.call('EXPIRE', ch, holdS)
return 0`;

const ANSWERS: Admission[] = ['ok', 'cps', 'channels'];

export class RedisCallLimits implements CallLimits {
  readonly health = new BackendHealth('SIP call limits', 'trunk CPS and channel limits count per instance');
  private readonly local: MemoryCallLimits;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly holdMs: number,
  ) {
    this.local = new MemoryCallLimits(holdMs);
    redis.defineCommand('warpAdmitCall', { numberOfKeys: 2, lua: ADMIT });
  }

  private keys(trunkId: string, now: number) {
    return [`${this.prefix}ch:${trunkId}`, `${this.prefix}cps:${trunkId}:${Math.floor(now / 1000)}`];
  }

  async admit(trunkId: string, callId: string, maxCps: number, maxChannels: number, now = Date.now()): Promise<Admission> {
    if (this.redis.status !== 'ready') return this.local.admit(trunkId, callId, maxCps, maxChannels, now);
    try {
      const [ch, cps] = this.keys(trunkId, now);
      const holdS = Math.ceil(this.holdMs / 1000) + 60;
      const code = (await (this.redis as unknown as { warpAdmitCall(...args: (string | number)[]): Promise<number> }).warpAdmitCall(
        ch!,
        cps!,
        now,
        now + this.holdMs,
        callId,
        maxCps,
        maxChannels,
        holdS,
      )) as number;
      this.health.up();
      return ANSWERS[code] ?? 'ok';
    } catch (err) {
      this.health.down(err);
      return this.local.admit(trunkId, callId, maxCps, maxChannels, now);
    }
  }

  async release(trunkId: string, callId: string): Promise<void> {
    await this.local.release(trunkId, callId);
    if (this.redis.status !== 'ready') return;
    try {
      await this.redis.zrem(`${this.prefix}ch:${trunkId}`, callId);
      this.health.up();
    } catch (err) {
      this.health.down(err);
    }
  }

  async active(trunkId: string, now = Date.now()): Promise<number> {
    if (this.redis.status !== 'ready') return this.local.active(trunkId, now);
    try {
      return await this.redis.zcount(`${this.prefix}ch:${trunkId}`, `(${now}`, '+inf');
    } catch {
      return this.local.active(trunkId, now);
    }
  }

  sweep(now = Date.now()): void {
    this.local.sweep(now);
  }
}

const instances = new WeakMap<AppContext, CallLimits>();

/** The call limits of this server instance: shared through Redis when configured. */
export function callLimitsOf(ctx: AppContext): CallLimits {
  let limits = instances.get(ctx);
  if (!limits) {
    const holdMs = (ctx.config.WARP_SIP_MAX_CALL_SECONDS + 60) * 1000;
    limits = ctx.redis ? new RedisCallLimits(ctx.redis, `${ctx.config.WARP_REDIS_PREFIX}sip:`, holdMs) : new MemoryCallLimits(holdMs);
    instances.set(ctx, limits);
  }
  return limits;
}
