import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Kysely } from 'kysely';
import { Redis } from 'ioredis';
import {
  MemoryRateLimiter,
  RedisRateLimiter,
  SecretBox,
  migrateToLatest,
  openDatabase,
  type BackendHealth,
  type DatabaseHandle,
  type Dialect,
  type RateLimiter,
} from '@opbx/platform';
import type { WarpConfig } from './config.js';
import type { Database } from './db/schema.js';
import { migrations } from './db/migrations/index.js';

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
    async close() {
      redis?.disconnect();
      await handle.close();
    },
  };
}

/**
 * Production must set WARP_APP_KEY; for the zero-setup quick start one is generated once and
 * kept beside the SQLite file (mode 0600).
 */
function appKey(config: WarpConfig): string {
  if (config.WARP_APP_KEY) return config.WARP_APP_KEY;
  if (config.NODE_ENV === 'production') throw new Error('WARP_APP_KEY must be set in production');
  mkdirSync(config.WARP_DATA_DIR, { recursive: true });
  const file = join(config.WARP_DATA_DIR, 'warp.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
