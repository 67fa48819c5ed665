import { type ErrorDetail, invalid, newId, nowIso } from '@opbx/platform';
import { ingestBatch, ingestCdr, type IngestResult } from '@warp/contract';
import type { z } from 'zod';

import type { AppContext } from '../../context.js';
import type { CdrsTable } from '../../db/cdr-tables.js';
import { ipAllowed } from '../../http/auth.js';
import { rawSeconds } from '../rating/charge.js';
import { recordedDecisionsFor } from '../rating/decisions.js';
import { rateCall, ratingTrace, type RecordedDecision } from '../rating/rate-call.js';
import { routingOf } from '../routing/routing.state.js';
import { answeredAttempt, attemptIssues, dispositionOf } from './disposition.js';
import { ensureCdrPartitions } from './partitions.js';
import { addToRollups, ratingColumns } from './rollups.js';

type Parsed = z.output<typeof ingestCdr>;
interface TrunkRef {
  id: string;
  customer_id: string;
  allowed_ips: string;
}

const issuesOf = (error: z.ZodError): ErrorDetail[] => error.issues.map((i) => ({ field: i.path.join('.') || 'cdr', message: i.message }));

/**
 * `POST /v1/internal/cdrs`: validates each CDR on its own, rates the valid ones against the live
 * routing snapshot, and stores them in one transaction with their roll-ups; the answer is sent
 * after the commit. A call id already stored (an edge's retry, a replay, a concurrent copy) is
 * `duplicate` and changes nothing: the claim on cdr_calls.call_id decides, inside the transaction.
 */
export async function ingestCdrs(ctx: AppContext, body: unknown): Promise<IngestResult> {
  const batch = ingestBatch.safeParse(body);
  if (!batch.success) throw invalid(issuesOf(batch.error));
  const results: IngestResult['results'] = [];
  const valid: { index: number; cdr: Parsed }[] = [];
  const seen = new Set<string>();
  batch.data.cdrs.forEach((raw, index) => {
    const parsed = ingestCdr.safeParse(raw);
    const callId = typeof (raw as { call_id?: unknown })?.call_id === 'string' ? (raw as { call_id: string }).call_id : null;
    if (!parsed.success) return results.push({ index, call_id: callId, status: 'rejected', errors: issuesOf(parsed.error) });
    const issues = attemptIssues(parsed.data.started_at, parsed.data.attempts);
    if (issues.length) return results.push({ index, call_id: callId, status: 'rejected', errors: issues });
    if (seen.has(parsed.data.call_id)) return results.push({ index, call_id: callId, status: 'duplicate' });
    seen.add(parsed.data.call_id);
    valid.push({ index, cdr: parsed.data });
  });

  const trunks = await trunksFor(
    ctx,
    valid.map((v) => v.cdr),
  );
  const state = routingOf(ctx);
  let snapshot = await state.current();
  // A trunk created a moment ago (on another instance, or before a bus message) is not in this
  // snapshot yet: rebuild once rather than rate its calls as coming from an unknown trunk.
  const known = (t: TrunkRef | undefined) => !t || snapshot.trunks.has(t.id);
  if (!valid.every(({ cdr }) => known(cdr.trunk_id ? trunks.byId.get(cdr.trunk_id) : trunks.byIp(cdr.source_ip!)))) {
    await state.rebuild();
    snapshot = await state.current();
  }
  const decisionOf = await recordedDecisionsFor(
    ctx.db,
    valid.map(({ cdr }) => cdr.decision_id ?? null),
  );
  const now = nowIso();
  const rows: { index: number; row: CdrsTable }[] = [];
  for (const { index, cdr } of valid) {
    const trunk = cdr.trunk_id ? trunks.byId.get(cdr.trunk_id) : trunks.byIp(cdr.source_ip!);
    if (!trunk) {
      results.push({
        index,
        call_id: cdr.call_id,
        status: 'rejected',
        errors: [cdr.trunk_id ? { field: 'trunk_id', message: 'no such trunk' } : { field: 'source_ip', message: 'no trunk allows this address' }],
      });
      continue;
    }
    rows.push({ index, row: buildRow(cdr, trunk, snapshot, decisionOf(cdr.decision_id ?? null, trunk.customer_id), now) });
  }

  if (rows.length) {
    await ensureCdrPartitions(
      ctx.db,
      rows.map((r) => r.row.started_at),
    );
    // Fixed lock order (call ids, then roll-up keys) so concurrent batches never deadlock.
    rows.sort((a, b) => (a.row.call_id < b.row.call_id ? -1 : 1));
    const claimed = await ctx.db.transaction().execute(async (trx) => {
      const won = new Set<string>();
      for (let i = 0; i < rows.length; i += 500) {
        const part = rows.slice(i, i + 500).map(({ row }) => ({ call_id: row.call_id, cdr_id: row.id, started_at: row.started_at, received_at: now }));
        for (const r of await trx
          .insertInto('cdr_calls')
          .values(part)
          .onConflict((oc) => oc.column('call_id').doNothing())
          .returning('call_id')
          .execute())
          won.add(r.call_id);
      }
      const fresh = rows.filter((r) => won.has(r.row.call_id)).map((r) => r.row);
      for (let i = 0; i < fresh.length; i += 200)
        await trx
          .insertInto('cdrs')
          .values(fresh.slice(i, i + 200))
          .execute();
      await addToRollups(trx, fresh, 1);
      return won;
    });
    for (const { index, row } of rows) results.push({ index, call_id: row.call_id, status: claimed.has(row.call_id) ? 'accepted' : 'duplicate' });
  }
  results.sort((a, b) => a.index - b.index);
  return { results };
}

function buildRow(
  cdr: Parsed,
  trunk: TrunkRef,
  snapshot: Awaited<ReturnType<ReturnType<typeof routingOf>['current']>>,
  decision: RecordedDecision | null,
  now: string,
): CdrsTable {
  const answered = answeredAttempt(cdr.attempts);
  const last = cdr.attempts[cdr.attempts.length - 1];
  const answeredAt = answered?.answered_at ?? null;
  const endedAt = (answered ?? last)?.ended_at ?? null;
  const raw = rawSeconds(answeredAt ? Date.parse(answeredAt) : null, endedAt ? Date.parse(endedAt) : null);
  const rated = rateCall(snapshot, {
    trunkId: trunk.id,
    customerId: trunk.customer_id,
    ani: cdr.ani,
    dni: cdr.dni,
    startedAt: Date.parse(cdr.started_at),
    providerId: answered?.provider_id ?? null,
    answered: !!answered,
    rawSeconds: raw,
    decision,
  });
  return {
    id: newId(),
    call_id: cdr.call_id,
    customer_id: trunk.customer_id,
    trunk_id: trunk.id,
    provider_id: (answered ?? last)?.provider_id ?? null,
    ani: cdr.ani,
    dni: cdr.dni,
    direction: 'outbound',
    zone: rated.zone,
    decision_id: cdr.decision_id ?? null,
    started_at: new Date(cdr.started_at).toISOString(),
    answered_at: answeredAt ? new Date(answeredAt).toISOString() : null,
    ended_at: endedAt ? new Date(endedAt).toISOString() : null,
    duration: raw,
    disposition: dispositionOf(cdr.attempts),
    sip_code: last?.sip_code ?? null,
    disconnect_cause: cdr.disconnect_cause ?? null,
    attempts: JSON.stringify(cdr.attempts),
    trace: JSON.stringify(ratingTrace(rated)),
    ...ratingColumns(rated),
    rated_at: now,
    received_at: now,
  };
}

/** The trunks the batch names, by id, and a matcher by source address (IP-ACL trunks). */
async function trunksFor(ctx: AppContext, cdrs: Parsed[]) {
  const ids = [...new Set(cdrs.map((c) => c.trunk_id).filter((x): x is string => !!x))];
  const byId = new Map<string, TrunkRef>();
  if (ids.length)
    for (const t of await ctx.db.selectFrom('trunks').select(['id', 'customer_id', 'allowed_ips']).where('id', 'in', ids).execute()) byId.set(t.id, t);
  let all: { t: TrunkRef; cidrs: string[] }[] | undefined;
  const cache = new Map<string, TrunkRef | undefined>();
  const byIp = (ip: string): TrunkRef | undefined => {
    if (cache.has(ip)) return cache.get(ip);
    const hit = all?.find((x) => x.cidrs.length && ipAllowed(x.cidrs, ip))?.t;
    cache.set(ip, hit);
    return hit;
  };
  if (cdrs.some((c) => !c.trunk_id)) {
    const rows = await ctx.db
      .selectFrom('trunks')
      .select(['id', 'customer_id', 'allowed_ips'])
      .where('status', 'in', ['active', 'testing'])
      .orderBy('created_at')
      .execute();
    all = rows.map((t) => ({ t, cidrs: JSON.parse(t.allowed_ips) as string[] }));
  }
  return { byId, byIp };
}
