import type { Verb } from './cxml/types.js';

/** One line per executed verb, for transcripts and logs. */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function summarizeVerb(verb: Verb): string {
  const attrs = (names: string[]) =>
    names
      .filter((name) => verb.attributes[name] !== undefined)
      .map((name) => `${name}=${verb.attributes[name]}`)
      .join(' ');
  const withAttrs = (head: string, names: string[]) => [head, attrs(names)].filter(Boolean).join(' ');
  switch (verb.verb) {
    case 'Dial':
      return withAttrs(`Dial ${verb.targets.map((t) => `${t.kind}:${t.value}`).join(', ') || '(nothing)'}`, [
        'timeout',
        'callerId',
        'action',
        'method',
        'trunks',
        'timeLimit',
        'record',
      ]);
    case 'Say':
      return withAttrs(`Say "${clip(verb.text)}"`, ['loop', 'voice', 'answer']);
    case 'Play':
      return withAttrs(`Play ${verb.url || `digits ${verb.digits ?? ''}`}`, ['loop', 'answer']);
    case 'Gather':
      return withAttrs(`Gather (${verb.prompts.length} prompt${verb.prompts.length === 1 ? '' : 's'})`, [
        'input',
        'numDigits',
        'finishOnKey',
        'timeout',
        'action',
        'actionOnEmptyResult',
      ]);
    case 'Record':
      return withAttrs('Record', ['maxLength', 'timeout', 'finishOnKey', 'action', 'recordingStatusCallback']);
    case 'Redirect':
      return withAttrs(`Redirect ${verb.url}`, ['method']);
    case 'Pause':
      return `Pause ${verb.length}s${verb.answer ? ' answer=true' : ''}`;
    case 'Hangup':
      return 'Hangup';
    case 'Reject':
      return `Reject reason=${verb.reason}`;
    default:
      return `<${verb.name}> (not simulated)`;
  }
}
