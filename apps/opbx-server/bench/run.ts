import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import { repoRoot } from './support.js';
import { benchVoice } from './voice.bench.js';

/**
 * `npm run bench [-- voice calllogs fanout soak]`: runs the benchmarks and writes a Markdown report
 * to bench-reports/. Timing is measured here, never asserted in tests.
 */
const all = ['voice', 'calllogs', 'fanout'] as const;
/** Run only when named: it takes minutes. */
const onRequest = ['soak', 'warp-routing', 'warp-cdrs', 'warp-sip'] as const;
type Name = (typeof all)[number] | (typeof onRequest)[number];
const USAGE = `Usage: npm run bench [-- ${[...all, ...onRequest].join(' ')}] [--minutes N]

Runs the named benchmarks (all but soak by default) and writes a Markdown report to bench-reports/.
  voice     POST /api/voice/route next to a bare Fastify hello world (BENCH_SECONDS per run, default 10)
  calllogs  call-log list, search and CSV export over 1 million seeded call logs
  fanout    one realtime event to 1,000 subscribed WebSocket clients
  soak      calls, REST traffic and 500 WebSocket clients at once for N minutes (--minutes N or
            SOAK_MINUTES, default 3): RSS over time and its trend, event-loop delay, errors, call logs;
            exits 1 when it counted errors or the RSS trend looks like a leak
  warp-routing  WARP least-cost routing: a 383,000-row deck imported from CSV, route decisions in process
            over 20 providers, POST /v1/admin/routing/simulate next to the HTTP floor (only when named)
  warp-cdrs WARP CDRs: rating throughput, HTTP ingestion in batches of 1,000; with DATABASE_URL=postgres://…
            the customer API over BENCH_CDRS (default 1,000,000) CDRs and a full CSV export (only when named)
  warp-sip  WARP SIP edge: SIPp calls per second through Kamailio with WARP deciding vs a fixed route, then a
            BENCH_SIP_SOAK_SECONDS (default 60) run checking every call rated once (only when named; needs kamailio, sipp)`;
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
let minutes = Number(process.env.SOAK_MINUTES ?? 3);
const names: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === '--minutes' || arg.startsWith('--minutes=')) minutes = Number(arg.includes('=') ? arg.slice('--minutes='.length) : args[++i]);
  else names.push(arg);
}
const unknown = names.filter((a) => !([...all, ...onRequest] as readonly string[]).includes(a));
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}\n\n${USAGE}`);
  process.exit(2);
}
const wanted = names as Name[];
const run: Name[] = wanted.length ? wanted : [...all];
if (run.includes('soak') && !(minutes > 0 && minutes <= 24 * 60)) {
  console.error(`--minutes / SOAK_MINUTES must be a number of minutes above 0 (at most a day)\n\n${USAGE}`);
  process.exit(2);
}
const sections: string[] = [];
/** What a benchmark with pass/fail findings (the soak) found: the run then exits 1, after writing its report. */
const problems: string[] = [];
const started = new Date();

for (const name of run) {
  console.log(`\n▶ ${name} benchmark…`);
  const t0 = Date.now();
  let lines: string[];
  if (name === 'voice') lines = (await benchVoice(Number(process.env.BENCH_SECONDS ?? 10))).lines;
  else if (name === 'calllogs') lines = (await (await import('./call-logs.bench.js')).benchCallLogs()).lines;
  else if (name === 'soak') {
    const soak = await (await import('./soak.bench.js')).benchSoak(minutes);
    lines = soak.lines;
    if (soak.errors || soak.leak) problems.push(`soak: ${soak.errors} errors${soak.leak ? ', possible leak' : ''}`);
  } else if (name === 'warp-routing') lines = (await (await import('../../warp-server/bench/routing.bench.js')).benchWarpRouting()).lines;
  else if (name === 'warp-sip') lines = (await (await import('../../warp-server/bench/sip.bench.js')).benchWarpSip()).lines;
  else if (name === 'warp-cdrs') lines = (await (await import('../../warp-server/bench/cdrs.bench.js')).benchWarpCdrs()).lines;
  else lines = (await (await import('./fanout.bench.js')).benchFanout()).lines;
  console.log(lines.join('\n'));
  console.log(`(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  sections.push(lines.join('\n'));
}

const header = [
  `# OPBX benchmark report`,
  '',
  `Run ${started.toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
  '',
];
const dir = join(repoRoot, 'bench-reports');
mkdirSync(dir, { recursive: true });
const file = join(dir, `report-${started.toISOString().replace(/[:.]/g, '-')}.md`);
writeFileSync(file, [...header, ...sections.flatMap((s) => [s, ''])].join('\n'));
console.log(`\nReport written to ${file}`);
if (problems.length) console.error(`Found: ${problems.join('; ')}`);
process.exit(problems.length ? 1 : 0);
