import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

import { type HealthChange, RedisEventBus, RedisRateLimiter } from '../src/index.js';
import { redisTarget, TcpProxy } from './support/tcp-proxy.js';
import { until } from './support/until.js';

/**
 * Redis going away (a partition, a restart) must not take logins or calls with it: the rate
 * limiter counts per instance meanwhile, the bus still delivers on this instance, both say so
 * once through their health, and both are back when Redis is.
 */
const target = redisTarget();
const cleanup: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function proxy() {
  const p = await new TcpProxy(target.host, target.port).start();
  cleanup.push(() => p.cut());
  return p;
}

function client(url: string) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 250 });
  redis.on('error', () => undefined);
  cleanup.push(() => redis.disconnect());
  return redis;
}

describe('rate limiter', () => {
  it('counts per instance while Redis is cut off, reports it once, and shares counts again when it is back', async () => {
    const link = await proxy();
    const redis = client(link.url);
    const prefix = `test:${randomBytes(4).toString('hex')}:rl:`;
    const limiter = new RedisRateLimiter(redis, prefix);
    const changes: HealthChange[] = [];
    limiter.health.onChange((c) => changes.push(c));
    await until(() => redis.status === 'ready', 'connected');

    // Shared: a second limiter on the same Redis sees the first one's hits.
    const other = new RedisRateLimiter(client(`redis://${target.host}:${target.port}`), prefix);
    await limiter.hit('login:a', 3, 60);
    await until(async () => (await other.hit('login:a', 3, 60)).remaining === 1, 'shared count');

    await link.cut();
    await until(() => !limiter.health.ok, 'outage noticed');
    const during = [];
    for (let i = 0; i < 4; i++) during.push((await limiter.hit('login:b', 3, 60)).allowed);
    expect(during).toEqual([true, true, true, false]); // still a limit, counted here
    expect(changes.map((c) => c.ok)).toEqual([false]);
    expect(changes[0]!.component).toBe('rate limiter');

    await link.start();
    await until(() => limiter.health.ok, 'recovery noticed');
    expect(changes.map((c) => c.ok)).toEqual([false, true]);
    const afterwards = await limiter.hit('login:a', 3, 60);
    expect(afterwards.remaining).toBe(0); // the shared count from before the outage
  });

  it('answers at once from its own count when Redis was never there', async () => {
    const limiter = new RedisRateLimiter(client('redis://127.0.0.1:1'), 'never:');
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await limiter.hit('voice:org', 2, 1)).allowed);
    expect(results).toEqual([true, true, false]);
    await until(() => !limiter.health.ok, 'the failed connection reported');
  });
});

describe('event bus', () => {
  it('still delivers on this instance while Redis is cut off, reports it, and reaches other instances again after', async () => {
    const link = await proxy();
    const prefix = `test:${randomBytes(4).toString('hex')}:bus:`;
    const a = new RedisEventBus(link.url, prefix);
    const b = new RedisEventBus(`redis://${target.host}:${target.port}`, prefix);
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    a.subscribe('cfg', (m) => seenA.push(m));
    b.subscribe('cfg', (m) => seenB.push(m));
    await Promise.all([a.ready(), b.ready()]);
    await until(() => {
      void a.publish('cfg', { probe: true });
      return seenB.length > 0;
    }, 'B hears A');

    await link.cut();
    await until(() => !a.health.ok, 'outage noticed');
    seenA.length = 0;
    await a.publish('cfg', { organization_id: 'during' }); // resolves: the write it follows has committed
    expect(seenA).toEqual([{ organization_id: 'during' }]);

    await link.start();
    await until(() => a.health.ok, 'recovery noticed');
    seenB.length = 0;
    await a.publish('cfg', { organization_id: 'after' });
    await until(() => seenB.some((m) => (m as { organization_id?: string }).organization_id === 'after'), 'B hears A again');
  });
});
