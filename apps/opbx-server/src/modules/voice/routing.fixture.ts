import { compileSchedule, type Holiday, type Schedule } from '../business-hours/schedule.js';
import { defaultPolicy, type OutboundPolicy } from '../outbound-policy/policy.js';
import { packContinuation } from './callback-state.js';
import { type CallbackUrls, planToVerbs } from './render.js';
import { type Continuation, continueCall, type DialOutcome, type Plan, routeCall, type RouteResult, type RoutingEnv } from './router.js';
import type { BusinessHoursNode, DidNode, ExtensionNode, RingGroupNode, RoutingSnapshot, Target } from './snapshot.js';

/**
 * Test-only helpers for the pure router: routing snapshots built in memory (no database), an
 * injectable round-robin counter, and a driver that follows a call through its Dial callbacks.
 * Not a test file itself (vitest only collects `*.test.ts`).
 */

/** Routing mechanics are tested with every destination allowed; the policy's own tests pass one in. */
const OPEN_POLICY: OutboundPolicy = { ...defaultPolicy('US'), allowInternational: true, allowPremium: true, allowSpecial: true };

interface OrgSettings {
  defaultCallerId?: string | null;
  voicemailEnabled?: boolean;
  recordingEnabled?: boolean;
  outboundPolicy?: OutboundPolicy;
}

export class SnapshotBuilder {
  readonly snapshot: RoutingSnapshot;

  constructor(settings: OrgSettings = {}) {
    this.snapshot = {
      organizationId: 'org-1',
      active: true,
      timezone: 'UTC',
      defaultCallerId: settings.defaultCallerId ?? null,
      outboundPolicy: settings.outboundPolicy ?? OPEN_POLICY,
      voicemailEnabled: settings.voicemailEnabled ?? true,
      recordingEnabled: settings.recordingEnabled ?? false,
      dids: new Map(),
      didsById: new Map(),
      extensions: new Map(),
      extensionsByNumber: new Map(),
      ringGroups: new Map(),
      businessHours: new Map(),
    };
  }

  /** An active user extension with an active user, no voicemail and no forwarding unless overridden. Id: `ext-<number>`. */
  extension(number: string, overrides: Partial<Omit<ExtensionNode, 'number'>> = {}): ExtensionNode {
    const node: ExtensionNode = { id: `ext-${number}`, number, type: 'user', active: true, userActive: true, voicemail: false, forwarding: null, ...overrides };
    this.snapshot.extensions.set(node.id, node);
    this.snapshot.extensionsByNumber.set(node.number, node);
    return node;
  }

  /** Members in priority order, as `loadSnapshot` sorts them. */
  ringGroup(id: string, members: Array<ExtensionNode | string>, overrides: Partial<Omit<RingGroupNode, 'id' | 'members'>> = {}): RingGroupNode {
    const node: RingGroupNode = {
      id,
      name: id,
      strategy: 'sequential',
      timeout: 20,
      active: true,
      fallback: { type: 'hangup' },
      ...overrides,
      members: members.map((m) => (typeof m === 'string' ? m : m.id)),
    };
    this.snapshot.ringGroups.set(id, node);
    return node;
  }

  businessHours(id: string, def: { timezone: string; schedules: Schedule[]; holidays?: Holiday[]; open: Target; closed: Target }): BusinessHoursNode {
    const holidays = def.holidays ?? [];
    const node: BusinessHoursNode = {
      id,
      name: id,
      timezone: def.timezone,
      schedules: def.schedules,
      holidays,
      compiled: compileSchedule({ timezone: def.timezone, schedules: def.schedules, holidays }),
      open: def.open,
      closed: def.closed,
    };
    this.snapshot.businessHours.set(id, node);
    return node;
  }

  /** Keyed by its E.164 number like the real snapshot. Id: `did-<digits>`. */
  did(number: string, target: Target, overrides: Partial<Omit<DidNode, 'number' | 'target'>> = {}): DidNode {
    const node: DidNode = { id: `did-${number.replace(/\D/g, '')}`, number, active: true, target, greeting: null, fallbackExtensionId: null, ...overrides };
    this.snapshot.dids.set(number, node);
    this.snapshot.didsById.set(node.id, node);
    return node;
  }
}

export const toExtension = (ext: ExtensionNode): Target => ({ type: 'extension', id: ext.id });
export const toRingGroup = (group: RingGroupNode): Target => ({ type: 'ring_group', id: group.id });

/** A routing environment with a fixed clock and a per-group rotation counter returning 1, 2, 3, … like the database pointer. */
export class TestEnv implements RoutingEnv {
  readonly rotations = new Map<string, number>();
  constructor(public now: Date = new Date('2026-03-04T15:00:00Z')) {}

  async nextRotation(ringGroupId: string): Promise<number> {
    const n = (this.rotations.get(ringGroupId) ?? 0) + 1;
    this.rotations.set(ringGroupId, n);
    return n;
  }
}

let sid = 0;
const nextSid = () => `CA${String(++sid).padStart(30, '0')}`;

export const inbound = (snap: RoutingSnapshot, to: string, env: RoutingEnv = new TestEnv(), direction = 'inbound', from = '+14155550123') =>
  routeCall(snap, { callSid: nextSid(), from, to, direction }, env);

export const fromExtension = (snap: RoutingSnapshot, from: string, to: string, env: RoutingEnv = new TestEnv()) =>
  routeCall(snap, { callSid: nextSid(), from, to, direction: 'subscriber' }, env);

/** A short, readable form of a plan: `dial 101,102 20s`, `dial +4420… 60s callerId=+1…`, `voicemail ext-101`, `hangup unavailable`. */
export function describePlan(plan: Plan): string {
  switch (plan.kind) {
    case 'dial':
      return `dial ${plan.targets.map((t) => t.number).join(',')} ${plan.timeout}s${plan.callerId ? ` callerId=${plan.callerId}` : ''}`;
    case 'voicemail':
      return `voicemail ${plan.mailboxExtensionId ?? 'general'}`;
    case 'hangup':
      return `hangup ${plan.reason}`;
  }
}

export function dialPlan(plan: Plan): Extract<Plan, { kind: 'dial' }> {
  if (plan.kind !== 'dial') throw new Error(`expected a dial plan, got ${describePlan(plan)}`);
  return plan;
}

/**
 * Follows a call through its Dial callbacks: every Dial ends with the next outcome (the last one
 * repeats), until the plan is no longer a Dial. Throws if the call never settles.
 */
export async function follow(
  snap: RoutingSnapshot,
  first: RouteResult | Promise<RouteResult>,
  outcomes: DialOutcome | DialOutcome[],
  env: RoutingEnv = new TestEnv(),
  maxSteps = 40,
): Promise<Plan[]> {
  const list = Array.isArray(outcomes) ? outcomes : [outcomes];
  const plans = [(await first).plan];
  for (let step = 0; ; step++) {
    const last = plans[plans.length - 1]!;
    if (last.kind !== 'dial') return plans;
    if (step >= maxSteps) throw new Error(`the call did not settle after ${maxSteps} callbacks: ${plans.map(describePlan).join(' → ')}`);
    plans.push((await continueCall(snap, last.next, list[Math.min(step, list.length - 1)]!, env)).plan);
  }
}

export const trail = (plans: Plan[]): string[] => plans.map(describePlan);

/** Deterministic callback URLs (the continuation in its wire form); the `&` separators also exercise attribute escaping in golden files. */
export const stubUrls: CallbackUrls = {
  dial: (next: Continuation) =>
    `https://pbx.example.test/api/voice/callback?${Object.entries(packContinuation(next))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
      .join('&')}`,
  voicemail: (mailbox) => `https://pbx.example.test/api/voice/voicemail?m=${mailbox ?? 'none'}&s=vm`,
  recording: () => 'https://pbx.example.test/api/voice/recording?s=rec',
};

/** The verbs a plan renders to, e.g. `['Say', 'Hangup']`. */
export const verbsOf = (plan: Plan): string[] => planToVerbs(plan, stubUrls).map((v) => v.verb);
