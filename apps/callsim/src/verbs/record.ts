/** Record: plays its prompts, records what the scenario has the caller say, reports it to the action and status callback. */
import { CallEnded, type DocRequest } from '../call-ended.js';
import type { CallState } from '../call-state.js';
import { roundSeconds } from '../clock.js';
import type { RecordVerb } from '../cxml/types.js';
import { callback, resolveCxmlUrl } from '../documents.js';
import { recordingAt } from '../scenario.js';
import type { ExecutedVerb } from '../transcript.js';
import { runPrompt } from './prompt.js';

export async function runRecord(call: CallState, verb: RecordVerb, docUrl: string, entry: ExecutedVerb): Promise<DocRequest | undefined> {
  await call.answer('application');
  for (const prompt of verb.prompts) await runPrompt(call, prompt, docUrl);
  const input = recordingAt(call.scenario, call.recordInputs);
  call.recordInputs += 1;
  const statusUrl = verb.recordingStatusCallback ? resolveCxmlUrl(call, verb.recordingStatusCallback, docUrl) : undefined;
  const statusEvent = async (status: 'in-progress' | 'completed' | 'absent', extra: Record<string, unknown>) => {
    if (statusUrl && verb.recordingStatusCallbackEvent.includes(status)) {
      await callback(call, 'callback', `Record recordingStatusCallback (${status})`, statusUrl, verb.recordingStatusCallbackMethod, {
        RecordingStatus: status,
        ...extra,
      });
    }
  };

  if (!(input.seconds > 0)) {
    await call.spend(verb.timeout);
    entry.outcome = 'empty recording; next verb';
    await statusEvent('absent', {});
    return undefined;
  }

  const url = call.recordingUrl();
  await statusEvent('in-progress', { RecordingUrl: url });
  const length = Math.min(input.seconds, verb.maxLength);
  const finishKey = input.finishKey && verb.finishOnKey.includes(input.finishKey) ? input.finishKey : undefined;
  const started = call.clock.elapsed();
  let hungUp = false;
  try {
    await call.spend(length);
    if (!finishKey && length < verb.maxLength) await call.spend(verb.timeout);
  } catch (err) {
    if (!(err instanceof CallEnded) || err.end.hungUpBy !== 'caller') throw err;
    hungUp = true;
  }
  const spoke = Math.min(length, call.clock.elapsed() - started);
  const recording = {
    RecordingUrl: url,
    RecordingDuration: String(Math.round(spoke)),
    ...(finishKey && !hungUp ? { Digits: finishKey } : {}),
  };
  if (spoke <= 0) throw new CallEnded({ hungUpBy: 'caller', reason: 'caller hung up before speaking' });
  await statusEvent('completed', recording);
  entry.outcome = `recorded ${roundSeconds(spoke)}s${hungUp ? ' (caller hung up)' : finishKey ? ` (ended by ${finishKey})` : ''}`;
  const action = resolveCxmlUrl(call, verb.action ?? docUrl, docUrl);
  if (hungUp) {
    // A voicemail left by a caller who then hangs up still reaches the application; the answer has no call to run on.
    await callback(call, 'action', 'Record action (caller hung up)', action, verb.method, recording);
    throw new CallEnded({ hungUpBy: 'caller', reason: 'caller hung up after recording' });
  }
  return { kind: 'action', cause: 'Record action', url: action, method: verb.method, extra: recording };
}
