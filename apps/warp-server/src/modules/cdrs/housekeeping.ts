import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { purgeDecisionsBefore } from '../rating/decisions.js';
import { purgeExports } from './export.service.js';
import { ensureCdrPartition, purgeCdrsBefore } from './partitions.js';

/**
 * Hourly: next month's CDR partition exists before the month starts (PostgreSQL), CDRs older than
 * WARP_CDR_RETENTION_MONTHS go (whole months, with the route decisions of that age), expired exports lose their files.
 */
export async function cdrHousekeeping(ctx: AppContext, now = new Date()): Promise<void> {
  await ensureCdrPartition(ctx.db, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)));
  const months = ctx.config.WARP_CDR_RETENTION_MONTHS;
  if (months > 0) {
    const before = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
    await purgeCdrsBefore(ctx.db, before);
    await purgeDecisionsBefore(ctx.db, before);
  }
  await purgeExports(ctx);
}

export function scheduleCdrHousekeeping(app: FastifyInstance, ctx: AppContext): void {
  const run = () => void cdrHousekeeping(ctx).catch((err: unknown) => app.log.warn({ err }, 'CDR housekeeping failed'));
  const timer = setInterval(run, 3600_000).unref();
  app.addHook('onReady', async () => run());
  app.addHook('onClose', async () => clearInterval(timer));
}
