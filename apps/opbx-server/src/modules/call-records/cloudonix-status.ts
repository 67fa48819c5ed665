/**
 * Cloudonix's status words, in one table. The Dial callback (`DialCallStatus` / `CallStatus`), the
 * session update's `status` and the CDR's `disposition` are open sets spelled in many ways
 * (`no-answer`, `NOANSWER`, `NO ANSWER`, `cancelled`…); every reader squashes the word and looks it
 * up here, so a synonym learnt for one is understood by all. Each reader then decides what the
 * meaning implies in its context (a Dial's `completed` means the callee answered and the bridge is
 * over; a session's `completed` means the call ended, answered or not).
 */
type CloudonixMeaning =
  /** Created or being processed, nothing rang yet. */
  | 'new'
  | 'ringing'
  /** Someone answered; the call is up. */
  | 'answered'
  /** Finished after an answer (Dial, CDR); for a session update: finished, answered or not. */
  | 'completed'
  /** Finished, without saying whether anyone answered. */
  | 'ended'
  | 'busy'
  | 'no_answer'
  /** The caller gave up while it rang. */
  | 'canceled'
  | 'failed';

const TABLE: Record<string, CloudonixMeaning> = {
  new: 'new',
  queued: 'new',
  processing: 'new',
  ringing: 'ringing',
  early: 'ringing',
  answer: 'answered',
  answered: 'answered',
  connected: 'answered',
  inprogress: 'answered',
  completed: 'completed',
  hangup: 'ended',
  ended: 'ended',
  disconnected: 'ended',
  terminated: 'ended',
  busy: 'busy',
  noanswer: 'no_answer',
  cancel: 'canceled',
  canceled: 'canceled',
  cancelled: 'canceled',
  failed: 'failed',
  error: 'failed',
  nocredit: 'failed',
  congestion: 'failed',
  rejected: 'failed',
};

/** Case, spaces and punctuation do not matter: `No-Answer`, `NO ANSWER` and `noanswer` are one word. */
const squash = (raw: unknown): string =>
  String(raw ?? '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** The meaning of a Cloudonix status word, or undefined for words that say nothing we know. */
export function cloudonixMeaning(raw: unknown): CloudonixMeaning | undefined {
  return Object.hasOwn(TABLE, squash(raw)) ? TABLE[squash(raw)] : undefined;
}
