import type { Jurisdiction } from '@warp/contract';
import type { Kysely, Transaction } from 'kysely';

import type { Database } from '../../db/schema.js';
import type { RouteDecision, TraceStep } from '../routing/engine/index.js';
import type { RecordedDecision } from './rate-call.js';

type Db = Kysely<Database> | Transaction<Database>;

const JURISDICTIONS: ReadonlySet<string> = new Set(['interstate', 'intrastate', 'local', 'indeterminate']);

export interface DecisionToRecord {
  /** the id the edge will send back as the CDR's decision_id */
  id: string;
  decidedAt: Date;
  customerId: string;
  trunkId: string | null;
  decision: RouteDecision;
}

/**
 * Records route decisions as the edge got them (the SIP edge's decision endpoint calls this, in
 * batches), so rating prices a CDR on the jurisdiction and LRN routing used, not a guess.
 */
export async function recordRouteDecisions(db: Db, entries: readonly DecisionToRecord[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 500) {
    const part = entries.slice(i, i + 500).map((e) => ({
      id: e.id,
      decided_at: e.decidedAt.toISOString(),
      customer_id: e.customerId,
      trunk_id: e.trunkId,
      decision: e.decision.decision,
      jurisdiction: e.decision.jurisdiction,
      lrn: e.decision.lrn,
      trace: JSON.stringify(e.decision.trace),
    }));
    await db
      .insertInto('route_decisions')
      .values(part)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

/**
 * The recorded decisions a batch of CDRs names, by id, for rating. Only a decision of the CDR's own
 * customer counts: an id pointing at another customer's decision is ignored (the CDR is rated on the
 * jurisdiction computed from its own numbers).
 */
export async function recordedDecisionsFor(db: Db, decisionIds: readonly (string | null)[]) {
  const ids = [...new Set(decisionIds.filter((x): x is string => !!x))];
  const found = new Map<string, RecordedDecision & { customerId: string }>();
  for (let i = 0; i < ids.length; i += 500)
    for (const r of await db
      .selectFrom('route_decisions')
      .select(['id', 'customer_id', 'jurisdiction', 'lrn'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute())
      found.set(r.id, {
        id: r.id,
        customerId: r.customer_id,
        jurisdiction: r.jurisdiction && JURISDICTIONS.has(r.jurisdiction) ? (r.jurisdiction as Jurisdiction) : null,
        lrn: r.lrn,
      });
  return (decisionId: string | null, customerId: string): RecordedDecision | null => {
    const d = decisionId ? found.get(decisionId) : undefined;
    return d && d.customerId === customerId ? d : null;
  };
}

/** A recorded decision's trace (the admin CDR detail shows it ahead of the rating's own steps). */
export async function decisionTrace(db: Db, decisionId: string, customerId: string): Promise<TraceStep[] | null> {
  const r = await db.selectFrom('route_decisions').select(['trace', 'customer_id']).where('id', '=', decisionId).executeTakeFirst();
  return r && r.customer_id === customerId ? (JSON.parse(r.trace) as TraceStep[]) : null;
}

/** Retention: decisions older than the CDRs kept go with them. */
export async function purgeDecisionsBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('route_decisions').where('decided_at', '<', before.toISOString()).execute();
}
