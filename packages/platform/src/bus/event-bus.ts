import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { Redis } from 'ioredis';

import { BackendHealth } from '../backend-health.js';

type BusHandler = (message: unknown) => void;

/**
 * Publish/subscribe between server instances. In-process by default; with Redis every
 * instance (including the publisher) receives each message exactly once per subscription.
 * The publisher's own subscribers have it by the time `publish` resolves, so a write that
 * invalidates a cache is seen by the next request to the same instance. Publishing never fails
 * the caller: what cannot reach other instances is reported through the bus's health.
 */
export interface EventBus {
  publish(topic: string, message: unknown): Promise<void>;
  subscribe(topic: string, handler: BusHandler): () => void;
  close(): Promise<void>;
}

export class MemoryEventBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(topic: string, message: unknown): Promise<void> {
    // Deliver asynchronously, as Redis would, so callers never depend on synchronous delivery.
    queueMicrotask(() => this.emitter.emit(topic, message));
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    // Delivery runs in a microtask: a handler that throws there would end the process. It ends
    // only that delivery, reported as a process warning (which the logs show).
    const guarded: BusHandler = (message) => {
      try {
        const result = handler(message) as unknown;
        if (result instanceof Promise) result.catch((err: unknown) => reportHandlerError(topic, err));
      } catch (err) {
        reportHandlerError(topic, err);
      }
    };
    this.emitter.on(topic, guarded);
    return () => this.emitter.off(topic, guarded);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export class RedisEventBus implements EventBus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly local = new MemoryEventBus();
  private readonly topics = new Map<string, number>();
  /** Tags what this instance publishes, so it skips its own messages when Redis echoes them back. */
  private readonly origin = randomUUID();
  readonly health = new BackendHealth(
    'event bus',
    'configuration changes reach other instances only through their periodic checks, live call events not at all',
  );
  private closed = false;

  constructor(
    url: string,
    private readonly prefix = 'bus:',
  ) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.sub = new Redis(url, { lazyConnect: false });
    this.sub.on('message', (channel: string, raw: string) => {
      let envelope: { o?: unknown; m?: unknown };
      try {
        envelope = JSON.parse(raw);
      } catch {
        // A malformed message from another producer is dropped, never thrown into the event loop.
        return;
      }
      if (typeof envelope?.o !== 'string' || envelope.o === this.origin || !('m' in envelope)) return;
      void this.local.publish(channel.slice(this.prefix.length), envelope.m);
    });
    // Connection errors are retried by ioredis; they show in the health, never as a crash.
    this.pub.on('error', () => undefined);
    this.sub.on('error', () => undefined);
    // While the subscriber is away this instance misses other instances' messages.
    this.sub.on('close', () => !this.closed && this.health.down(new Error('Redis subscriber connection lost')));
    // A SUBSCRIBE sent while the connection was still starting can be lost with its ready check,
    // and a reconnect starts clean: (re)subscribe every live topic whenever the connection is ready.
    this.sub.on('ready', () => {
      this.health.up();
      const live = [...this.topics].filter(([, n]) => n > 0).map(([t]) => this.prefix + t);
      if (live.length) void this.sub.subscribe(...live).catch(() => undefined);
    });
  }

  async publish(topic: string, message: unknown): Promise<void> {
    const text = JSON.stringify(message ?? null);
    // Local subscribers get the same JSON copy other instances get, without the Redis round trip.
    void this.local.publish(topic, JSON.parse(text));
    // Not awaited: the caller's write has committed whatever happens here. ioredis keeps the order
    // of publishes on one connection, and holds them through a short reconnect.
    this.pub.publish(this.prefix + topic, `{"o":"${this.origin}","m":${text}}`).then(
      () => this.sub.status === 'ready' && this.health.up(),
      (err: unknown) => !this.closed && this.health.down(err),
    );
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    const n = this.topics.get(topic) ?? 0;
    if (n === 0 && this.sub.status === 'ready') void this.sub.subscribe(this.prefix + topic).catch(() => undefined);
    this.topics.set(topic, n + 1);
    const off = this.local.subscribe(topic, handler);
    return () => {
      off();
      const left = (this.topics.get(topic) ?? 1) - 1;
      this.topics.set(topic, left);
      if (left === 0 && this.sub.status === 'ready') void this.sub.unsubscribe(this.prefix + topic).catch(() => undefined);
    };
  }

  /** Resolves once the subscriber connection is ready, so a test can publish right after. */
  async ready(): Promise<void> {
    if (this.sub.status !== 'ready') await new Promise((r) => this.sub.once('ready', r));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.local.close();
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

function reportHandlerError(topic: string, err: unknown): void {
  process.emitWarning(`a subscriber of ${topic} failed: ${err instanceof Error ? err.message : String(err)}`, { type: 'BusHandlerWarning' });
}
