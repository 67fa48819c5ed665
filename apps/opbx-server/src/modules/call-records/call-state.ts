import type { CallOutcome, CallStatus } from '../../db/schema.js';
import { cloudonixMeaning } from './cloudonix-status.js';

/**
 * The call state machine, pure. Events may arrive duplicated and in any order; folding them
 * must converge: status only moves forward, the first terminal status sticks, and the CDR
 * (Cloudonix's billing record) is authoritative over everything else.
 */
export type EventSource = 'route' | 'dial' | 'session' | 'cdr' | 'recording' | 'sweep';

const RANK: Record<CallStatus, number> = { initiated: 0, ringing: 1, answered: 2, completed: 3, busy: 3, no_answer: 3, failed: 3 };

export const isTerminal = (s: CallStatus): boolean => RANK[s] === 3;

export function nextStatus(current: { status: CallStatus; source: string | null }, proposed: { status: CallStatus; source: EventSource }): CallStatus {
  if (current.source === 'cdr' && isTerminal(current.status)) return current.status;
  if (proposed.source === 'cdr') return proposed.status;
  if (isTerminal(current.status)) return current.status;
  return RANK[proposed.status] > RANK[current.status] ? proposed.status : current.status;
}

/** Session-update `status` (an open set) → our status; undefined for values that say nothing new. */
export function statusFromSession(raw: unknown, answeredBefore: boolean): CallStatus | undefined {
  switch (cloudonixMeaning(raw)) {
    case 'new':
      return 'initiated';
    case 'ringing':
      return 'ringing';
    case 'answered':
      return 'answered';
    // A session that finished says nothing about an answer: its answer time does.
    case 'completed':
    case 'ended':
      return answeredBefore ? 'completed' : 'no_answer';
    case 'busy':
      return 'busy';
    case 'no_answer':
    case 'canceled':
      return 'no_answer';
    case 'failed':
      return 'failed';
    default:
      return undefined;
  }
}

/** CDR `disposition` (an open set) → final status. */
export function statusFromDisposition(raw: unknown, billsec: number): CallStatus {
  switch (cloudonixMeaning(raw)) {
    case 'answered':
    case 'completed':
      return 'completed';
    case 'busy':
      return 'busy';
    case 'no_answer':
    case 'canceled':
      return 'no_answer';
    case 'failed':
      return 'failed';
    default:
      return billsec > 0 ? 'completed' : 'failed';
  }
}

/** The caller hung up while it rang (Cloudonix's `cancel`): missed, and more precisely abandoned. */
export const isCancel = (raw: unknown): boolean => cloudonixMeaning(raw) === 'canceled';

/**
 * The call's outcome after an event: derived from its status, refined by what only routing or the
 * provider knows. A missed call that reached a mailbox stays `voicemail` whatever is reported after
 * (the caller hanging up at the end, a CDR saying ANSWERED because the mailbox answered); one the
 * caller gave up on while it rang is `abandoned`.
 */
export function outcomeOf(status: CallStatus, previous: CallOutcome | null, hint?: CallOutcome): CallOutcome | null {
  switch (status) {
    case 'initiated':
    case 'ringing':
      return null;
    case 'answered':
    case 'completed':
      return 'answered';
    case 'busy':
      return 'busy';
    case 'failed':
      return 'failed';
    case 'no_answer':
      if (previous === 'voicemail' || hint === 'voicemail') return 'voicemail';
      if (hint === 'abandoned' || previous === 'abandoned') return 'abandoned';
      return 'missed';
  }
}

/** Epoch milliseconds (or seconds) → ISO; 0, null and garbage → null. */
export function epochToIso(value: unknown): string | null {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  const ms = n < 1e11 ? n * 1000 : n;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
