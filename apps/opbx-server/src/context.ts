import { createHmac } from 'node:crypto';

import {
  appKeyOrDevelopmentKey,
  type BackendHealth,
  type DatabaseHandle,
  type Dialect,
  type EventBus,
  MemoryEventBus,
  MemoryRateLimiter,
  migrateToLatest,
  openDatabase,
  type RateLimiter,
  RedisEventBus,
  RedisRateLimiter,
  SecretBox,
  Signer,
} from '@opbx/platform';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';

import type { OpbxConfig } from './config.js';
import { migrations } from './db/migrations/index.js';
import type { Database } from './db/schema.js';
import { upgradeRequestsKeyHashes } from './modules/cloudonix/key-hashes.js';

/** Everything a service needs, passed explicitly: no globals, so CLI, webhooks and tests share code. */
export interface AppContext {
  config: OpbxConfig;
  db: Kysely<Database>;
  dialect: Dialect;
  secrets: SecretBox;
  /** Signs state carried in voice callback URLs. */
  signer: Signer;
  /** Signs WebSocket channel authorizations (OPBX_WS_SECRET, else derived from the app key). */
  wsSecret: string;
  /** HMAC-SHA256 (hex) under a key derived from the app key: how secrets looked up by hash (requests keys) are stored. */
  keyedHash(value: string): string;
  limiter: RateLimiter;
  bus: EventBus;
  /** Shared backends whose outage the server rides out (Redis): for the logs and /health. */
  backends: BackendHealth[];
  /** Call after a configuration write has committed: bumps the version and tells every instance. */
  configChanged(organizationId: string): Promise<void>;
  close(): Promise<void>;
}

export const CONFIG_TOPIC = 'opbx.config';

export async function createContext(config: OpbxConfig, options: { migrate?: boolean } = {}): Promise<AppContext> {
  const handle: DatabaseHandle<Database> = openDatabase<Database>(config.DATABASE_URL);
  if (options.migrate !== false) await migrateToLatest(handle.db, migrations, handle.schema);
  // Rate limits sit on the login and voice paths: a stalled Redis must not hold them for long.
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 250 }) : undefined;
  redis?.on('error', () => undefined);
  const redisBus = config.REDIS_URL ? new RedisEventBus(config.REDIS_URL, `${config.OPBX_REDIS_PREFIX}bus:`) : undefined;
  const bus: EventBus = redisBus ?? new MemoryEventBus();
  const redisLimiter = redis ? new RedisRateLimiter(redis, `${config.OPBX_REDIS_PREFIX}rl:`) : undefined;
  const limiter: RateLimiter = redisLimiter ?? new MemoryRateLimiter();
  const { db } = handle;
  const key = appKey(config);
  const secrets = new SecretBox(key);
  const lookupKey = createHmac('sha256', key).update('opbx-lookup-hash').digest();
  const keyedHash = (value: string) => createHmac('sha256', lookupKey).update(value).digest('hex');
  // Rows of before 004 hold a bare SHA-256; only here is the app key at hand to re-hash them.
  if (options.migrate !== false) await upgradeRequestsKeyHashes(db, secrets, keyedHash);
  return {
    config,
    db,
    dialect: handle.dialect,
    secrets,
    keyedHash,
    signer: new Signer(key, 'voice-callback'),
    wsSecret: config.OPBX_WS_SECRET ?? createHmac('sha256', key).update('opbx-ws-secret').digest('hex'),
    limiter,
    bus,
    backends: [redisBus?.health, redisLimiter?.health].filter((h): h is BackendHealth => Boolean(h)),
    async configChanged(organizationId) {
      const updated = await db
        .updateTable('config_versions')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        await db
          .insertInto('config_versions')
          .values({ organization_id: organizationId, version: 1 })
          .onConflict((oc) => oc.column('organization_id').doUpdateSet((eb) => ({ version: eb('config_versions.version', '+', 1) })))
          .execute();
      }
      await bus.publish(CONFIG_TOPIC, { organization_id: organizationId });
    },
    async close() {
      await bus.close();
      redis?.disconnect();
      await handle.close();
    },
  };
}

const appKey = (config: OpbxConfig) =>
  appKeyOrDevelopmentKey({
    key: config.OPBX_APP_KEY,
    variable: 'OPBX_APP_KEY',
    production: config.NODE_ENV === 'production',
    dataDir: config.OPBX_DATA_DIR,
    file: 'app.key',
  });
