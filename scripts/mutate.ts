/**
 * `npm run mutate [-- <mutation id> …] [--list]`: applies each mutation of scripts/mutations.ts, one
 * at a time, to a scratch checkout of HEAD (a git worktree; your working tree is never touched),
 * runs the tests that should catch it, and reports which tests killed it. Exit 1 when a mutation
 * survived or no longer applies. The report is also written to bench-reports/mutation-report.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { type Mutation, MUTATIONS } from './mutations.js';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);

if (args.includes('--help') || args.includes('-h')) {
  console.log(
    'Usage: npm run mutate [-- <mutation id> ...] [--list]\n\nApplies each mutation to a scratch checkout of HEAD and runs the tests expected to catch it.',
  );
  process.exit(0);
}
if (args.includes('--list')) {
  for (const m of MUTATIONS) console.log(`${m.id.padEnd(48)} ${m.what}`);
  process.exit(0);
}
const unknown = args.filter((a) => !MUTATIONS.some((m) => m.id === a));
if (unknown.length) {
  console.error(`Unknown mutation(s): ${unknown.join(', ')} (see --list)`);
  process.exit(2);
}
const chosen = args.length ? MUTATIONS.filter((m) => args.includes(m.id)) : MUTATIONS;

interface Outcome {
  mutation: Mutation;
  status: 'killed' | 'survived' | 'stale';
  killers: string[];
  note?: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'opbx-mutants-'));
const tree = join(scratch, 'tree');
execFileSync('git', ['worktree', 'add', '--detach', tree, 'HEAD'], { cwd: ROOT, stdio: 'ignore' });
// The dependencies of the real checkout; workspace links resolve to its packages, which no mutation touches.
// npm keeps a dependency inside a workspace when the root holds another version of it: link those too.
symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
for (const group of ['apps', 'packages']) {
  for (const name of readdirSync(join(ROOT, group))) {
    const modules = join(ROOT, group, name, 'node_modules');
    if (existsSync(modules) && existsSync(join(tree, group, name))) symlinkSync(modules, join(tree, group, name, 'node_modules'), 'dir');
  }
}

const cleanup = () => {
  spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT, stdio: 'ignore' });
  rmSync(scratch, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

const outcomes: Outcome[] = [];
try {
  for (const [n, mutation] of chosen.entries()) {
    process.stdout.write(`[${n + 1}/${chosen.length}] ${mutation.id} … `);
    const outcome = run(mutation);
    outcomes.push(outcome);
    console.log(
      outcome.status === 'killed' ? `killed by ${outcome.killers.length} test(s)` : outcome.status.toUpperCase() + (outcome.note ? `: ${outcome.note}` : ''),
    );
  }
} finally {
  cleanup();
}

const report = [
  '# Mutation report',
  '',
  `${new Date().toISOString()}, HEAD ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim()}`,
  '',
  '| mutation | what it breaks | result | killed by |',
  '|---|---|---|---|',
  ...outcomes.map(
    (o) =>
      `| \`${o.mutation.id}\` | ${o.mutation.what} | ${o.status} | ${o.killers.slice(0, 5).join('<br>')}${o.killers.length > 5 ? `<br>… ${o.killers.length - 5} more` : ''}${o.note ?? ''} |`,
  ),
  '',
  `${outcomes.filter((o) => o.status === 'killed').length} of ${outcomes.length} killed.`,
].join('\n');
mkdirSync(join(ROOT, 'bench-reports'), { recursive: true });
writeFileSync(join(ROOT, 'bench-reports', 'mutation-report.md'), `${report}\n`);
console.log(`\n${report}\n\nWritten to bench-reports/mutation-report.md`);
process.exit(outcomes.every((o) => o.status === 'killed') ? 0 : 1);

function run(mutation: Mutation): Outcome {
  const file = join(tree, mutation.file);
  const original = readFileSync(file, 'utf8');
  let mutated = original;
  for (const [find, replace] of mutation.edits) {
    const count = mutated.split(find).length - 1;
    if (count !== 1) return { mutation, status: 'stale', killers: [], note: `expected the text once in ${mutation.file}, found it ${count} times` };
    mutated = mutated.replace(find, () => replace);
  }
  writeFileSync(file, mutated);
  try {
    const json = join(scratch, `${mutation.id}.json`);
    const missing = mutation.tests.filter((t) => !existsSync(join(tree, t)));
    if (missing.length) return { mutation, status: 'stale', killers: [], note: `missing test files: ${missing.join(', ')}` };
    spawnSync('npx', ['vitest', 'run', '--reporter=json', `--outputFile=${json}`, ...mutation.tests], {
      cwd: tree,
      stdio: 'ignore',
      env: { ...process.env, CI: 'true' },
      timeout: 15 * 60_000,
    });
    if (!existsSync(json)) return { mutation, status: 'survived', killers: [], note: 'the test run wrote no report' };
    const results = JSON.parse(readFileSync(json, 'utf8')) as {
      testResults: Array<{ name: string; message?: string; assertionResults: Array<{ status: string; fullName: string }> }>;
    };
    const killers: string[] = [];
    for (const file of results.testResults) {
      const where = file.name.replace(`${tree}/`, '');
      const failed = file.assertionResults.filter((a) => a.status === 'failed').map((a) => `${where} › ${a.fullName}`);
      // A file that failed to load (syntax, import) counts too, but says so.
      if (failed.length === 0 && file.message) failed.push(`${where} (failed to run: ${file.message.split('\n')[0]})`);
      killers.push(...failed);
    }
    return { mutation, status: killers.length ? 'killed' : 'survived', killers };
  } finally {
    writeFileSync(file, original);
  }
}
