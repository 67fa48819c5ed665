import type { DialStatus } from './dial.js';

/** Which parameter carries the Dial outcome: the docs name `CallStatus`, Cloudonix's cxml-java reads `DialCallStatus`. */
export type DialStatusField = 'both' | 'DialCallStatus' | 'CallStatus';

/**
 * Spellings a server must tolerate: `documented` (`no-answer`), `compact` (`noanswer`, cxml-java's normal form),
 * `snake` (`no_answer`), `upper` (`NO-ANSWER`).
 */
export type DialStatusSpelling = 'documented' | 'compact' | 'snake' | 'upper';

export interface DialStatusStyle {
  field?: DialStatusField;
  spelling?: DialStatusSpelling;
  /** A bridged-then-ended Dial is `completed` in the docs; cxml-java also knows `answered`. */
  answeredAs?: 'completed' | 'answered';
}

export const DIAL_STATUS_FIELDS: DialStatusField[] = ['both', 'DialCallStatus', 'CallStatus'];
export const DIAL_STATUS_SPELLINGS: DialStatusSpelling[] = ['documented', 'compact', 'snake', 'upper'];

export function spellDialStatus(status: DialStatus, style: DialStatusStyle = {}): string {
  const base = status === 'completed' && style.answeredAs === 'answered' ? 'answered' : status;
  switch (style.spelling ?? 'documented') {
    case 'compact':
      return base.replace(/-/g, '');
    case 'snake':
      return base.replace(/-/g, '_');
    case 'upper':
      return base.toUpperCase();
    default:
      return base;
  }
}

export function dialStatusParams(status: DialStatus, style: DialStatusStyle = {}): Record<string, string> {
  const value = spellDialStatus(status, style);
  const field = style.field ?? 'both';
  if (field === 'DialCallStatus') return { DialCallStatus: value };
  if (field === 'CallStatus') return { CallStatus: value };
  return { DialCallStatus: value, CallStatus: value };
}

/** CDR `disposition` values, Asterisk-style as OPBX and dograh saw them; the answered spelling is configurable. */
export type Disposition = 'ANSWERED' | 'BUSY' | 'NOANSWER' | 'FAILED' | 'CANCEL' | 'CONGESTION' | (string & {});

/** Final call status in the transcript (Twilio/Cloudonix CallStatus vocabulary). */
export type CallStatus = 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';

/** Session-update `status` for the end of the call, from the vocabulary seen in Cloudonix integrations. */
export function finalSessionStatus(status: CallStatus): string {
  switch (status) {
    case 'completed':
      return 'completed';
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'noanswer';
    case 'canceled':
      return 'cancel';
    default:
      return 'error';
  }
}

/** `<Reject reason>` → (call status, CDR disposition), following the verb's SIP mapping (486 busy, 500, 603). */
export function rejectOutcome(reason: string): { status: CallStatus; disposition: Disposition } {
  switch (reason.toLowerCase()) {
    case 'rejected':
    case 'busy':
      return { status: 'busy', disposition: 'BUSY' };
    case 'congestion':
      return { status: 'failed', disposition: 'CONGESTION' };
    default:
      return { status: 'failed', disposition: 'FAILED' };
  }
}

export function dialDisposition(status: DialStatus): { status: CallStatus; disposition: Disposition } {
  switch (status) {
    case 'busy':
      return { status: 'busy', disposition: 'BUSY' };
    case 'no-answer':
      return { status: 'no-answer', disposition: 'NOANSWER' };
    case 'canceled':
      return { status: 'canceled', disposition: 'CANCEL' };
    default:
      return { status: 'failed', disposition: 'FAILED' };
  }
}
