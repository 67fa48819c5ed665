import { randomUUID } from 'node:crypto';

import type { EventBus } from './event-bus.js';

/**
 * A value built from the database, read without waiting and rebuilt in the background: changes that
 * arrive during a build coalesce into one more build, and the new value replaces the old one at once
 * (readers never see half of it). With a bus, `publish()` tells the other instances, which rebuild
 * their own; an instance ignores its own messages.
 */
export class RebuiltValue<T> {
  private value?: T;
  private building?: Promise<void>;
  private again = false;
  private readonly origin = randomUUID();
  private readonly off?: () => void;
  /** Called when a rebuild a bus message started fails (the previous value stays). */
  onError: (err: unknown) => void = () => undefined;

  constructor(
    private readonly build: () => Promise<T>,
    private readonly bus?: EventBus,
    private readonly topic?: string,
  ) {
    if (bus && topic) {
      this.off = bus.subscribe(topic, (message) => {
        if ((message as { origin?: string })?.origin !== this.origin) void this.rebuild().catch((err) => this.onError(err));
      });
    }
  }

  /** Whether anyone has asked for the value yet (a change before that needs no rebuild). */
  get started(): boolean {
    return this.value !== undefined || this.building !== undefined;
  }

  /** The value now (built on first use). */
  async current(): Promise<T> {
    if (this.value === undefined) await this.rebuild();
    return this.value!;
  }

  /** Builds a new value; concurrent calls share the build in flight plus at most one more. */
  rebuild(): Promise<void> {
    if (this.building) {
      this.again = true;
      return this.building;
    }
    this.building = (async () => {
      try {
        do {
          this.again = false;
          this.value = await this.build();
        } while (this.again);
      } finally {
        this.building = undefined;
      }
    })();
    return this.building;
  }

  /** Tells the other instances to rebuild (with `details` for their logs). */
  async publish(details: Record<string, unknown> = {}): Promise<void> {
    if (this.topic) await this.bus?.publish(this.topic, { origin: this.origin, ...details });
  }

  /** Stops listening to the bus (the bus itself belongs to the caller). */
  stop(): void {
    this.off?.();
  }
}
