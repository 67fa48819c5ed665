/**
 * What one client may cost the realtime server. Every limit protects memory or CPU shared by all
 * tenants; the defaults leave room for a console with several tabs behind one office NAT.
 */
export interface PusherLimits {
  /** Open connections on this process; above it new ones get 4100 (clients back off and retry). */
  maxConnections: number;
  /** Open connections from one client address. */
  maxConnectionsPerIp: number;
  /** Channels one connection may be subscribed to at once. */
  maxChannelsPerConnection: number;
  /** Subscription attempts per connection per second (a burst of twice this is allowed). */
  subscriptionsPerSecond: number;
  /** Frames per connection per second (a burst of twice this is allowed); above it the socket is closed with 4301. */
  messagesPerSecond: number;
}

export const DEFAULT_PUSHER_LIMITS: PusherLimits = {
  maxConnections: 10_000,
  maxConnectionsPerIp: 200,
  maxChannelsPerConnection: 100,
  subscriptionsPerSecond: 10,
  messagesPerSecond: 20,
};

/** A token bucket: `rate` per second, holding at most twice that. */
export class Bucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    now = Date.now(),
  ) {
    this.tokens = rate * 2;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.rate * 2, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
