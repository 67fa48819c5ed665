/**
 * The CXML interpreter's main loop: request the route, run each document's verbs in order (the
 * handlers are in verbs/), follow the action or redirect a verb asks for, and finish the call
 * (finish-call.ts) however it ends.
 */
import { CallEnded, type DocRequest, type EndState } from './call-ended.js';
import { CALL_DIRECTIONS, type CallDirection, type SimulateCallOptions } from './call-options.js';
import { CallState } from './call-state.js';
import { roundSeconds } from './clock.js';
import type { Verb } from './cxml/types.js';
import { fetchDocument } from './documents.js';
import { finishCall } from './finish-call.js';
import type { CallTranscript, ExecutedVerb } from './transcript.js';
import { summarizeVerb } from './verb-summary.js';
import { runVerb } from './verbs/run-verb.js';

export { CALL_DIRECTIONS, type CallDirection, type SimulateCallOptions, summarizeVerb };

/** Runs one verb, recording it (and how long it took) in the transcript even when it ends the call. */
async function step(call: CallState, verb: Verb, docUrl: string, document: number, index: number): Promise<DocRequest | undefined> {
  const started = call.clock.elapsed();
  const entry: ExecutedVerb = {
    seq: call.nextSeq(),
    at: roundSeconds(started),
    document,
    index,
    verb: verb.verb,
    summary: summarizeVerb(verb),
    seconds: 0,
    outcome: 'done',
  };
  call.verbs.push(entry);
  try {
    return await runVerb(call, verb, docUrl, entry);
  } catch (err) {
    if (err instanceof CallEnded && entry.outcome === 'done') entry.outcome = err.end.reason;
    throw err;
  } finally {
    entry.seconds = roundSeconds(call.clock.elapsed() - started);
  }
}

async function run(call: CallState): Promise<CallTranscript> {
  const base = call.opts.baseUrl.replace(/\/+$/, '');
  let end: EndState;
  try {
    await call.sessionEvent('processing', 'created');
    // An API-originated call runs its application only once the destination has answered.
    if (call.direction === 'outbound-api') await call.answer(call.facts.to);
    let request: DocRequest | undefined = {
      kind: 'route',
      cause: 'voice application',
      url: call.opts.routeUrl ?? `${base}/api/voice/route`,
      method: call.opts.routeMethod ?? 'POST',
      extra: {},
    };
    while (request) {
      const { doc, url, number } = await fetchDocument(call, request);
      request = undefined;
      for (const [index, verb] of doc.verbs.entries()) {
        request = await step(call, verb, url, number, index);
        if (request) break;
      }
    }
    end = { hungUpBy: 'application', reason: 'no more verbs' };
  } catch (err) {
    if (err instanceof CallEnded) end = err.end;
    else if ((err as Error).name === 'AbortError') {
      call.errors.push('aborted');
      end = { hungUpBy: 'guard', reason: 'aborted' };
    } else throw err;
  }
  return finishCall(call, end);
}

/**
 * Plays Cloudonix's part for one call against a voice application: requests the route, runs the CXML it
 * gets back (following actions and redirects), sends session updates and a final CDR, and returns the
 * full transcript. HTTP and CXML failures end the call and are reported in `errors`; it does not throw for them.
 */
export async function simulateCall(options: SimulateCallOptions): Promise<CallTranscript> {
  if (!options.requestsKey) throw new Error('requestsKey is required');
  if (!options.domain) throw new Error('domain is required');
  new URL(options.baseUrl);
  return run(new CallState(options));
}
