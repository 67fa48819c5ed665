import { type Kysely, sql } from 'kysely';

import type { BackendHealth } from '../backend-health.js';

interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unavailable';
  redis: 'ok' | 'unavailable' | 'not_configured';
  dialect: string;
  uptime_seconds: number;
}

const startedAt = Date.now();

/**
 * What `GET …/health` reports, for both products: the database decides whether the instance
 * serves (503 without it); Redis only degrades it, since each instance then counts its own
 * limits and delivers its own events.
 */
export async function checkHealth(db: Kysely<any>, dialect: string, backends: readonly BackendHealth[]): Promise<{ healthy: boolean; report: HealthReport }> {
  let database: HealthReport['database'] = 'ok';
  try {
    await sql`select 1`.execute(db);
  } catch {
    database = 'unavailable';
  }
  const redis: HealthReport['redis'] = backends.length === 0 ? 'not_configured' : backends.every((b) => b.ok) ? 'ok' : 'unavailable';
  const healthy = database === 'ok';
  return {
    healthy,
    report: {
      status: healthy && redis !== 'unavailable' ? 'ok' : 'degraded',
      database,
      redis,
      dialect,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
    },
  };
}
