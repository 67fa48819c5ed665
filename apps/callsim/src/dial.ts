import type { DialTarget } from './cxml/types.js';
import { DEFAULT_TALK_SECONDS, type TargetBehaviour } from './scenario.js';

/** Dial outcomes in Cloudonix's documented spelling (`CallStatus` values on the Request page). */
export type DialStatus = 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export type LegResult = 'answered' | 'busy' | 'failed' | 'no-answer' | 'canceled';

export interface DialLeg {
  target: DialTarget;
  behaviour: TargetBehaviour;
}

export interface DialResolution {
  status: DialStatus;
  answeredBy?: DialTarget;
  /** Seconds from the start of the Dial until it was answered or stopped ringing. */
  ringSeconds: number;
  /** Seconds bridged; 0 when nobody answered. */
  talkSeconds: number;
  endedBy: 'callee' | 'caller' | 'time-limit' | 'timeout' | 'rejected' | 'nothing-to-dial';
  legs: Array<{ target: DialTarget; result: LegResult }>;
}

export interface DialLimits {
  /** Ringing timeout in seconds. */
  timeout: number;
  /** Cap on the bridged time (`timeLimit`), seconds. */
  timeLimit?: number;
  /** Seconds from the start of the Dial until the caller hangs up (Infinity when they never do). */
  callerHangupIn: number;
}

function rejectionTime(behaviour: TargetBehaviour): number | undefined {
  if (behaviour.outcome === 'busy') return behaviour.after ?? 1;
  if (behaviour.outcome === 'failed') return behaviour.after ?? 0;
  return undefined;
}

/**
 * Decides a (possibly simultaneous) Dial: the first leg to answer within the timeout wins and the others are
 * cancelled; without a winner the Dial reports no-answer if any leg was still ringing at the timeout, else busy
 * if any leg was busy, else failed; a caller who hangs up first turns it into canceled.
 */
export function resolveDial(legs: DialLeg[], limits: DialLimits): DialResolution {
  if (legs.length === 0) {
    return { status: 'failed', ringSeconds: 0, talkSeconds: 0, endedBy: 'nothing-to-dial', legs: [] };
  }
  const { timeout, callerHangupIn } = limits;

  let winner: { index: number; at: number; talk: number } | undefined;
  for (const [index, leg] of legs.entries()) {
    if (leg.behaviour.outcome !== 'answer') continue;
    const at = leg.behaviour.after ?? 0;
    if (at >= timeout || at >= callerHangupIn) continue;
    if (!winner || at < winner.at) winner = { index, at, talk: leg.behaviour.talk ?? DEFAULT_TALK_SECONDS };
  }

  if (winner) {
    const answeredAt = winner.at;
    const winnerIndex = winner.index;
    const results = legs.map((leg, index): { target: DialTarget; result: LegResult } => {
      if (index === winnerIndex) return { target: leg.target, result: 'answered' };
      const rejectedAt = rejectionTime(leg.behaviour);
      if (rejectedAt !== undefined && rejectedAt < answeredAt) {
        return { target: leg.target, result: leg.behaviour.outcome === 'busy' ? 'busy' : 'failed' };
      }
      return { target: leg.target, result: 'canceled' };
    });
    let talk = winner.talk;
    let endedBy: DialResolution['endedBy'] = 'callee';
    if (limits.timeLimit !== undefined && limits.timeLimit < talk) {
      talk = limits.timeLimit;
      endedBy = 'time-limit';
    }
    if (callerHangupIn - answeredAt <= talk) {
      talk = callerHangupIn - answeredAt;
      endedBy = 'caller';
    }
    return {
      status: 'completed',
      answeredBy: legs[winner.index]!.target,
      ringSeconds: answeredAt,
      talkSeconds: talk,
      endedBy,
      legs: results,
    };
  }

  // Nobody answers: ringing lasts until the last leg gives up (rejection or timeout).
  const endings = legs.map((leg) => {
    const rejectedAt = rejectionTime(leg.behaviour);
    if (rejectedAt !== undefined && rejectedAt < timeout) {
      return { at: rejectedAt, result: (leg.behaviour.outcome === 'busy' ? 'busy' : 'failed') as LegResult };
    }
    return { at: timeout, result: 'no-answer' as LegResult };
  });
  const ringEnd = Math.max(...endings.map((e) => e.at));
  if (callerHangupIn <= ringEnd) {
    return {
      status: 'canceled',
      ringSeconds: callerHangupIn,
      talkSeconds: 0,
      endedBy: 'caller',
      legs: legs.map((leg, i) => ({
        target: leg.target,
        result: endings[i]!.at < callerHangupIn ? endings[i]!.result : 'canceled',
      })),
    };
  }
  const results = endings.map((e) => e.result);
  const status: DialStatus = results.includes('no-answer') ? 'no-answer' : results.includes('busy') ? 'busy' : 'failed';
  return {
    status,
    ringSeconds: ringEnd,
    talkSeconds: 0,
    endedBy: status === 'no-answer' ? 'timeout' : 'rejected',
    legs: legs.map((leg, i) => ({ target: leg.target, result: results[i]! })),
  };
}
