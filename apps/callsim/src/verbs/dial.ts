/** Dial: rings the targets as the scenario has them behave, then asks for the action with the outcome. */
import { CallEnded, type DocRequest } from '../call-ended.js';
import type { CallState } from '../call-state.js';
import { roundSeconds } from '../clock.js';
import type { DialVerb } from '../cxml/types.js';
import { resolveDial } from '../dial.js';
import { callback, resolveCxmlUrl } from '../documents.js';
import { behaviourFor } from '../scenario.js';
import { dialStatusParams } from '../statuses.js';
import type { DialRecord, ExecutedVerb } from '../transcript.js';

export async function runDial(call: CallState, verb: DialVerb, docUrl: string, entry: ExecutedVerb): Promise<DocRequest | undefined> {
  const timeout = verb.timeout ?? call.scenario.callTimeout ?? 60;
  const dialIndex = call.dials.length;
  const legs = verb.targets.map((target) => ({ target, behaviour: behaviourFor(call.scenario, target, dialIndex) }));
  if (!call.answered && legs.length > 0) {
    call.ringing = true;
    await call.sessionEvent('ringing');
  }
  const resolution = resolveDial(legs, {
    timeout,
    timeLimit: verb.timeLimit,
    callerHangupIn: call.hangupAt - call.clock.elapsed(),
  });
  const record: DialRecord = {
    seq: call.nextSeq(),
    at: roundSeconds(call.clock.elapsed()),
    targets: verb.targets,
    callerId: verb.callerId,
    timeout,
    status: resolution.status,
    answeredBy: resolution.answeredBy,
    ringSeconds: resolution.ringSeconds,
    talkSeconds: resolution.talkSeconds,
    endedBy: resolution.endedBy,
    legs: resolution.legs,
  };
  call.dials.push(record);
  call.lastDialStatus = resolution.status;

  await call.clock.advance(resolution.ringSeconds);
  if (resolution.answeredBy) {
    await call.answer(resolution.answeredBy.value);
    await call.clock.advance(resolution.talkSeconds);
  }
  entry.outcome = resolution.answeredBy
    ? `${resolution.status}: ${resolution.answeredBy.value} answered after ${roundSeconds(resolution.ringSeconds)}s, talked ${roundSeconds(resolution.talkSeconds)}s (ended by ${resolution.endedBy})`
    : `${resolution.status} after ${roundSeconds(resolution.ringSeconds)}s`;

  const recordingUrl = resolution.answeredBy && verb.record && !/^(false|do-not-record)$/i.test(verb.record) ? { RecordingUrl: call.recordingUrl() } : {};
  const statusParams = dialStatusParams(resolution.status, call.opts.dialStatus);
  record.sentStatus = statusParams.DialCallStatus ?? statusParams.CallStatus;
  const params = { ...statusParams, ...recordingUrl };

  if (resolution.endedBy === 'caller') {
    if (verb.action && call.opts.actionAfterCallerHangup) {
      await callback(call, 'action', 'Dial action (caller hung up)', resolveCxmlUrl(call, verb.action, docUrl), verb.method, params);
    }
    throw new CallEnded({ hungUpBy: 'caller', reason: resolution.answeredBy ? 'caller hung up during the call' : 'caller hung up while ringing' });
  }
  if (!call.answered && call.ringing) {
    call.ringing = false;
    await call.sessionEvent('processing');
  }
  if (!verb.action) return undefined;
  return { kind: 'action', cause: 'Dial action', url: resolveCxmlUrl(call, verb.action, docUrl), method: verb.method, extra: params };
}
