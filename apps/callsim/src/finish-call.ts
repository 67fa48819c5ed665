/**
 * The end of a call: its final status and CDR disposition from how it ended, the last session
 * update and the CDR, and the transcript of everything that happened.
 */
import type { EndState } from './call-ended.js';
import type { CallState } from './call-state.js';
import { roundSeconds } from './clock.js';
import { type CallStatus, dialDisposition, type Disposition, finalSessionStatus } from './statuses.js';
import type { CallTranscript } from './transcript.js';
import { cdrPayload } from './webhooks.js';

function finalOutcome(call: CallState, end: EndState): { status: CallStatus; disposition: Disposition } {
  if (call.answered) return { status: 'completed', disposition: call.opts.answeredDisposition ?? 'ANSWERED' };
  if (end.status && end.disposition) return { status: end.status, disposition: end.disposition };
  if (end.hungUpBy === 'caller') return { status: 'canceled', disposition: 'CANCEL' };
  if (end.hungUpBy !== 'application') return { status: 'failed', disposition: 'FAILED' };
  if (call.lastDialStatus) return dialDisposition(call.lastDialStatus);
  return { status: 'no-answer', disposition: 'NOANSWER' };
}

export async function finishCall(call: CallState, end: EndState): Promise<CallTranscript> {
  const endMs = call.clock.now();
  const { status, disposition } = finalOutcome(call, end);
  call.ringing = false;

  const finalStatus = finalSessionStatus(status);
  try {
    await call.sessionEvent(finalStatus, 'updated', 'hangup', endMs);
    if (call.dispatcher?.enabled('cdr')) {
      await call.dispatcher.emit(
        'cdr',
        roundSeconds(call.clock.elapsed()),
        cdrPayload(call.facts, { answerMs: call.answerMs, endMs, disposition, finalStatus }),
      );
    }
    await call.dispatcher?.flush();
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  }
  const webhooks = [...(call.dispatcher?.deliveries ?? [])].sort((a, b) => a.seq - b.seq);
  for (const w of webhooks) {
    if (!w.ok) call.errors.push(`${w.kind} webhook${w.eventId ? ` ${w.eventId}` : ''} (copy ${w.copy}) to ${w.url} failed: ${w.error ?? 'unknown error'}`);
  }

  const f = call.facts;
  return {
    callSid: f.token,
    sessionId: f.sessionId,
    sipCallId: f.sipCallId,
    domain: f.domain,
    from: f.from,
    to: f.to,
    direction: call.direction,
    exchanges: call.exchanges,
    verbs: call.verbs,
    dials: call.dials,
    webhooks,
    outcome: {
      status,
      disposition,
      answered: call.answered,
      answeredBy: call.answeredBy,
      hungUpBy: end.hungUpBy,
      reason: end.reason,
      startTime: new Date(f.startMs).toISOString(),
      answerTime: call.answerMs !== undefined ? new Date(call.answerMs).toISOString() : undefined,
      endTime: new Date(endMs).toISOString(),
      duration: Math.round((endMs - f.startMs) / 1000),
      billsec: call.answerMs !== undefined ? Math.round((endMs - call.answerMs) / 1000) : 0,
      documents: call.documents,
    },
    warnings: call.warnings,
    errors: call.errors,
  };
}
