import { envBool, envInt, envTrustProxy, loadConfig } from '@opbx/platform';
import { z } from 'zod';

/** Every environment variable the WARP server reads; README's table mirrors this. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: envInt(8080, 0, 65535),
  DATABASE_URL: z.string().min(1).default('sqlite:./data/warp.db'),
  REDIS_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  WARP_REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/)
    .default('warp:'),
  /** Encrypts secrets at rest (digest passwords, webhook secrets, TOTP seeds); the same on every instance. */
  WARP_APP_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  WARP_DATA_DIR: z.string().default('./data'),
  WARP_ACCESS_TOKEN_TTL: envInt(900, 60, 24 * 3600),
  WARP_REFRESH_TOKEN_TTL: envInt(30 * 86_400, 300, 365 * 86_400),
  WARP_CORS_ORIGINS: z.string().default('http://localhost:8080,http://localhost:5173,http://localhost:3000'),
  WARP_LOGIN_LIMIT_IP: envInt(30, 1),
  WARP_LOGIN_LIMIT_EMAIL: envInt(10, 1),
  WARP_LOGIN_WINDOW: envInt(60, 1),
  WARP_TRUST_PROXY: envTrustProxy(),
  /** Bearer token that may scrape /metrics; unset, only this host may (no X-Forwarded-For). */
  WARP_METRICS_TOKEN: z.string().min(16).optional(),
  /** Realm of trunk digest credentials. */
  WARP_SIP_REALM: z.string().min(1).max(253).default('sip.warp.local'),
  /** Public base URL of the customer portal, for invitation links. */
  WARP_PORTAL_URL: z.string().url().default('http://localhost:8080'),
  /** Allow webhook targets on private, loopback and link-local addresses (tests, demo). */
  WARP_WEBHOOKS_ALLOW_PRIVATE: envBool(false),
  /** How often the delivery worker looks for due deliveries; 0 disables the worker. */
  WARP_WEBHOOK_POLL_MS: envInt(1000, 0, 60_000),
  /** First retry delay; each retry doubles it (with jitter), capped at an hour. */
  WARP_WEBHOOK_RETRY_BASE_MS: envInt(30_000, 1, 3_600_000),
  WARP_WEBHOOK_TIMEOUT_MS: envInt(10_000, 100, 60_000),
  /** An endpoint whose deliveries have all failed for this long is disabled. */
  WARP_WEBHOOK_DISABLE_AFTER: envInt(86_400, 1),
  /** CDRs (issue 15): months of CDRs kept (older whole months are dropped, checked hourly); 0 keeps them forever. */
  WARP_CDR_RETENTION_MONTHS: envInt(24, 0, 1200),
  /** Public base URL of this API, for export download links (relative links when unset). */
  WARP_API_PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Optional OpenID Connect sign-in: issuer URL, client id/secret, and this server's callback URL. */
  WARP_OIDC_ISSUER: z.string().url().optional(),
  WARP_OIDC_CLIENT_ID: z.string().min(1).optional(),
  WARP_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  WARP_OIDC_REDIRECT_URI: z.string().url().optional(),
  /** Allow an http:// issuer (tests and local providers only). */
  WARP_OIDC_ALLOW_HTTP: envBool(false),
  /** Telique LRN dips (issue 13): base URL such as https://api-dev.ringer.tel/api/v1; unset = no dips (route on the dialled number). */
  WARP_TELIQUE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  WARP_TELIQUE_TOKEN: z.string().min(1).optional(),
  WARP_LRN_TIMEOUT_MS: envInt(1500, 50, 30_000),
  /** seconds an LRN answer is cached (failures never are) */
  WARP_LRN_CACHE_TTL: envInt(3600, 0, 7 * 86_400),
  /** when a dip fails: `dialled` routes on the dialled NPA-NXX, `block` refuses the call (LRN_LOOKUP_FAILED) */
  WARP_LRN_FAILURE_POLICY: z.enum(['dialled', 'block']).default('dialled'),
  /** routes returned per routing decision */
  WARP_ROUTING_MAX_ROUTES: envInt(5, 1, 20),
  /** largest rate deck upload, bytes */
  WARP_RATE_IMPORT_MAX_BYTES: envInt(256 * 1024 * 1024, 1024, 2 * 1024 * 1024 * 1024),
  /** SIP edge (issue 16): the longest call; Kamailio ends longer ones, and a channel whose end is never reported is freed after it. */
  WARP_SIP_MAX_CALL_SECONDS: envInt(4 * 3600, 60, 48 * 3600),
  /** seconds between SIP OPTIONS pings of every trunk's UDP origination destinations (reachability for staff); 0 disables */
  WARP_SIP_OPTIONS_INTERVAL: envInt(30, 0, 3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WarpConfig = z.infer<typeof schema>;

export const readConfig = (env: Record<string, string | undefined> = process.env): WarpConfig => loadConfig(schema, env);
