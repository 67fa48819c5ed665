import { describe, expect, it } from 'vitest';

import { MemoryEventBus } from '../src/bus/event-bus.js';
import { RebuiltValue } from '../src/bus/rebuilt-value.js';

/** A build that waits until released, counting how often it ran. */
function gatedBuild() {
  let runs = 0;
  let release: () => void = () => undefined;
  return {
    get runs() {
      return runs;
    },
    release: () => release(),
    build: () =>
      new Promise<number>((resolve) => {
        const n = ++runs;
        release = () => resolve(n);
      }),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('RebuiltValue', () => {
  it('builds on first use, and changes during a build coalesce into one more build', async () => {
    const g = gatedBuild();
    const v = new RebuiltValue(g.build);
    expect(v.started).toBe(false);
    const first = v.current();
    expect(v.started).toBe(true);
    const a = v.rebuild();
    const b = v.rebuild();
    await tick();
    g.release(); // first build done; one more runs for the two changes
    await tick();
    expect(g.runs).toBe(2);
    g.release();
    await Promise.all([a, b]);
    expect(await first).toBe(2);
    expect(await v.current()).toBe(2);
  });

  it('readers keep the previous value while a rebuild runs, and a failed rebuild keeps it', async () => {
    let n = 0;
    let fail = false;
    const v = new RebuiltValue(async () => {
      if (fail) throw new Error('database away');
      return ++n;
    });
    expect(await v.current()).toBe(1);
    fail = true;
    await expect(v.rebuild()).rejects.toThrow('database away');
    expect(await v.current()).toBe(1);
  });

  it('another instance’s message on the bus rebuilds here; its own does not', async () => {
    const bus = new MemoryEventBus();
    let builds = { a: 0, b: 0 };
    const a = new RebuiltValue(async () => ++builds.a, bus, 'topic');
    const b = new RebuiltValue(async () => ++builds.b, bus, 'topic');
    await a.current();
    await b.current();
    builds = { a: 1, b: 1 };
    await a.publish({ version: 2 });
    await tick();
    expect(builds).toEqual({ a: 1, b: 2 });
    b.stop();
    await a.publish();
    await tick();
    expect(builds).toEqual({ a: 1, b: 2 });
    a.stop();
  });
});
