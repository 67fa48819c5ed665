import { seededRandom } from '@opbx/platform';
import type { IngestCdr, IngestResult } from '@warp/contract';

import { decide, type RoutingSnapshot } from '../routing/engine/index.js';

/*
 * The traffic generator (tests, demos, benchmarks): calls on the customers' trunks are routed by
 * the route engine itself, on the live snapshot, and become CDRs the way a SIP edge would report
 * them: the first route answers (with the answer ratio), or it fails and the next route is tried;
 * rejected calls have no attempts. Pure and seeded, so a run can be reproduced.
 */

const NPAS = ['212', '310', '312', '415', '713', '305', '404', '617', '206', '303', '512', '718', '201', '602', '215'];

export interface CallOptions {
  answerRatio: number;
  /** mean answered duration, seconds (exponential) */
  meanSeconds?: number;
  rng: () => number;
}

export interface GeneratedCall {
  cdr: IngestCdr;
  routed: boolean;
  answered: boolean;
}

const number = (rng: () => number) => {
  const npa = NPAS[Math.floor(rng() * NPAS.length)]!;
  let nxx = 200 + Math.floor(rng() * 800);
  if (nxx % 100 === 11) nxx++; // N11 is never an exchange code
  return `+1${npa}${nxx}${String(Math.floor(rng() * 10_000)).padStart(4, '0')}`;
};

/** Trunks that can place calls: active, outbound-capable, with a partition. */
export const callingTrunks = (s: RoutingSnapshot) =>
  [...s.trunks.values()].filter((t) => (t.status === 'active' || t.status === 'testing') && t.direction !== 'inbound');

/** One call at `at` (epoch ms) on `trunkId`, as the edge would report it. */
export function generateCall(snapshot: RoutingSnapshot, trunkId: string, at: number, seq: number, o: CallOptions): GeneratedCall {
  const ani = number(o.rng);
  const dni = number(o.rng);
  const decision = decide(snapshot, { trunkId, ani, dni, at, rng: o.rng });
  const iso = (ms: number) => new Date(ms).toISOString();
  const cdr: IngestCdr = {
    call_id: `sim-${at.toString(36)}-${seq}-${Math.floor(o.rng() * 1e9).toString(36)}`,
    trunk_id: trunkId,
    ani,
    dni,
    started_at: iso(at),
    attempts: [],
  };
  if (decision.decision !== 'route') return { cdr: { ...cdr, disconnect_cause: decision.reason_code ?? 'no_route' }, routed: false, answered: false };
  let t = at + 50;
  const answers = o.rng() < o.answerRatio;
  // the first route may fail over to the next (a 503 one time in ten) before the final outcome
  const routes = decision.routes;
  for (let i = 0; i < routes.length; i++) {
    const provider = routes[i]!.provider_id;
    const last = i === routes.length - 1;
    if (!last && o.rng() < 0.1) {
      cdr.attempts.push({ provider_id: provider, started_at: iso(t), ended_at: iso(t + 300), sip_code: 503 });
      t += 350;
      continue;
    }
    const ring = 1000 + Math.floor(o.rng() * 9000);
    if (answers) {
      const seconds = Math.max(1, Math.round(-Math.log(1 - o.rng()) * (o.meanSeconds ?? 120)));
      cdr.attempts.push({
        provider_id: provider,
        started_at: iso(t),
        answered_at: iso(t + ring),
        ended_at: iso(t + ring + seconds * 1000 + Math.floor(o.rng() * 1000)),
        sip_code: 200,
      });
      return { cdr: { ...cdr, disconnect_cause: 'normal_clearing' }, routed: true, answered: true };
    }
    const code = [486, 480, 487, 404][Math.floor(o.rng() * 4)]!;
    cdr.attempts.push({ provider_id: provider, started_at: iso(t), ended_at: iso(t + ring), sip_code: code });
    return { cdr: { ...cdr, disconnect_cause: code === 487 ? 'originator_cancel' : 'user_busy' }, routed: true, answered: false };
  }
  return { cdr, routed: true, answered: false };
}

export interface TrafficSummary {
  calls: number;
  routed: number;
  answered: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  batches: number;
  seconds: number;
}

export interface TrafficRun {
  rate: number;
  duration: number;
  answerRatio: number;
  /** spread the calls over the `duration` seconds before now and post as fast as possible (demo data) */
  backfill?: boolean;
  seed?: number;
  snapshot: () => Promise<RoutingSnapshot>;
  post: (cdrs: IngestCdr[]) => Promise<IngestResult>;
  progress?: (done: number, total: number, s: TrafficSummary) => void;
}

/** Generates `rate × duration` calls, posting them in batches of up to 1,000 once a second (or back to back). */
export async function runTraffic(run: TrafficRun): Promise<TrafficSummary> {
  const rng = seededRandom(run.seed ?? Date.now());
  const total = Math.round(run.rate * run.duration);
  const s: TrafficSummary = { calls: 0, routed: 0, answered: 0, accepted: 0, duplicate: 0, rejected: 0, batches: 0, seconds: 0 };
  const began = Date.now();
  const virtualStart = run.backfill ? began - run.duration * 1000 : began;
  let seq = 0;
  const flush = async (batch: IngestCdr[]) => {
    for (let i = 0; i < batch.length; i += 1000) {
      const res = await run.post(batch.slice(i, i + 1000));
      s.batches++;
      for (const r of res.results) s[r.status]++;
    }
  };
  if (run.backfill) {
    // Past traffic: calls evenly spread over the window, posted back to back in batches of 1,000.
    const snapshot = await run.snapshot();
    const trunks = callingTrunks(snapshot);
    if (!trunks.length) throw new Error('no active trunk can place calls: create a customer, a trunk and a partition first');
    while (seq < total) {
      const batch: IngestCdr[] = [];
      for (let i = 0; i < 1000 && seq < total; i++) {
        const at = virtualStart + Math.floor((seq / run.rate) * 1000);
        const g = generateCall(snapshot, trunks[Math.floor(rng() * trunks.length)]!.id, at, seq++, { answerRatio: run.answerRatio, rng });
        s.calls++;
        if (g.routed) s.routed++;
        if (g.answered) s.answered++;
        batch.push(g.cdr);
      }
      await flush(batch);
      run.progress?.(seq, total, s);
    }
    s.seconds = Math.round((Date.now() - began) / 100) / 10;
    return s;
  }
  for (let second = 0; second < run.duration && seq < total; second++) {
    const snapshot = await run.snapshot();
    const trunks = callingTrunks(snapshot);
    if (!trunks.length) throw new Error('no active trunk can place calls: create a customer, a trunk and a partition first');
    const batch: IngestCdr[] = [];
    const inThisSecond = Math.min(total - seq, Math.round(run.rate * (second + 1)) - seq);
    for (let i = 0; i < inThisSecond; i++) {
      const at = virtualStart + second * 1000 + Math.floor((i / inThisSecond) * 1000);
      const g = generateCall(snapshot, trunks[Math.floor(rng() * trunks.length)]!.id, at, seq++, { answerRatio: run.answerRatio, rng });
      s.calls++;
      if (g.routed) s.routed++;
      if (g.answered) s.answered++;
      batch.push(g.cdr);
    }
    await flush(batch);
    run.progress?.(seq, total, s);
    const wait = began + (second + 1) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  s.seconds = Math.round((Date.now() - began) / 100) / 10;
  return s;
}

/**
 * The demo's month of traffic, once (after the routing demo data): about 6,000 calls over the
 * last 30 days on Acme's trunks, ingested in process exactly as the edge endpoint would.
 */
export async function seedDemoTraffic(ctx: import('../../context.js').AppContext, calls = 6_000): Promise<TrafficSummary | undefined> {
  if (await ctx.db.selectFrom('cdrs').select('id').limit(1).executeTakeFirst()) return undefined;
  const { ingestCdrs } = await import('./ingest.js');
  const { routingOf } = await import('../routing/routing.state.js');
  const month = 30 * 86_400;
  return runTraffic({
    rate: calls / month,
    duration: month,
    answerRatio: 0.62,
    backfill: true,
    seed: 2026,
    snapshot: () => routingOf(ctx).current(),
    post: (cdrs) => ingestCdrs(ctx, { cdrs }),
  });
}
