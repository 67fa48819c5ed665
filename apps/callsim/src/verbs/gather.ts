/** Gather: plays its prompts, then reports the scenario's next digits or speech (or silence) to the action. */
import type { DocRequest } from '../call-ended.js';
import type { CallState } from '../call-state.js';
import type { GatherVerb } from '../cxml/types.js';
import { resolveCxmlUrl } from '../documents.js';
import { gatherInputAt } from '../scenario.js';
import type { ExecutedVerb } from '../transcript.js';
import { clip } from '../verb-summary.js';
import { runPrompt } from './prompt.js';

export async function runGather(call: CallState, verb: GatherVerb, docUrl: string, entry: ExecutedVerb): Promise<DocRequest | undefined> {
  await call.answer('application');
  for (const prompt of verb.prompts) await runPrompt(call, prompt, docUrl);
  const input = gatherInputAt(call.scenario, call.gatherCount);
  call.gatherCount += 1;

  let digits = '';
  if (input?.digits && verb.input.includes('dtmf')) {
    digits = input.digits;
    // The finish key ends input and is not reported; numDigits stops collection early.
    const finish = verb.finishOnKey ? digits.indexOf(verb.finishOnKey) : -1;
    if (finish >= 0) digits = digits.slice(0, finish);
    if (verb.numDigits) digits = digits.slice(0, verb.numDigits);
  }
  const speech = input?.speech && verb.input.includes('speech') ? input.speech : undefined;
  const action = { kind: 'action' as const, cause: 'Gather action', url: resolveCxmlUrl(call, verb.action ?? docUrl, docUrl), method: verb.method };

  if (digits || speech) {
    await call.spend(input?.after ?? 1);
    entry.outcome = speech ? `heard "${clip(speech, 40)}"${digits ? ` and digits ${digits}` : ''}` : `got digits ${digits}`;
    return { ...action, extra: { Digits: digits, ...(speech ? { SpeechResult: speech } : {}) } };
  }
  await call.spend(verb.timeout);
  if (verb.actionOnEmptyResult) {
    entry.outcome = 'no input; action requested (actionOnEmptyResult)';
    return { ...action, extra: { Digits: '' } };
  }
  entry.outcome = 'no input; next verb';
  return undefined;
}
