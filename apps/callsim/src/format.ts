import type { LoadReport } from './load.js';
import type { CallTranscript } from './transcript.js';

const COMMON_PARAMS = new Set([
  'ApiVersion',
  'AccountSid',
  'Domain',
  'CallSid',
  'Session',
  'From',
  'To',
  'CallerName',
  'Direction',
  'CallStatus',
  'SessionData',
]);

const time = (seconds: number) => `+${seconds.toFixed(1)}s`.padStart(8);
const ms = (value: number) => `${Math.round(value)} ms`;

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** Human-readable timeline of one call: requests and their CXML, verbs, dials, webhooks, then the outcome. */
export function formatTranscript(t: CallTranscript): string {
  const lines: string[] = [];
  lines.push(`Call ${t.callSid} (session ${t.sessionId}, SIP ${t.sipCallId})`);
  lines.push(`  ${t.direction} ${t.from} -> ${t.to} on ${t.domain}`);
  lines.push('');

  type Row = { seq: number; text: string };
  const rows: Row[] = [];
  const pad = ' '.repeat(12);
  for (const x of t.exchanges) {
    const extra = Object.entries(x.params)
      .filter(([key]) => !COMMON_PARAMS.has(key) || (x.kind === 'action' && key === 'CallStatus' && x.params[key] !== 'in-progress'))
      .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
    const result = x.status !== undefined ? `${x.status}${x.contentType ? ` ${x.contentType}` : ''} in ${ms(x.latencyMs)}` : `FAILED: ${x.error}`;
    let text = `${time(x.at)}  ${x.method} ${x.url}  [${x.cause}]${extra.length ? ` ${extra.join(' ')}` : ''}\n${pad}<- ${result}`;
    if (x.executed && x.body) text += `\n${indent(x.body, `${pad}   `)}`;
    else if (x.error && x.body) text += `\n${indent(x.body.slice(0, 500), `${pad}   `)}`;
    rows.push({ seq: x.seq, text });
  }
  for (const v of t.verbs) {
    rows.push({ seq: v.seq, text: `${time(v.at)}  [doc ${v.document}] ${v.summary}\n${pad}=> ${v.outcome}` });
  }
  for (const w of t.webhooks) {
    const what = w.kind === 'cdr' ? `CDR ${String(w.payload.disposition)}` : `session-update ${w.sessionStatus}`;
    const copy = w.copy > 1 ? ` (copy ${w.copy})` : '';
    const result = w.status !== undefined ? `${w.status} in ${ms(w.latencyMs)}` : `FAILED: ${w.error}`;
    rows.push({ seq: w.seq, text: `${time(w.at)}  webhook ${what}${copy} -> ${result}` });
  }
  rows.sort((a, b) => a.seq - b.seq);
  for (const row of rows) lines.push(row.text);

  const o = t.outcome;
  lines.push('');
  lines.push(`Outcome: ${o.disposition} (${o.status})${o.answeredBy ? `, answered by ${o.answeredBy}` : ''}, duration ${o.duration}s, billsec ${o.billsec}s`);
  lines.push(`  ended: ${o.reason} (${o.hungUpBy}); ${o.documents} CXML document${o.documents === 1 ? '' : 's'}`);
  if (t.warnings.length) lines.push('Warnings:', ...t.warnings.map((w) => `  - ${w}`));
  if (t.errors.length) lines.push('Errors:', ...t.errors.map((e) => `  - ${e}`));
  return lines.join('\n');
}

export function formatLoadReport(r: LoadReport): string {
  const lines = [
    `Load: ${r.limits.rate} calls/s, concurrency ${r.limits.concurrency}, ${r.limits.durationSeconds}s window (max ${r.limits.maxCalls} calls)`,
    `Calls: ${r.startedCalls} started, ${r.completedCalls} completed, ${r.failedCalls} with errors in ${r.elapsedSeconds.toFixed(1)}s`,
    `Throughput: ${r.callsPerSecond.toFixed(2)} completed calls/s`,
    `Dispositions: ${
      Object.entries(r.dispositions)
        .map(([d, n]) => `${d} ${n}`)
        .join(', ') || 'none'
    }`,
    '',
    `${'kind'.padEnd(16)}${'count'.padStart(8)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}  (ms)`,
  ];
  for (const [kind, s] of Object.entries(r.latency)) {
    lines.push(
      `${kind.padEnd(16)}${String(s.count).padStart(8)}${s.p50.toFixed(1).padStart(10)}${s.p95.toFixed(1).padStart(10)}${s.p99.toFixed(1).padStart(10)}${s.max.toFixed(1).padStart(10)}`,
    );
  }
  if (r.errors.length) {
    lines.push('', 'Errors:');
    for (const e of r.errors.slice(0, 10)) lines.push(`  ${String(e.count).padStart(6)} x ${e.message}`);
    if (r.errors.length > 10) lines.push(`  … and ${r.errors.length - 10} more kinds`);
  }
  return lines.join('\n');
}
