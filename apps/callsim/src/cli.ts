#!/usr/bin/env -S npx tsx
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

import { CALL_DIRECTIONS, simulateCall, type SimulateCallOptions } from './call.js';
import { formatLoadReport, formatTranscript } from './format.js';
import { type LoadCall, runLoad } from './load.js';
import { randomE164 } from './presets.js';
import type { Scenario, TargetBehaviour } from './scenario.js';
import { DIAL_STATUS_FIELDS, DIAL_STATUS_SPELLINGS, type DialStatusField, type DialStatusSpelling } from './statuses.js';
import type { WebhookOrder } from './webhooks.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Called with 1 when a call or load run reported errors (default: sets process.exitCode). */
  setExitCode: (code: number) => void;
}

/** A usage problem found after parsing (missing key, empty list): reported like a commander error. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds >= 0');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

function positiveInt(value: string): number {
  const n = positive(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number > 0');
  return n;
}

function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

/** `VALUE=answer[:AFTER[:TALK]]`, `VALUE=busy[:AFTER]`, `VALUE=failed[:AFTER]` or `VALUE=no-answer`. */
export function parseTargetSpec(spec: string): [string, TargetBehaviour] {
  const eq = spec.lastIndexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected VALUE=BEHAVIOUR, e.g. 101=busy or +15551234567=answer:5:60');
  const value = spec.slice(0, eq);
  const [kind = '', ...args] = spec.slice(eq + 1).split(':');
  const nums = args.map((arg) => seconds(arg));
  switch (kind) {
    case 'answer':
      return [value, { outcome: 'answer', after: nums[0], talk: nums[1] }];
    case 'busy':
      return [value, { outcome: 'busy', after: nums[0] }];
    case 'failed':
      return [value, { outcome: 'failed', after: nums[0] }];
    case 'no-answer':
      return [value, { outcome: 'no-answer' }];
    default:
      throw new InvalidArgumentError(`unknown behaviour "${kind}" (answer, busy, no-answer, failed)`);
  }
}

interface CommonOpts {
  baseUrl: string;
  key?: string;
  domain?: string;
  direction: string;
  answerAfter?: number;
  talk?: number;
  busy?: boolean;
  answer: boolean;
  fail?: boolean;
  target?: Array<[string, TargetBehaviour]>;
  hangupAfter?: number;
  digits?: string[];
  recordSeconds?: number;
  callTimeout?: number;
  playSeconds?: number;
  webhooks: boolean;
  sessionUpdates: boolean;
  cdr: boolean;
  duplicates?: number;
  order?: WebhookOrder;
  concurrentWebhooks?: boolean;
  seed?: number;
  dialStatusField?: DialStatusField;
  dialStatusSpelling?: DialStatusSpelling;
  answeredAs?: 'completed' | 'answered';
  answeredDisposition?: string;
  stripPlus?: boolean;
  form?: boolean;
  rewriteOrigin?: boolean;
  requestTimeout?: number;
  maxDocuments?: number;
  json?: boolean;
}

function addConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--base-url <url>', 'OPBX server base URL').env('CALLSIM_BASE_URL').default('http://localhost:8000'))
    .addOption(new Option('--key <key>', "the domain's requests key, sent as Authorization: Bearer").env('CALLSIM_KEY'))
    .addOption(new Option('--domain <domain>', 'Cloudonix domain name (Domain / AccountSid)').env('CALLSIM_DOMAIN'))
    .addOption(new Option('--direction <direction>', 'request Direction').choices(CALL_DIRECTIONS).default('inbound'));
}

function addBehaviourOptions(command: Command): Command {
  return command
    .option('--answer-after <seconds>', 'dialled targets answer after this many seconds of ringing (default 5)', seconds)
    .option('--talk <seconds>', 'an answered target talks this long, then hangs up (default 30)', seconds)
    .addOption(new Option('--busy', 'dialled targets are busy').conflicts(['answer', 'fail']))
    .addOption(new Option('--no-answer', 'dialled targets ring until the Dial timeout'))
    .addOption(new Option('--fail', 'dialled targets fail (unreachable)').conflicts(['busy', 'answer']))
    .option(
      '--target <spec>',
      'behaviour of one dialled value, repeatable: VALUE=answer[:AFTER[:TALK]] | VALUE=busy[:AFTER] | VALUE=no-answer | VALUE=failed[:AFTER]',
      collect(parseTargetSpec),
    )
    .option('--hangup-after <seconds>', 'the caller hangs up this many seconds after the call starts', seconds)
    .option(
      '--digits <digits>',
      'DTMF for the next Gather, repeatable in order; "-" means no input',
      collect((v: string) => v),
    )
    .option('--record-seconds <seconds>', 'how long the caller speaks at each Record (0 = silence; default 5)', seconds)
    .option('--call-timeout <seconds>', 'ringing timeout of a Dial without timeout= (domain call-timeout, default 60)', positive)
    .option('--play-seconds <seconds>', 'length of one <Play> (default 5)', seconds)
    .option('--no-webhooks', 'send no session-update or CDR webhooks')
    .option('--no-session-updates', 'send no session-update webhooks')
    .option('--no-cdr', 'send no CDR')
    .option('--duplicates <n>', 'send every webhook n times', positiveInt)
    .addOption(new Option('--order <order>', 'webhook order; reverse/shuffle hold them until the call ends').choices(['in-order', 'reverse', 'shuffle']))
    .option('--concurrent-webhooks', 'send the copies of each webhook (or all held webhooks) concurrently')
    .option('--seed <n>', 'seed for --order shuffle', (v: string) => Math.floor(seconds(v)))
    .addOption(new Option('--dial-status-field <field>', 'parameter(s) carrying the Dial outcome (default both)').choices(DIAL_STATUS_FIELDS))
    .addOption(
      new Option('--dial-status-spelling <spelling>', 'no-answer | noanswer | no_answer | NO-ANSWER (default documented)').choices(DIAL_STATUS_SPELLINGS),
    )
    .addOption(new Option('--answered-as <status>', 'Dial status of a bridged call (default completed)').choices(['completed', 'answered']))
    .option('--answered-disposition <text>', 'CDR disposition of an answered call (default ANSWERED)')
    .option('--strip-plus', 'report From/To without the leading + (as Cloudonix samples do)')
    .option('--form', 'send POST bodies form-encoded instead of JSON')
    .option('--rewrite-origin', "send absolute action URLs on another origin to --base-url's origin")
    .option('--request-timeout <ms>', 'per-request timeout in ms (default 10000)', positiveInt)
    .option('--max-documents <n>', 'loop guard: CXML documents per call (default 50)', positiveInt);
}

function requireConnection(opts: CommonOpts): { key: string; domain: string } {
  if (!opts.key) throw new UsageError('--key (or CALLSIM_KEY) is required: the domain requests key');
  if (!opts.domain) throw new UsageError('--domain (or CALLSIM_DOMAIN) is required');
  return { key: opts.key, domain: opts.domain };
}

function scenarioFromOptions(opts: CommonOpts): Scenario {
  let defaultTarget: TargetBehaviour | undefined;
  if (opts.busy) defaultTarget = { outcome: 'busy' };
  else if (opts.answer === false) defaultTarget = { outcome: 'no-answer' };
  else if (opts.fail) defaultTarget = { outcome: 'failed' };
  else if (opts.answerAfter !== undefined || opts.talk !== undefined) {
    defaultTarget = { outcome: 'answer', after: opts.answerAfter ?? 5, talk: opts.talk ?? 30 };
  }
  return {
    targets: opts.target ? Object.fromEntries(opts.target) : undefined,
    defaultTarget,
    hangupAfter: opts.hangupAfter,
    digits: opts.digits?.map((d) => (d === '-' ? null : d)),
    recordSeconds: opts.recordSeconds,
    callTimeout: opts.callTimeout,
    playSeconds: opts.playSeconds,
  };
}

function callOptionsFrom(opts: CommonOpts): Omit<LoadCall, 'from' | 'to'> {
  return {
    direction: opts.direction,
    scenario: scenarioFromOptions(opts),
    webhooks: opts.webhooks
      ? {
          sessionUpdates: opts.sessionUpdates,
          cdr: opts.cdr,
          duplicates: opts.duplicates,
          order: opts.order,
          concurrent: opts.concurrentWebhooks,
          seed: opts.seed,
        }
      : false,
    dialStatus: { field: opts.dialStatusField, spelling: opts.dialStatusSpelling, answeredAs: opts.answeredAs },
    answeredDisposition: opts.answeredDisposition,
    numberFormat: opts.stripPlus ? 'strip-plus' : 'as-given',
    bodyEncoding: opts.form ? 'form' : 'json',
    rewriteOrigin: opts.rewriteOrigin,
    requestTimeoutMs: opts.requestTimeout,
    maxDocuments: opts.maxDocuments,
  };
}

/**
 * The callsim command tree (`call`, `load`). Standalone it is `callsim`; the OPBX CLI mounts it with
 * `program.addCommand(createCallsimCommand({ name: 'simulate' }))`.
 */
export function createCallsimCommand(config: { name?: string; io?: Partial<CliIo>; exitOverride?: boolean } = {}): Command {
  const io: CliIo = { ...defaultIo, ...config.io };
  const root = new Command(config.name ?? 'callsim')
    .description('Cloudonix-compatible call simulator: drives an OPBX server the way Cloudonix does (voice requests, CXML, webhooks, CDRs)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(add --help for usage)');

  const call = addBehaviourOptions(
    addConnectionOptions(
      new Command('call')
        .description(
          'Simulate one call: POST the voice request, run the CXML answered (dials, gathers, records, redirects), send session updates and a CDR, and print the transcript',
        )
        .configureOutput({ writeOut: io.out, writeErr: io.err })
        .showHelpAfterError('(add --help for usage)'),
    )
      .requiredOption('--from <number>', 'caller: an E.164 number (inbound) or an extension (subscriber)')
      .requiredOption('--to <number>', 'destination: a DID (inbound), an extension or an E.164 number (subscriber)'),
  )
    .option('--realtime', 'let ringing, talking and prompts take real time (for demos)')
    .option('--time-scale <factor>', 'real seconds per simulated second, e.g. 0.1 (default 0 = instant)', seconds)
    .option('--json', 'print the transcript as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ callsim call --key KEY --domain acme.cloudonix.net --from +15551230000 --to +15557654321 --answer-after 3 --talk 20
  $ callsim call --key KEY --domain acme.cloudonix.net --direction subscriber --from 101 --to 102 --busy
  $ callsim call --key KEY --domain acme.cloudonix.net --from +15551230000 --to +15557654321 --digits 2 --target 201=no-answer`,
    )
    .action(async (opts: CommonOpts & { from: string; to: string; realtime?: boolean; timeScale?: number }) => {
      const { key, domain } = requireConnection(opts);
      const transcript = await simulateCall({
        ...callOptionsFrom(opts),
        baseUrl: opts.baseUrl,
        requestsKey: key,
        domain,
        from: opts.from,
        to: opts.to,
        realtime: opts.realtime,
        timeScale: opts.timeScale,
      } satisfies SimulateCallOptions);
      io.out(`${opts.json ? JSON.stringify(transcript, null, 2) : formatTranscript(transcript)}\n`);
      if (transcript.errors.length > 0) io.setExitCode(1);
    });

  const load = addBehaviourOptions(
    addConnectionOptions(
      new Command('load')
        .description(
          'Generate load: start calls at --rate per second (at most --concurrency in flight) for --duration seconds against a loopback server, then report throughput, errors and latency per request kind',
        )
        .configureOutput({ writeOut: io.out, writeErr: io.err })
        .showHelpAfterError('(add --help for usage)'),
    )
      .option('--from <numbers>', 'comma-separated callers used in turn (default: a random +1555 number per call)')
      .requiredOption('--to <numbers>', 'comma-separated destinations used in turn'),
  )
    .option('--rate <n>', 'calls started per second', positive, 5)
    .option('--concurrency <n>', 'calls in flight at most', positiveInt, 10)
    .option('--duration <seconds>', 'window during which calls are started', positive, 10)
    .option('--max-calls <n>', 'stop after starting this many calls (default rate x duration)', positiveInt)
    .option('--drain <seconds>', 'grace period for calls still running after the window (default 30)', seconds)
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Only loopback targets (localhost, 127.0.0.0/8, [::1]) are accepted. Simulated time is instant, so each call
costs only its HTTP round trips.

Example:
  $ callsim load --key KEY --domain acme.cloudonix.net --to +15557654321 --rate 50 --concurrency 100 --duration 30`,
    )
    .action(
      async (opts: CommonOpts & { from?: string; to: string; rate: number; concurrency: number; duration: number; maxCalls?: number; drain?: number }) => {
        const { key, domain } = requireConnection(opts);
        const split = (list: string) =>
          list
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
        const froms = opts.from ? split(opts.from) : [];
        const tos = split(opts.to);
        if (tos.length === 0) throw new UsageError('--to needs at least one number');
        const base = callOptionsFrom(opts);
        const report = await runLoad({
          baseUrl: opts.baseUrl,
          requestsKey: key,
          domain,
          rate: opts.rate,
          concurrency: opts.concurrency,
          durationSeconds: opts.duration,
          maxCalls: opts.maxCalls,
          drainSeconds: opts.drain,
          makeCall: (i) => ({ ...base, from: froms.length ? froms[i % froms.length]! : randomE164(), to: tos[i % tos.length]! }),
        });
        io.out(`${opts.json ? JSON.stringify(report, null, 2) : formatLoadReport(report)}\n`);
        if (report.failedCalls > 0) io.setExitCode(1);
      },
    );

  // Throw instead of process.exit on usage errors, so the standalone runner (and tests) decide the exit code.
  if (config.exitOverride) for (const command of [root, call, load]) command.exitOverride();
  return root.addCommand(call).addCommand(load);
}

/** Runs the standalone CLI; argv as in process.argv. */
export async function runCallsimCli(argv: string[], io?: Partial<CliIo>): Promise<void> {
  const { err, setExitCode } = { ...defaultIo, ...io };
  const command = createCallsimCommand({ io, exitOverride: true });
  try {
    await command.parseAsync(argv);
  } catch (error) {
    // Commander has already printed its own usage errors (and help, which exits 0).
    if (error instanceof CommanderError) {
      if (error.exitCode !== 0) setExitCode(error.exitCode);
      return;
    }
    err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    setExitCode(error instanceof UsageError ? 2 : 1);
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) await runCallsimCli(process.argv);
