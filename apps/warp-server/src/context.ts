import { once } from 'node:events';

import {
  appKeyOrDevelopmentKey,
  type BackendHealth,
  type DatabaseHandle,
  type Dialect,
  MemoryRateLimiter,
  migrateToLatest,
  openDatabase,
  type RateLimiter,
  RedisRateLimiter,
  SecretBox,
} from '@opbx/platform';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';

import type { WarpConfig } from './config.js';
import { migrations } from './db/migrations/index.js';
import type { Database } from './db/schema.js';

/** Everything a service needs, passed explicitly: the CLI, the delivery worker and tests share code. */
export interface AppContext {
  config: WarpConfig;
  db: Kysely<Database>;
  dialect: Dialect;
  /** Encrypts digest passwords, webhook secrets and TOTP seeds at rest. */
  secrets: SecretBox;
  limiter: RateLimiter;
  /** Shared backends whose outage the server rides out (Redis): for the logs and /health. */
  backends: BackendHealth[];
  /** The shared Redis client when REDIS_URL is set (the SIP edge's call limits count in it). */
  redis?: Redis;
  close(): Promise<void>;
}

export async function createContext(config: WarpConfig, options: { migrate?: boolean } = {}): Promise<AppContext> {
  const handle: DatabaseHandle<Database> = openDatabase<Database>(config.DATABASE_URL);
  if (options.migrate !== false) await migrateToLatest(handle.db, migrations, handle.schema);
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 250 }) : undefined;
  redis?.on('error', () => undefined);
  // Wait (briefly) for Redis so rate limits are shared from the first request; if it is down the
  // limiter counts per instance and says so.
  if (redis) await Promise.race([once(redis, 'ready'), new Promise((resolve) => setTimeout(resolve, 2000).unref())]).catch(() => undefined);
  const redisLimiter = redis ? new RedisRateLimiter(redis, `${config.WARP_REDIS_PREFIX}rl:`) : undefined;
  return {
    config,
    db: handle.db,
    dialect: handle.dialect,
    secrets: new SecretBox(appKey(config)),
    limiter: redisLimiter ?? new MemoryRateLimiter(),
    backends: redisLimiter ? [redisLimiter.health] : [],
    redis,
    async close() {
      redis?.disconnect();
      await handle.close();
    },
  };
}

const appKey = (config: WarpConfig) =>
  appKeyOrDevelopmentKey({
    key: config.WARP_APP_KEY,
    variable: 'WARP_APP_KEY',
    production: config.NODE_ENV === 'production',
    dataDir: config.WARP_DATA_DIR,
    file: 'warp.key',
  });
