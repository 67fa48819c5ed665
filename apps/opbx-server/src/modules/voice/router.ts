import { isOpenAt } from '../business-hours/schedule.js';
import { cloudonixMeaning } from '../call-records/cloudonix-status.js';
import { type BlockReason, refusalOf } from '../outbound-policy/policy.js';
import { isExtensionNumber, toE164, userPart } from './numbers.js';
import type { DidNode, ExtensionNode, RingGroupNode, RoutingSnapshot, Target } from './snapshot.js';

/**
 * The call router: a pure function of (routing snapshot, call, now) to a plan. It never touches
 * the database; the only injected effect is the round-robin pointer, which must be shared by
 * every server instance. Rendering plans to CXML is a separate step (render.ts).
 */

export const EXTENSION_RING_SECONDS = 30;
/** Forwarding chains and fallbacks may nest; this caps them so a loop cannot ring forever. */
export const MAX_HOPS = 8;

interface CallInput {
  callSid: string;
  from: string;
  to: string;
  /** Cloudonix `Direction`: inbound | subscriber | outbound-api (others are treated as inbound). */
  direction: string;
}

/** What to do after a Dial ends without an answer. Carried (signed) in the callback URL. */
/**
 * What happens after a Dial that nobody answered: the extension's own no-answer handling, the ring
 * group's next member (`order` from `nextIndex`), or the end of the call. `hop` counts forwards and
 * fallbacks taken so far; `didId` is the number the call came in on. (Compact only in URLs: see
 * callback-state.ts.)
 */
export type Continuation =
  | { kind: 'extension'; extensionId: string; hop: number; didId?: string }
  | { kind: 'ring_group'; ringGroupId: string; order: string[]; nextIndex: number; hop: number; didId?: string }
  | { kind: 'end'; didId?: string };

type DialTarget = { kind: 'extension'; number: string; extensionId: string } | { kind: 'external'; number: string };

export type Plan =
  | { kind: 'dial'; targets: DialTarget[]; timeout: number; callerId: string | null; record: boolean; next: Continuation }
  /** Into the extension's mailbox, or (none named) the organization's general mailbox `boxId`. */
  | { kind: 'voicemail'; mailboxExtensionId: string | null; boxId?: string; greeting: string }
  | { kind: 'hangup'; message: string | null; reason: HangupReason };

type HangupReason = 'answered' | 'not_in_service' | 'unavailable' | 'not_permitted' | 'no_answer' | 'loop' | 'closed' | 'invalid_number' | 'blocked';

/** What the router learned about the call, for its call log. */
interface CallFacts {
  direction: 'inbound' | 'outbound';
  didId?: string;
  extensionId?: string;
  ringGroupId?: string;
  /** The outbound-policy rule that refused an external number. */
  blockedReason?: BlockReason;
}

export interface RouteResult {
  plan: Plan;
  facts: CallFacts;
}

export interface RoutingEnv {
  now: Date;
  /** Atomically advances a round-robin group's pointer and returns the new value (1, 2, 3, …). */
  nextRotation(ringGroupId: string): Promise<number>;
}

export const MESSAGES = {
  not_in_service: 'The number you have dialed is not in service. Goodbye.',
  unavailable: 'The party you are trying to reach is not available. Goodbye.',
  not_permitted: 'This call is not permitted. Goodbye.',
  no_answer: 'Nobody is available to take your call. Goodbye.',
  loop: 'Your call could not be completed. Goodbye.',
  invalid_number: 'The number you have dialed is not valid. Goodbye.',
  blocked: 'Calls to this number are not allowed. Goodbye.',
  voicemail_default: 'Please leave a message after the tone. When you are finished, hang up.',
} as const;

const hangup = (reason: HangupReason, message: string | null = MESSAGES[reason as keyof typeof MESSAGES] ?? null): Plan => ({
  kind: 'hangup',
  reason,
  message,
});

class Routing {
  readonly facts: CallFacts;
  constructor(
    readonly snap: RoutingSnapshot,
    readonly env: RoutingEnv,
    direction: CallFacts['direction'],
    readonly did: DidNode | undefined,
  ) {
    this.facts = { direction, ...(did ? { didId: did.id } : {}) };
  }

  private reachable(ext: ExtensionNode | undefined): ext is ExtensionNode {
    return Boolean(ext && ext.active && ext.userActive !== false);
  }

  voicemail(mailboxExtensionId: string | null): Plan {
    if (!this.snap.voicemailEnabled) return hangup('unavailable');
    const mailbox = mailboxExtensionId ? this.snap.extensions.get(mailboxExtensionId) : undefined;
    if (mailboxExtensionId && (!mailbox || !mailbox.active)) return hangup('unavailable');
    if (mailbox) {
      this.facts.extensionId ??= mailbox.id;
      return { kind: 'voicemail', mailboxExtensionId: mailbox.id, greeting: this.did?.greeting || MESSAGES.voicemail_default };
    }
    // No extension named (the spec's forms send none): the general mailbox, with its greeting unless the DID has one.
    const box = this.snap.generalBox;
    return {
      kind: 'voicemail',
      mailboxExtensionId: null,
      ...(box ? { boxId: box.id } : {}),
      greeting: this.did?.greeting || box?.greeting || MESSAGES.voicemail_default,
    };
  }

  async target(target: Target, hop: number): Promise<Plan> {
    if (hop > MAX_HOPS) return hangup('loop');
    switch (target.type) {
      case 'extension':
        return this.extension(this.snap.extensions.get(target.id), hop);
      case 'ring_group':
        return this.ringGroup(this.snap.ringGroups.get(target.id), hop);
      case 'business_hours': {
        const hours = this.snap.businessHours.get(target.id);
        if (!hours) return hangup('unavailable');
        const open = isOpenAt(hours.compiled, this.env.now);
        return this.target(open ? hours.open : hours.closed, hop + 1);
      }
      case 'voicemail':
        return this.voicemail(target.extensionId);
      case 'hangup':
        return hangup('closed', null);
    }
  }

  async extension(ext: ExtensionNode | undefined, hop: number): Promise<Plan> {
    if (hop > MAX_HOPS) return hangup('loop');
    if (!ext || !ext.active) return hangup('unavailable');
    this.facts.extensionId ??= ext.id;
    if (ext.userActive === false) return ext.voicemail ? this.voicemail(ext.id) : hangup('unavailable');
    if (ext.forwarding && !ext.forwarding.onNoAnswer) return this.forward(ext.forwarding.destination, hop + 1);
    return {
      kind: 'dial',
      targets: [{ kind: 'extension', number: ext.number, extensionId: ext.id }],
      timeout: EXTENSION_RING_SECONDS,
      callerId: null,
      record: this.snap.recordingEnabled,
      next: this.withDid({ kind: 'extension', extensionId: ext.id, hop }),
    };
  }

  /** Forward to an extension number of the organization or an E.164 number (admin-configured). */
  async forward(destination: string, hop: number): Promise<Plan> {
    if (hop > MAX_HOPS) return hangup('loop');
    const ext = this.snap.extensionsByNumber.get(destination);
    if (ext) return this.extension(ext, hop);
    const e164 = toE164(destination);
    if (!e164) return hangup('unavailable');
    // Forwarding to one of our own numbers stays inside: no billed carrier leg, and the hop cap applies.
    const ownDid = this.snap.dids.get(e164);
    if (ownDid) return ownDid.active ? this.target(ownDid.target, hop + 1) : hangup('unavailable');
    // Checked now, not only when the forward was saved: a policy tightened since must hold.
    const refused = refusalOf(this.snap.outboundPolicy, e164);
    if (refused) {
      this.facts.blockedReason = refused;
      return hangup('blocked');
    }
    return {
      kind: 'dial',
      targets: [{ kind: 'external', number: e164 }],
      timeout: EXTENSION_RING_SECONDS,
      // An outside caller's number is passed through; an internal caller would show a bare extension, so use the company number.
      callerId: this.facts.direction === 'outbound' ? this.snap.defaultCallerId : null,
      record: this.snap.recordingEnabled,
      next: this.withDid({ kind: 'end' }),
    };
  }

  async ringGroup(group: RingGroupNode | undefined, hop: number): Promise<Plan> {
    if (hop > MAX_HOPS) return hangup('loop');
    if (!group || !group.active) return hangup('unavailable');
    this.facts.ringGroupId ??= group.id;
    const members = group.members.filter((id) => this.reachable(this.snap.extensions.get(id)));
    if (members.length === 0) return this.fallback(group, hop);
    if (group.strategy === 'simultaneous') {
      return this.dialMembers(group, members, { kind: 'ring_group', ringGroupId: group.id, order: [], nextIndex: 0, hop });
    }
    let order = members;
    if (group.strategy === 'round_robin') {
      const start = ((await this.env.nextRotation(group.id)) - 1) % members.length;
      order = [...members.slice(start), ...members.slice(0, start)];
    }
    return this.dialMembers(group, [order[0]!], { kind: 'ring_group', ringGroupId: group.id, order, nextIndex: 1, hop });
  }

  private dialMembers(group: RingGroupNode, memberIds: string[], next: Continuation): Plan {
    return {
      kind: 'dial',
      targets: memberIds.map((id) => {
        const ext = this.snap.extensions.get(id)!;
        return { kind: 'extension', number: ext.number, extensionId: ext.id };
      }),
      timeout: group.timeout,
      callerId: null,
      record: this.snap.recordingEnabled,
      next: this.withDid(next),
    };
  }

  async fallback(group: RingGroupNode, hop: number): Promise<Plan> {
    const fb = group.fallback;
    if (fb.type === 'hangup') return hangup('no_answer');
    return this.target(fb, hop + 1);
  }

  /** The Dial of `cont` ended without an answer: try what comes next. */
  async continueAfterNoAnswer(cont: Continuation): Promise<Plan> {
    switch (cont.kind) {
      case 'end':
        return hangup('no_answer');
      case 'extension': {
        const ext = this.snap.extensions.get(cont.extensionId);
        if (!ext) return hangup('no_answer');
        this.facts.extensionId ??= ext.id;
        if (ext.forwarding?.onNoAnswer) return this.forward(ext.forwarding.destination, cont.hop + 1);
        return ext.voicemail ? this.voicemail(ext.id) : hangup('no_answer');
      }
      case 'ring_group': {
        const group = this.snap.ringGroups.get(cont.ringGroupId);
        if (!group) return hangup('no_answer');
        this.facts.ringGroupId ??= group.id;
        // Sequential / round robin: the next member still reachable now, in the original order.
        for (let i = cont.nextIndex; i < cont.order.length; i++) {
          if (this.reachable(this.snap.extensions.get(cont.order[i]!))) {
            return this.dialMembers(group, [cont.order[i]!], { ...cont, nextIndex: i + 1 });
          }
        }
        return this.fallback(group, cont.hop);
      }
    }
  }

  private withDid(c: Continuation): Continuation {
    return this.did ? { ...c, didId: this.did.id } : c;
  }
}

const findDidById = (snap: RoutingSnapshot, id: string | undefined): DidNode | undefined => (id ? snap.didsById.get(id) : undefined);

/** The initial voice-application request. */
export async function routeCall(snap: RoutingSnapshot, call: CallInput, env: RoutingEnv): Promise<RouteResult> {
  const direction = call.direction.trim().toLowerCase();
  // A suspended organization's numbers are out of service and its phones cannot dial anything.
  if (!snap.active)
    return direction === 'subscriber'
      ? { plan: hangup('not_permitted'), facts: { direction: 'outbound' } }
      : { plan: hangup('not_in_service'), facts: { direction: 'inbound' } };
  if (direction === 'subscriber') return routeFromExtension(snap, call, env);
  // Trunk calls, API-originated calls and anything unknown: only a DID of ours can be reached,
  // never an arbitrary number (toll-fraud guard).
  const number = toE164(call.to);
  const did = number ? snap.dids.get(number) : undefined;
  const r = new Routing(snap, env, 'inbound', did);
  if (!did || !did.active) return { plan: hangup('not_in_service'), facts: r.facts };
  const plan = await r.target(did.target, 0);
  // The DID's fallback extension takes calls its target cannot (inactive or deleted target).
  if (plan.kind === 'hangup' && plan.reason === 'unavailable' && did.fallbackExtensionId) {
    return { plan: await r.extension(snap.extensions.get(did.fallbackExtensionId), 1), facts: r.facts };
  }
  return { plan, facts: r.facts };
}

async function routeFromExtension(snap: RoutingSnapshot, call: CallInput, env: RoutingEnv): Promise<RouteResult> {
  const caller = snap.extensionsByNumber.get(userPart(call.from));
  const dialed = userPart(call.to);
  // Only an active user extension with an active user may place calls; virtual and queue extensions cannot.
  if (!caller || !caller.active || caller.type !== 'user' || caller.userActive === false) {
    return { plan: hangup('not_permitted'), facts: { direction: 'outbound' } };
  }
  const internal = snap.extensionsByNumber.get(dialed);
  if (internal && isExtensionNumber(dialed)) {
    const r = new Routing(snap, env, 'outbound', undefined);
    if (internal.id === caller.id) return { plan: hangup('invalid_number'), facts: r.facts };
    return { plan: await r.extension(internal, 0), facts: r.facts };
  }
  const e164 = dialedNumber(dialed);
  if (!e164) return { plan: hangup('invalid_number'), facts: { direction: 'outbound', extensionId: caller.id } };
  const ownDid = snap.dids.get(e164);
  if (ownDid && ownDid.active) {
    // Calling one of our own numbers: route it here instead of out and back through the carrier.
    const r = new Routing(snap, env, 'outbound', ownDid);
    return { plan: await r.target(ownDid.target, 0), facts: r.facts };
  }
  const refused = refusalOf(snap.outboundPolicy, e164);
  if (refused) return { plan: hangup('blocked'), facts: { direction: 'outbound', extensionId: caller.id, blockedReason: refused } };
  return {
    plan: {
      kind: 'dial',
      targets: [{ kind: 'external', number: e164 }],
      timeout: 60,
      callerId: snap.defaultCallerId,
      record: snap.recordingEnabled,
      next: { kind: 'end' },
    },
    facts: { direction: 'outbound', extensionId: caller.id },
  };
}

/**
 * What a user dialed, as E.164: `+…`, the international `00…` prefix, or 11+ digits that already
 * carry a country code. Shorter national numbers are refused rather than guessed (10 digits
 * without a country code would otherwise become a call to another country).
 */
function dialedNumber(dialed: string): string | undefined {
  const s = dialed.replace(/[\s\-().]/g, '');
  if (s.startsWith('+')) return toE164(s);
  if (s.startsWith('00')) return toE164(`+${s.slice(2)}`);
  return /^[1-9]\d{10,14}$/.test(s) ? `+${s}` : undefined;
}

/** A Dial action callback: answered calls are done; otherwise the continuation decides. */
export async function continueCall(snap: RoutingSnapshot, cont: Continuation, outcome: DialOutcome, env: RoutingEnv): Promise<RouteResult> {
  const r = new Routing(snap, env, 'inbound', findDidById(snap, cont.didId));
  // Suspended mid-call: no next member, forward or voicemail.
  if (!snap.active && outcome !== 'answered') return { plan: hangup('unavailable'), facts: r.facts };
  if (outcome === 'answered') {
    // A Dial of one extension tells us who took the call; a ring group's call log gets that member.
    const answeredBy =
      cont.kind === 'extension' ? cont.extensionId : cont.kind === 'ring_group' && cont.order.length > 0 ? cont.order[cont.nextIndex - 1] : undefined;
    if (answeredBy) r.facts.extensionId = answeredBy;
    if (cont.kind === 'ring_group') r.facts.ringGroupId = cont.ringGroupId;
    return { plan: hangup('answered', null), facts: r.facts };
  }
  // The caller hung up while it rang: nobody is left to route.
  if (outcome === 'canceled') return { plan: hangup('no_answer', null), facts: r.facts };
  return { plan: await r.continueAfterNoAnswer(cont), facts: r.facts };
}

export type DialOutcome = 'answered' | 'busy' | 'no_answer' | 'failed' | 'canceled' | 'unknown';

/** `DialCallStatus` (or `CallStatus`) in any of Cloudonix's spellings (one table: call-records/cloudonix-status.ts). */
export function normalizeDialStatus(raw: string | undefined): DialOutcome {
  switch (cloudonixMeaning(raw)) {
    // A Dial's action runs after the bridge: `completed` means the callee answered and hung up since.
    case 'answered':
    case 'completed':
      return 'answered';
    case 'busy':
      return 'busy';
    case 'no_answer':
      return 'no_answer';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      return 'unknown';
  }
}
