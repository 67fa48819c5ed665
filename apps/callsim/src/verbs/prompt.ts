/** Say, Play and Pause: how long each takes the caller to hear, and its statusCallback. */
import type { CallState } from '../call-state.js';
import type { PlayVerb, PromptVerb, SayVerb } from '../cxml/types.js';
import { callback, resolveCxmlUrl } from '../documents.js';
import type { Scenario } from '../scenario.js';

function sayDuration(scenario: Scenario, verb: SayVerb): number {
  const words = verb.text.split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.ceil(words / (scenario.sayWordsPerSecond ?? 2.5)));
}

function playDuration(scenario: Scenario, verb: PlayVerb): number {
  if (verb.digits && !verb.url) {
    // Each `w` is half a second of silence; a DTMF tone plus gap is about a quarter second.
    const waits = (verb.digits.match(/w/gi) ?? []).length;
    return Math.max(1, Math.ceil(waits * 0.5 + (verb.digits.length - waits) * 0.25));
  }
  return scenario.playSeconds ?? 5;
}

/** Plays one prompt and returns the simulated seconds it took. */
export async function runPrompt(call: CallState, verb: PromptVerb, docUrl: string): Promise<number> {
  if (verb.verb === 'Pause') {
    if (verb.answer) await call.answer('application');
    await call.spend(verb.length);
    return verb.length;
  }
  if (verb.answer) await call.answer('application');
  const once = verb.verb === 'Say' ? sayDuration(call.scenario, verb) : playDuration(call.scenario, verb);
  // loop="0" repeats until the caller hangs up.
  const seconds = verb.loop === 0 ? Number.POSITIVE_INFINITY : once * verb.loop;
  await call.spend(seconds);
  if (verb.statusCallback) {
    await callback(call, 'callback', `${verb.verb} statusCallback`, resolveCxmlUrl(call, verb.statusCallback, docUrl), verb.statusCallbackMethod, {});
  }
  return seconds;
}
