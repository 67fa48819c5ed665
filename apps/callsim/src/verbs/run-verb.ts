/**
 * Runs one CXML verb: the handlers for Dial, Gather, Record and the prompts live beside this file;
 * Redirect, Hangup and Reject are a line or two each. Returns the next document to request, if the
 * verb asks for one; ends the call by throwing CallEnded.
 */
import { CallEnded, type DocRequest } from '../call-ended.js';
import type { CallState } from '../call-state.js';
import type { Verb } from '../cxml/types.js';
import { resolveCxmlUrl } from '../documents.js';
import { rejectOutcome } from '../statuses.js';
import type { ExecutedVerb } from '../transcript.js';
import { runDial } from './dial.js';
import { runGather } from './gather.js';
import { runPrompt } from './prompt.js';
import { runRecord } from './record.js';

export async function runVerb(call: CallState, verb: Verb, docUrl: string, entry: ExecutedVerb): Promise<DocRequest | undefined> {
  switch (verb.verb) {
    case 'Dial':
      return runDial(call, verb, docUrl, entry);
    case 'Gather':
      return runGather(call, verb, docUrl, entry);
    case 'Record':
      return runRecord(call, verb, docUrl, entry);
    case 'Say':
    case 'Play':
    case 'Pause': {
      const seconds = await runPrompt(call, verb, docUrl);
      entry.outcome = `played ${seconds}s`;
      return undefined;
    }
    case 'Redirect':
      if (!verb.url) {
        call.errors.push('Redirect without a URL');
        throw new CallEnded({ hungUpBy: 'error', reason: 'Redirect without a URL' });
      }
      entry.outcome = 'redirected';
      return { kind: 'redirect', cause: 'Redirect', url: resolveCxmlUrl(call, verb.url, docUrl), method: verb.method, extra: {} };
    case 'Hangup':
      // Cloudonix bills a Hangup as a successful call, so an unanswered call is answered first.
      await call.answer('application');
      entry.outcome = 'hung up';
      throw new CallEnded({ hungUpBy: 'application', reason: 'Hangup' });
    case 'Reject':
      entry.outcome = `rejected (${verb.reason})`;
      if (call.answered) throw new CallEnded({ hungUpBy: 'application', reason: `Reject (${verb.reason}) after answer` });
      throw new CallEnded({ hungUpBy: 'application', reason: `Reject (${verb.reason})`, ...rejectOutcome(verb.reason) });
    default:
      entry.outcome = 'skipped';
      return undefined;
  }
}
