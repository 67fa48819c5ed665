import type { Redis } from 'ioredis';

import { BackendHealth } from '../backend-health.js';

interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window frees a slot. */
  retryAfter: number;
}

/** Fixed-window counter: `limit` hits per `windowSeconds` per key. */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /** Whether one more hit would be allowed, without counting one (limits that count only failures). */
  peek(key: string, limit: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
}

/** Single-process limiter; bounded so a flood of distinct keys cannot exhaust memory. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly maxKeys = 100_000) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size >= this.maxKeys) this.sweep(now);
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, w);
    }
    w.count++;
    const retryAfter = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    return { allowed: w.count <= limit, remaining: Math.max(0, limit - w.count), retryAfter };
  }

  async peek(key: string, limit: number): Promise<RateLimitResult> {
    const now = Date.now();
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) return { allowed: limit > 0, remaining: limit, retryAfter: 0 };
    return { allowed: w.count < limit, remaining: Math.max(0, limit - w.count), retryAfter: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private sweep(now: number) {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    // Still full of live windows: drop the oldest entries rather than grow without bound.
    if (this.windows.size >= this.maxKeys) {
      const excess = this.windows.size - this.maxKeys + 1;
      let i = 0;
      for (const k of this.windows.keys()) {
        if (i++ >= excess) break;
        this.windows.delete(k);
      }
    }
  }
}

/**
 * Shared across instances: INCR + PTTL in one round trip. While Redis cannot answer, each instance
 * counts on its own: a login flood is still held back, and no call is refused for want of a
 * counter. Give the client a short `commandTimeout` so a stalled Redis cannot hold requests.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly health = new BackendHealth('rate limiter', 'rate limits count per instance');
  private readonly local = new MemoryRateLimiter();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'rl:',
  ) {
    redis.on('close', () => this.health.down(new Error('Redis connection lost')));
    redis.on('ready', () => this.health.up());
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    if (this.redis.status !== 'ready') {
      // Still connecting at start-up is not an outage; a failed attempt reports itself on 'close'.
      return this.local.hit(key, limit, windowSeconds);
    }
    try {
      const result = await this.shared(this.prefix + key, limit, windowSeconds);
      this.health.up();
      return result;
    } catch (err) {
      this.health.down(err);
      return this.local.hit(key, limit, windowSeconds);
    }
  }

  async peek(key: string, limit: number): Promise<RateLimitResult> {
    if (this.redis.status !== 'ready') return this.local.peek(key, limit);
    try {
      const [[, raw], [, ttl]] = (await this.redis
        .multi()
        .get(this.prefix + key)
        .pttl(this.prefix + key)
        .exec()) as [[null, string | null], [null, number]];
      this.health.up();
      const count = Number(raw ?? 0);
      return { allowed: count < limit, remaining: Math.max(0, limit - count), retryAfter: ttl > 0 ? Math.max(1, Math.ceil(ttl / 1000)) : 0 };
    } catch (err) {
      this.health.down(err);
      return this.local.peek(key, limit);
    }
  }

  async reset(key: string): Promise<void> {
    await this.local.reset(key);
    if (this.redis.status !== 'ready') return;
    try {
      await this.redis.del(this.prefix + key);
    } catch (err) {
      this.health.down(err);
    }
  }

  private async shared(k: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const [[, count], [, ttl]] = (await this.redis.multi().incr(k).pttl(k).exec()) as [[null, number], [null, number]];
    let ms = ttl;
    if (ttl < 0) {
      await this.redis.pexpire(k, windowSeconds * 1000);
      ms = windowSeconds * 1000;
    }
    return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfter: Math.max(1, Math.ceil(ms / 1000)) };
  }
}
