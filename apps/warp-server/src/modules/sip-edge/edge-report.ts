import { invalid } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import { ingestCdrs } from '../cdrs/ingest.js';
import type { CallLimits } from './call-limits.js';

/*
 * The edge's end-of-call reports: one line per call, form-encoded, as Kamailio's script writes
 * them (event_route[dialog:end] and [dialog:failed], queued and shipped in batches). Each becomes
 * the CDR ingestion's record, so a SIP call is stored and rated exactly like any other CDR
 * (idempotent on the Call-ID: a batch Kamailio re-sends after a WARP restart is stored once), and
 * its channel is released.
 *
 * Line fields: call_id, trunk_id, decision_id, direction, source_ip, ani, dni, providers (the
 * provider of each route, in order), started / answered / ended ("seconds.micros"), attempts
 * ("|start[,code,end]" per attempt, in route order) and cause.
 */

export interface EdgeReportResult {
  reports: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** origination calls: channels released, CDRs left to the numbers issue */
  inbound: number;
  errors: { line: number; call_id: string | null; errors: { field: string; message: string }[] }[];
}

const MAX_LINES = 1000;

/** "1733370000.123456" → ISO-8601 with milliseconds. */
const isoOf = (t: string | undefined): string | null => {
  if (!t || !/^\d{9,11}(\.\d{1,6})?$/.test(t)) return null;
  return new Date(Math.round(Number(t) * 1000)).toISOString();
};

interface ParsedReport {
  line: number;
  trunkId: string;
  callId: string;
  direction: string;
  cdr: Record<string, unknown>;
}

function parseLine(text: string, line: number): ParsedReport | { line: number; call_id: string | null; errors: { field: string; message: string }[] } {
  const f = new URLSearchParams(text);
  const callId = f.get('call_id') ?? '';
  const trunkId = f.get('trunk_id') ?? '';
  const started = isoOf(f.get('started') ?? undefined);
  const ended = isoOf(f.get('ended') ?? undefined);
  const answered = isoOf(f.get('answered') ?? undefined);
  const errors: { field: string; message: string }[] = [];
  if (!callId) errors.push({ field: 'call_id', message: 'is required' });
  if (!trunkId) errors.push({ field: 'trunk_id', message: 'is required' });
  if (!started) errors.push({ field: 'started', message: 'must be seconds since the epoch' });
  if (!ended) errors.push({ field: 'ended', message: 'must be seconds since the epoch' });
  if (errors.length) return { line, call_id: callId || null, errors };
  const providers = (f.get('providers') ?? '').split(',').filter(Boolean);
  const segments = (f.get('attempts') ?? '').split('|').slice(1);
  const attempts = segments.map((segment, k) => {
    const [start, code, end] = segment.split(',');
    const last = k === segments.length - 1;
    const answeredHere = last && !code && answered;
    return {
      provider_id: providers[k] ?? '',
      started_at: isoOf(start) ?? started!,
      answered_at: answeredHere ? answered : null,
      ended_at: isoOf(end) ?? ended!,
      // an attempt without a final code that was not answered: the caller gave up (or the edge did)
      sip_code: code ? Number(code) : answeredHere ? 200 : 487,
    };
  });
  return {
    line,
    trunkId,
    callId,
    direction: f.get('direction') || 'outbound',
    cdr: {
      call_id: callId,
      trunk_id: trunkId,
      ani: (f.get('ani') ?? '').slice(0, 32),
      dni: f.get('dni') ?? '',
      decision_id: f.get('decision_id') || undefined,
      started_at: started,
      attempts,
      disconnect_cause: f.get('cause') || undefined,
    },
  };
}

export async function ingestEdgeReports(ctx: AppContext, limits: CallLimits, body: string): Promise<EdgeReportResult> {
  // numbered as sent (blank lines count), so an error names the line the edge wrote
  const lines = body
    .split(/\r?\n/)
    .map((text, i) => ({ text, line: i + 1 }))
    .filter((l) => l.text.trim());
  const result: EdgeReportResult = { reports: lines.length, accepted: 0, duplicate: 0, rejected: 0, inbound: 0, errors: [] };
  if (lines.length > MAX_LINES) throw invalid([{ field: 'body', message: `at most ${MAX_LINES} reports per batch` }]);
  const outbound: ParsedReport[] = [];
  const all: ParsedReport[] = [];
  lines.forEach(({ text, line }) => {
    const parsed = parseLine(text, line);
    if ('errors' in parsed) {
      result.rejected++;
      result.errors.push(parsed);
      return;
    }
    all.push(parsed);
    if (parsed.direction === 'inbound') result.inbound++;
    else outbound.push(parsed);
  });
  if (outbound.length) {
    // Stored (committed) before we answer: Kamailio drops the batch only on our 2xx.
    const { results } = await ingestCdrs(ctx, { cdrs: outbound.map((r) => r.cdr) });
    for (const r of results) {
      if (r.status === 'accepted') result.accepted++;
      else if (r.status === 'duplicate') result.duplicate++;
      else {
        result.rejected++;
        result.errors.push({ line: outbound[r.index]!.line, call_id: r.call_id, errors: r.errors ?? [] });
      }
    }
  }
  await Promise.all(all.map((r) => limits.release(r.trunkId, r.callId)));
  return result;
}
