import type { DialTarget } from './cxml/types.js';

/** How one dialled leg behaves. Times are seconds from the moment the Dial starts ringing it. */
export type TargetBehaviour =
  { outcome: 'answer'; after?: number; talk?: number } | { outcome: 'busy'; after?: number } | { outcome: 'failed'; after?: number } | { outcome: 'no-answer' };

export interface GatherInput {
  digits?: string;
  speech?: string;
  /** Seconds the caller takes to respond after the prompt ends (default 1). */
  after?: number;
}

export interface RecordingInput {
  /** Seconds the caller speaks; 0 is an empty recording (the action is not requested). */
  seconds: number;
  /** Key the caller presses to end the recording; otherwise it ends on silence (`timeout`). */
  finishKey?: string;
}

export interface Scenario {
  /** Behaviour per dialled value (`101`, `+15551234567`, `sip:alice@example.com`) or `kind:value` (`conference:sales`). */
  targets?: Record<string, TargetBehaviour>;
  /** Called for targets not in `targets`; return undefined to fall through to `defaultTarget`. */
  target?: (target: DialTarget, dialIndex: number) => TargetBehaviour | undefined;
  defaultTarget?: TargetBehaviour;
  /** The caller hangs up this many seconds after the call started. */
  hangupAfter?: number;
  /** One entry per Gather, in order. A string is DTMF digits; null or '' is no input. */
  digits?: Array<GatherInput | string | null>;
  /** One entry per Record, in order. A number is seconds of speech. Missing entries use `recordSeconds`. */
  recordings?: Array<RecordingInput | number | null>;
  /** Default speech length for Record without a `recordings` entry (default 5). */
  recordSeconds?: number;
  /** Ringing timeout of a Dial without `timeout` (the domain `call-timeout`, default 60). */
  callTimeout?: number;
  /** Length of one Play of an audio URL (default 5 seconds). */
  playSeconds?: number;
  /** Speaking rate used to time Say (default 2.5 words per second, at least 1 second). */
  sayWordsPerSecond?: number;
}

export const DEFAULT_TARGET: TargetBehaviour = { outcome: 'answer', after: 5, talk: 30 };
export const DEFAULT_TALK_SECONDS = 30;
const DEFAULT_CONFERENCE: TargetBehaviour = { outcome: 'answer', after: 0, talk: 60 };

function normalise(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^sips?:/, '')
    .replace(/^\+/, '');
}

export function behaviourFor(scenario: Scenario, target: DialTarget, dialIndex: number): TargetBehaviour {
  const table = scenario.targets ?? {};
  const exact = table[`${target.kind}:${target.value}`] ?? table[target.value];
  if (exact) return exact;
  // `+1555…` in the scenario matches `1555…` in the CXML and `sip:alice@x` matches `alice@x`.
  const wanted = normalise(target.value);
  for (const [key, behaviour] of Object.entries(table)) {
    const keyValue = key.startsWith(`${target.kind}:`) ? key.slice(target.kind.length + 1) : key;
    if (normalise(keyValue) === wanted) return behaviour;
  }
  const custom = scenario.target?.(target, dialIndex);
  if (custom) return custom;
  if (scenario.defaultTarget) return scenario.defaultTarget;
  return target.kind === 'conference' ? DEFAULT_CONFERENCE : DEFAULT_TARGET;
}

export function gatherInputAt(scenario: Scenario, index: number): GatherInput | undefined {
  const entry = scenario.digits?.[index];
  if (entry === undefined || entry === null || entry === '') return undefined;
  if (typeof entry === 'string') return { digits: entry };
  return entry;
}

export function recordingAt(scenario: Scenario, index: number): RecordingInput {
  const entry = scenario.recordings?.[index];
  if (entry === undefined) return { seconds: scenario.recordSeconds ?? 5 };
  if (entry === null) return { seconds: 0 };
  if (typeof entry === 'number') return { seconds: entry };
  return entry;
}
