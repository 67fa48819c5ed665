import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

import { type CallLimits, MemoryCallLimits, RedisCallLimits } from '../src/modules/sip-edge/call-limits.js';

/*
 * The SIP edge's per-trunk limits (issue 16), on every store this run has: the memory one always,
 * Redis whenever REDIS_URL is set (the PostgreSQL+Redis run). Times are explicit `now` values, so
 * second windows and channel deadlines are exact, not raced against the clock.
 */

const HOLD_MS = 60_000;
/** Well inside one second, far from the real clock (the CPS window is the second of `now`). */
const T0 = 1_900_000_000_000;

const clients: Redis[] = [];
afterAll(async () => {
  for (const c of clients) {
    const keys = await c.keys(`${c.options.keyPrefix ?? ''}wtest-limits:*`);
    if (keys.length) await c.del(...keys);
    c.disconnect();
  }
});

interface Store {
  name: string;
  /** A fresh, empty store; `peer` is another server sharing it (the same object for memory). */
  make(): { limits: CallLimits; peer: () => CallLimits };
}

const stores: Store[] = [{ name: 'MemoryCallLimits', make: () => ((l) => ({ limits: l, peer: () => l }))(new MemoryCallLimits(HOLD_MS)) }];
if (process.env.REDIS_URL) {
  const url = process.env.REDIS_URL;
  const client = () => {
    const c = new Redis(url, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  stores.push({
    name: 'RedisCallLimits',
    make: () => {
      const prefix = `wtest-limits:${randomBytes(4).toString('hex')}:`;
      return { limits: new RedisCallLimits(client(), prefix, HOLD_MS), peer: () => new RedisCallLimits(client(), prefix, HOLD_MS) };
    },
  });
}

it('covers Redis exactly when REDIS_URL is set', () => {
  expect(stores.map((s) => s.name)).toEqual(process.env.REDIS_URL ? ['MemoryCallLimits', 'RedisCallLimits'] : ['MemoryCallLimits']);
});

/** Waits for a Redis-backed store to connect, so it answers from Redis and not its local fallback. */
async function ready(limits: CallLimits) {
  const redis = (limits as unknown as { redis?: Redis }).redis;
  if (redis && redis.status !== 'ready') await new Promise<void>((resolve, reject) => redis.once('ready', resolve).once('error', reject));
}

for (const store of stores) {
  describe(store.name, () => {
    const fresh = async () => {
      const s = store.make();
      await ready(s.limits);
      return s;
    };

    it('admits a call id once: a retransmission holds no second channel and uses no second CPS slot', async () => {
      const { limits } = await fresh();
      expect(await limits.admit('t1', 'call-a', 1, 10, T0)).toBe('ok');
      expect(await limits.admit('t1', 'call-a', 1, 10, T0 + 10)).toBe('ok');
      expect(await limits.active('t1', T0 + 20)).toBe(1);
      // the one slot of this second is call-a's
      expect(await limits.admit('t1', 'call-b', 1, 10, T0 + 30)).toBe('cps');
      expect(await limits.active('t1', T0 + 40)).toBe(1);
    });

    it('refuses a call beyond the channel limit until a channel is released; trunks are counted apart', async () => {
      const { limits } = await fresh();
      expect(await limits.admit('t1', 'c1', 100, 2, T0)).toBe('ok');
      expect(await limits.admit('t1', 'c2', 100, 2, T0)).toBe('ok');
      expect(await limits.admit('t1', 'c3', 100, 2, T0)).toBe('channels');
      expect(await limits.admit('t2', 'c3', 100, 2, T0)).toBe('ok');
      expect([await limits.active('t1', T0), await limits.active('t2', T0)]).toEqual([2, 1]);
      await limits.release('t1', 'c1');
      expect(await limits.active('t1', T0)).toBe(1);
      expect(await limits.admit('t1', 'c3', 100, 2, T0 + 1)).toBe('ok');
      // releasing a call the store does not hold changes nothing
      await limits.release('t1', 'never-admitted');
      expect(await limits.active('t1', T0 + 1)).toBe(2);
    });

    it('counts calls per second: the excess of one second is refused, the next second starts afresh', async () => {
      const { limits } = await fresh();
      const second = (s: number, ms: number) => T0 + s * 1000 + ms;
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await limits.admit('t1', `s0-${i}`, 3, 100, second(0, i * 100)));
      expect(answers).toEqual(['ok', 'ok', 'ok', 'cps', 'cps']);
      expect(await limits.admit('t1', 's1-0', 3, 100, second(1, 0))).toBe('ok');
      expect(await limits.admit('t1', 's1-1', 3, 100, second(1, 999))).toBe('ok');
      // refused calls hold no channel
      expect(await limits.active('t1', second(1, 999))).toBe(5);
    });

    it('frees a channel whose end never comes once its deadline passes', async () => {
      const { limits } = await fresh();
      expect(await limits.admit('t1', 'lost', 100, 1, T0)).toBe('ok');
      expect(await limits.active('t1', T0 + HOLD_MS - 1)).toBe(1);
      expect(await limits.admit('t1', 'next', 100, 1, T0 + HOLD_MS - 1)).toBe('channels');
      expect(await limits.active('t1', T0 + HOLD_MS)).toBe(0);
      // the timeout sweep, then a call at the deadline: the lost channel is gone from the store,
      // not merely uncounted (asked about an earlier instant, only the new call is there)
      limits.sweep(T0 + HOLD_MS);
      expect(await limits.admit('t1', 'next', 100, 1, T0 + HOLD_MS)).toBe('ok');
      expect(await limits.active('t1', T0)).toBe(1);
      expect(await limits.active('t1', T0 + HOLD_MS + 1)).toBe(1);
    });

    it('the timeout sweep forgets only channels past their deadline', async () => {
      const { limits } = await fresh();
      expect(await limits.admit('t1', 'early', 100, 10, T0)).toBe('ok');
      expect(await limits.admit('t1', 'late', 100, 10, T0 + 5_000)).toBe('ok');
      const at = T0 + HOLD_MS + 1;
      limits.sweep(at);
      // Redis drops overdue channels as it counts: at the trunk's next call
      if (store.name === 'RedisCallLimits') expect(await limits.admit('t1', 'another', 100, 10, at)).toBe('ok');
      expect(await limits.active('t1', at)).toBe(store.name === 'RedisCallLimits' ? 2 : 1);
      // asked about an instant before either deadline: 'early' is no longer in the store at all
      expect(await limits.active('t1', T0)).toBe(store.name === 'RedisCallLimits' ? 2 : 1);
      limits.sweep(T0 + HOLD_MS + 5_000);
      expect(await limits.active('t1', T0 + HOLD_MS + 5_000)).toBe(store.name === 'RedisCallLimits' ? 1 : 0);
    });

    if (store.name === 'RedisCallLimits') {
      it('two servers share the counts: channels held on one are refused on the other, and released from either', async () => {
        const { limits: a, peer } = await fresh();
        const b = peer();
        await ready(b);
        expect(await a.admit('t1', 'c1', 100, 2, T0)).toBe('ok');
        expect(await b.admit('t1', 'c2', 100, 2, T0)).toBe('ok');
        expect(await b.admit('t1', 'c3', 100, 2, T0)).toBe('channels');
        expect(await a.active('t1', T0)).toBe(2);
        // the call admitted on A ends on B (its report reached the other server)
        await b.release('t1', 'c1');
        expect(await a.active('t1', T0)).toBe(1);
        expect(await a.admit('t1', 'c3', 100, 2, T0)).toBe('ok');
        // a retransmission that lands on the other server is the same call
        expect(await b.admit('t1', 'c3', 100, 2, T0)).toBe('ok');
        expect(await b.active('t1', T0)).toBe(2);
      });

      it('two servers share one CPS budget per second', async () => {
        const { limits: a, peer } = await fresh();
        const b = peer();
        await ready(b);
        expect(await a.admit('t1', 'x1', 3, 100, T0)).toBe('ok');
        expect(await b.admit('t1', 'x2', 3, 100, T0 + 1)).toBe('ok');
        expect(await a.admit('t1', 'x3', 3, 100, T0 + 2)).toBe('ok');
        expect(await b.admit('t1', 'x4', 3, 100, T0 + 3)).toBe('cps');
        expect(await a.admit('t1', 'x5', 3, 100, T0 + 4)).toBe('cps');
      });

      it('while Redis is not connected each server counts on its own', async () => {
        // a client that never connected: not ready, so every call goes to the local store
        const offline = new Redis(process.env.REDIS_URL!, { lazyConnect: true });
        clients.push(offline);
        const limits = new RedisCallLimits(offline, `wtest-limits:${randomBytes(4).toString('hex')}:`, HOLD_MS);
        expect(await limits.admit('t1', 'c1', 100, 1, T0)).toBe('ok');
        expect(await limits.admit('t1', 'c2', 100, 1, T0)).toBe('channels');
        expect(await limits.active('t1', T0)).toBe(1);
        await limits.release('t1', 'c1');
        expect(await limits.active('t1', T0)).toBe(0);
      });
    }
  });
}
