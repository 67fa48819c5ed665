import { sql } from 'kysely';
import { DateTime } from 'luxon';

import type { AppContext } from '../../context.js';
import type { AuthInfo } from '../../http/auth.js';
import { presentLiveCall } from '../call-logs/call-logs.presenter.js';
import { filteredCallLogs } from '../call-logs/call-logs.queries.js';
import { callScope } from '../call-logs/call-logs.service.js';
import type { CallLogRow } from '../call-records/calls.ingest.js';
import type { VoiceRuntime } from '../voice/runtime.js';
import { type Period, periodWindow } from './period.js';

const LIVE = ['initiated', 'ringing', 'answered'] as const;

export async function dashboardStats(ctx: AppContext, auth: AuthInfo) {
  const scope = await callScope(ctx, auth);
  const now = DateTime.now().setZone(scope.timezone);
  // Calendar periods in the organization's time zone; weeks start on Monday (ISO).
  const since = (start: DateTime) => start.toUTC().toISO()!;
  const count = async (from: string) =>
    Number(
      (
        await filteredCallLogs(ctx.db, scope, {})
          .where('created_at', '>=', from)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const [active, extensions, dids, today, week, month, avg] = await Promise.all([
    filteredCallLogs(ctx.db, scope, {})
      .where('status', 'in', [...LIVE])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    ctx.db
      .selectFrom('extensions')
      .where('organization_id', '=', auth.organizationId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    ctx.db
      .selectFrom('dids')
      .where('organization_id', '=', auth.organizationId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    count(since(now.startOf('day'))),
    count(since(now.startOf('week'))),
    count(since(now.startOf('month'))),
    // Talk time of calls a person answered (a mailbox's recording is not a conversation).
    filteredCallLogs(ctx.db, scope, { outcome: 'answered' })
      .where('status', '=', 'completed')
      .where('created_at', '>=', since(now.startOf('month')))
      .select((eb) => eb.fn.avg<number>('duration').as('avg'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    active_calls: Number(active.n),
    total_extensions: Number(extensions.n),
    total_dids: Number(dids.n),
    calls_today: today,
    calls_this_week: week,
    calls_this_month: month,
    average_call_duration: Math.round(Number(avg.avg ?? 0)),
  };
}

export async function recentCalls(ctx: AppContext, auth: AuthInfo, limit: number) {
  const rows = await filteredCallLogs(ctx.db, await callScope(ctx, auth), {})
    .select(['id', 'from_number', 'to_number', 'status', 'outcome', 'duration', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return { data: rows };
}

export async function liveCalls(ctx: AppContext, voice: VoiceRuntime, auth: AuthInfo) {
  // Older "live" rows are stale ones the sweep has not closed yet; the board should not show them.
  const horizon = new Date(Date.now() - 12 * 3600_000).toISOString();
  const rows = await filteredCallLogs(ctx.db, await callScope(ctx, auth), {})
    .where('status', 'in', [...LIVE])
    .where('created_at', '>=', horizon)
    .selectAll()
    .orderBy('created_at', 'asc')
    .limit(500)
    .execute();
  const snap = await voice.snapshots.get(auth.organizationId);
  return { data: rows.map((r) => presentLiveCall(r as CallLogRow, snap)) };
}

/**
 * Calls per hour (last 24 h) or per day (last 7 or 30 days) in the organization's time zone,
 * split into answered and missed. Grouped in SQL by UTC hour (portable `substr` on ISO text),
 * then folded into local buckets, so the query returns at most a few thousand small rows.
 */
export async function callVolume(ctx: AppContext, auth: AuthInfo, period: Period) {
  const scope = await callScope(ctx, auth);
  const { unit, count, first } = periodWindow(period, scope.timezone);
  const rows = await filteredCallLogs(ctx.db, scope, {})
    .where('created_at', '>=', first.toUTC().toISO()!)
    .select((eb) => [sql<string>`substr(created_at, 1, 13)`.as('hour'), 'outcome', eb.fn.countAll<number>().as('n')])
    .groupBy([sql`substr(created_at, 1, 13)`, 'outcome'])
    .execute();
  const buckets = Array.from({ length: count }, (_, i) => {
    const start = first.plus({ [unit]: i });
    return { bucket: start.toISO()!, label: unit === 'hour' ? start.toFormat('HH:00') : start.toFormat('ccc d'), total: 0, answered: 0, missed: 0 };
  });
  for (const r of rows) {
    const local = DateTime.fromISO(`${r.hour}:00:00Z`).setZone(scope.timezone).startOf(unit);
    const index = Math.round(local.diff(first, unit).get(unit));
    const b = buckets[index];
    if (!b) continue;
    const n = Number(r.n);
    b.total += n;
    // By outcome: a call that reached voicemail was missed, though Cloudonix reports the mailbox's answer.
    if (r.outcome === 'answered') b.answered += n;
    else if (r.outcome !== null) b.missed += n;
  }
  return { period, timezone: scope.timezone, data: buckets };
}
