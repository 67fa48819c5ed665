import type { Kysely } from 'kysely';

import type { Database } from '../../db/schema.js';
import { isOpenAt } from '../business-hours/schedule.js';
import { isExtensionNumber, toE164 } from './numbers.js';
import { continueCall, MESSAGES, type Plan, routeCall, type RouteResult, type RoutingEnv } from './router.js';
import type { RoutingSnapshot, Target } from './snapshot.js';

/**
 * The call-path tester: runs the real router on the organization's live snapshot for a call that
 * is never placed, assuming nobody answers, and says what happens at each step. Nothing is
 * written: round-robin groups start at the member the next real call would ring first.
 */

type CallPathStepKind = 'number' | 'caller' | 'business_hours' | 'ring_group' | 'ring' | 'voicemail' | 'hangup';

interface CallPathStep {
  kind: CallPathStepKind;
  label: string;
  detail?: string;
}

interface CallPathResult {
  direction: 'inbound' | 'outbound';
  at: string;
  timezone: string;
  steps: CallPathStep[];
  /** The steps in one line: "+15550100001 → business hours Office hours (open) → ring group Sales → 101, 102 → voicemail of 200". */
  summary: string;
  /** How the call ends if nobody answers. */
  ends_with: 'voicemail' | 'hangup';
}

/** Dial → no answer → next step, at most this many times (a sequential group of many members). */
const MAX_STAGES = 12;

interface Names {
  extension(id: string): string;
}

async function loadNames(db: Kysely<Database>, organizationId: string): Promise<Names> {
  const rows = await db
    .selectFrom('extensions as e')
    .leftJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.id', 'e.extension_number', 'u.name'])
    .where('e.organization_id', '=', organizationId)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r.name ? `${r.extension_number} (${r.name})` : r.extension_number]));
  return { extension: (id) => byId.get(id) ?? 'a deleted extension' };
}

/** The local calendar date of `at` in `timezone`, as the holidays are written (YYYY-MM-DD). */
const localDate = (at: Date, timezone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone: timezone, dateStyle: 'short' }).format(at);

/**
 * Labels what the router decides before anything rings (business hours open or closed, and why),
 * following the same snapshot the router reads. The ringing itself is described from its plans.
 */
function describeTargets(snap: RoutingSnapshot, target: Target, at: Date, steps: CallPathStep[], depth = 0): void {
  if (depth > 8 || target.type !== 'business_hours') return;
  const hours = snap.businessHours.get(target.id);
  if (!hours) return;
  const open = isOpenAt(hours.compiled, at);
  const holiday = hours.holidays.find((h) => h.date === localDate(at, hours.timezone));
  steps.push({
    kind: 'business_hours',
    label: `business hours ${hours.name} (${open ? 'open' : holiday ? `closed — holiday: ${holiday.name}` : 'closed'})`,
    detail: hours.timezone,
  });
  describeTargets(snap, open ? hours.open : hours.closed, at, steps, depth + 1);
}

const HANGUP_LABELS: Record<string, string> = {
  not_in_service: 'not in service: the caller hears “number not in service”',
  unavailable: 'hang up: the target is unavailable',
  not_permitted: 'refused: this caller may not place calls',
  no_answer: 'nobody answered: hang up',
  loop: 'hang up: the forwarding goes round in a loop',
  closed: 'hang up (closed)',
  invalid_number: 'refused: not a valid number to dial',
  blocked: 'refused by the outbound policy',
};

export async function explainCallPath(
  db: Kysely<Database>,
  snap: RoutingSnapshot,
  input: { from?: string | undefined; to: string; at: Date },
): Promise<CallPathResult> {
  const names = await loadNames(db, snap.organizationId);
  const from = input.from?.trim() ?? '';
  const to = input.to.trim();
  const fromExtension = isExtensionNumber(from) ? snap.extensionsByNumber.get(from) : undefined;
  const direction = fromExtension ? 'outbound' : 'inbound';
  const steps: CallPathStep[] = [];
  const env: RoutingEnv = {
    now: input.at,
    // Peek, never advance: the test must not change who the next real call rings first.
    async nextRotation(ringGroupId) {
      const row = await db.selectFrom('ring_groups').select('rotation').where('id', '=', ringGroupId).executeTakeFirst();
      return Number(row?.rotation ?? 0) + 1;
    },
  };

  let result: RouteResult;
  if (fromExtension) {
    steps.push({ kind: 'caller', label: `extension ${names.extension(fromExtension.id)} dials ${to}` });
    result = await routeCall(snap, { callSid: 'call-path-test', from, to, direction: 'subscriber' }, env);
    const did = toE164(to) ? snap.dids.get(toE164(to)!) : undefined;
    if (did?.active) describeTargets(snap, did.target, input.at, steps);
  } else {
    const number = toE164(to);
    const did = number ? snap.dids.get(number) : undefined;
    steps.push({
      kind: 'number',
      label: did ? number! : `${to} (not one of your numbers)`,
      ...(did && !did.active ? { detail: 'inactive' } : {}),
    });
    result = await routeCall(snap, { callSid: 'call-path-test', from: from || '+10000000000', to, direction: 'inbound' }, env);
    if (did?.active) describeTargets(snap, did.target, input.at, steps);
  }

  let shownGroup: string | undefined;
  let first = true;
  for (let stage = 0; stage < MAX_STAGES; stage++) {
    const plan: Plan = result.plan;
    if (plan.kind === 'dial') {
      const group = result.facts.ringGroupId ? snap.ringGroups.get(result.facts.ringGroupId) : undefined;
      if (group && shownGroup !== group.id) {
        shownGroup = group.id;
        steps.push({ kind: 'ring_group', label: `ring group ${group.name}`, detail: group.strategy.replace('_', ' ') });
      }
      const who = plan.targets.map((t) => (t.kind === 'extension' ? names.extension(t.extensionId) : t.number)).join(', ');
      steps.push({ kind: 'ring', label: first ? `ring ${who}` : `then ${who}`, detail: `${plan.timeout} s` });
      first = false;
      result = await continueCall(snap, plan.next, 'no_answer', env);
      continue;
    }
    if (plan.kind === 'voicemail') {
      steps.push({
        kind: 'voicemail',
        label: plan.mailboxExtensionId ? `voicemail of ${names.extension(plan.mailboxExtensionId)}` : 'voicemail (general mailbox)',
      });
      return finish(direction, input.at, snap, steps, 'voicemail');
    }
    const label = HANGUP_LABELS[plan.reason] ?? `hang up (${plan.reason})`;
    steps.push({ kind: 'hangup', label, ...(plan.message && plan.message !== MESSAGES.no_answer ? { detail: plan.message } : {}) });
    return finish(direction, input.at, snap, steps, 'hangup');
  }
  steps.push({ kind: 'hangup', label: 'hang up after many attempts' });
  return finish(direction, input.at, snap, steps, 'hangup');
}

function finish(
  direction: CallPathResult['direction'],
  at: Date,
  snap: RoutingSnapshot,
  steps: CallPathStep[],
  endsWith: CallPathResult['ends_with'],
): CallPathResult {
  return { direction, at: at.toISOString(), timezone: snap.timezone, steps, summary: steps.map((s) => s.label).join(' → '), ends_with: endsWith };
}
