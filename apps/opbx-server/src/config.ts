import { envInt, envTrustProxy, loadConfig } from '@opbx/platform';
import { z } from 'zod';

/** Every environment variable the OPBX server reads; README's table mirrors this. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: envInt(8000, 0, 65535),
  DATABASE_URL: z.string().min(1).default('sqlite:./data/opbx.db'),
  REDIS_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Namespace for every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  OPBX_REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/)
    .default('opbx:'),
  OPBX_APP_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  OPBX_DATA_DIR: z.string().default('./data'),
  OPBX_TOKEN_TTL: envInt(86_400, 60, 60 * 60 * 24 * 90),
  /** Absolute lifetime of a session (a login and the tokens refreshed from it), in seconds. */
  OPBX_SESSION_MAX_AGE: envInt(30 * 86_400, 60, 60 * 60 * 24 * 365),
  OPBX_CORS_ORIGINS: z.string().default('http://localhost:8000,http://localhost:5173'),
  OPBX_SIP_DOMAIN: z.string().min(1).default('sip.opbx.local'),
  OPBX_LOGIN_LIMIT_IP: envInt(30, 1),
  OPBX_LOGIN_LIMIT_EMAIL: envInt(10, 1),
  OPBX_LOGIN_WINDOW: envInt(60, 1),
  /** `false`, the number of proxies in front, or their addresses/CIDRs; `true` is refused (see client-ip.ts). */
  OPBX_TRUST_PROXY: envTrustProxy(),
  /** Voice requests per second per organization, per instance; above it callers hear "all lines busy". */
  OPBX_VOICE_RATE_LIMIT: envInt(500, 1),
  /** Calls with no event for this many seconds are closed by the sweep (ringing ones after a tenth of it). */
  OPBX_CALL_STALE_SECONDS: envInt(4 * 3600, 60),
  /** Pusher-protocol WebSocket server for live events (pusher-js / laravel-echo). */
  OPBX_WS_PORT: envInt(6001, 0, 65535),
  OPBX_WS_KEY: z
    .string()
    .regex(/^[\w.-]{1,64}$/)
    .default('opbx-app-key'),
  /** Signs channel authorizations; derived from OPBX_APP_KEY when unset. */
  OPBX_WS_SECRET: z.string().min(16).optional(),
  /** App id of the Pusher HTTP API (`/apps/{id}/events` on the WebSocket port) that other backends publish through. */
  OPBX_WS_APP_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/)
    .default('opbx'),
  /** What one client may cost the WebSocket server (see the README's realtime limits). */
  OPBX_WS_MAX_CONNECTIONS: envInt(10_000, 1),
  OPBX_WS_MAX_CONNECTIONS_PER_IP: envInt(200, 1),
  OPBX_WS_MAX_CHANNELS: envInt(100, 1),
  OPBX_WS_SUBSCRIBE_RATE: envInt(10, 1),
  OPBX_WS_MESSAGE_RATE: envInt(20, 1),
  /** Bearer token that /metrics requires; unset, /metrics answers local scrapers only. */
  OPBX_METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type OpbxConfig = z.infer<typeof schema>;

export const readConfig = (env: Record<string, string | undefined> = process.env): OpbxConfig => loadConfig(schema, env);
