import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

import { type EventBus, MemoryEventBus, RedisEventBus } from '../src/bus/event-bus.js';
import { until } from './support/until.js';

/**
 * The bus between server instances, on a real Redis. What the server relies on: a publisher's own
 * subscribers have a message by the time `publish` resolves (a settings write must be seen by the
 * next request to the same instance), every other instance gets it once, and junk on the channel
 * is dropped.
 */
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const open: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const c of open) await c.close();
});

function redisBus(prefix: string): RedisEventBus {
  const bus = new RedisEventBus(REDIS_URL, prefix);
  open.push(bus);
  return bus;
}

function record(bus: EventBus, topic: string) {
  const seen: unknown[] = [];
  const off = bus.subscribe(topic, (m) => seen.push(m));
  open.push({ close: async () => off() });
  return seen;
}

describe('memory bus', () => {
  it('has delivered to its subscribers when publish resolves', async () => {
    const bus = new MemoryEventBus();
    const seen = record(bus, 'cfg');
    await bus.publish('cfg', { organization_id: 'o1' });
    expect(seen).toEqual([{ organization_id: 'o1' }]);
    await bus.close();
  });
});

describe('Redis bus, two instances', () => {
  const prefix = `test:${randomBytes(4).toString('hex')}:bus:`;
  const a = redisBus(prefix);
  const b = redisBus(prefix);
  const seenA = record(a, 'cfg');
  const seenB = record(b, 'cfg');

  it("delivers to the publisher's own subscribers before publish resolves, and to the other instance once", async () => {
    await Promise.all([a.ready(), b.ready()]);
    // B's SUBSCRIBE may still be on its way: probe until B hears A, then start from empty lists.
    await until(() => {
      void a.publish('cfg', { probe: true });
      return seenB.length > 0;
    }, 'B subscribed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    seenA.length = 0;
    seenB.length = 0;

    const message = { organization_id: 'o-1', nested: { n: 1 } };
    await a.publish('cfg', message);
    expect(seenA).toEqual([message]);
    expect(seenA[0]).not.toBe(message); // the same JSON copy every instance gets
    await until(() => seenB.length === 1, 'B got the message');

    // Redis keeps order per channel: once A hears B's reply, an echo of A's own message would be in.
    await b.publish('cfg', { organization_id: 'o-2' });
    await until(() => seenA.length === 2, 'A got B’s message');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seenA).toEqual([message, { organization_id: 'o-2' }]);
    expect(seenB).toEqual([message, { organization_id: 'o-2' }]);
  });

  it('drops malformed and unsigned messages without throwing', async () => {
    seenB.length = 0;
    const raw = new Redis(REDIS_URL);
    open.push({ close: async () => void raw.disconnect() });
    await raw.publish(`${prefix}cfg`, '{not json');
    await raw.publish(`${prefix}cfg`, JSON.stringify({ organization_id: 'no-envelope' }));
    await raw.publish(`${prefix}cfg`, JSON.stringify({ o: 42, m: {} }));
    await a.publish('cfg', { after: 'junk' });
    await until(() => seenB.length > 0, 'B got the message after the junk');
    expect(seenB).toEqual([{ after: 'junk' }]);
  });
});
