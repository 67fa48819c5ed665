export type HttpMethod = 'GET' | 'POST';

/** Raw attributes exactly as the document carried them, for assertions on anything the typed fields skip. */
export interface VerbBase {
  attributes: Record<string, string>;
}

export type DialTargetKind = 'number' | 'sip' | 'conference' | 'client' | 'service' | 'queue' | 'other';

export interface DialTarget {
  kind: DialTargetKind;
  /** Element name as written (canonical casing), e.g. `Number`; `#text` when the Dial held plain text. */
  noun: string;
  value: string;
  attributes: Record<string, string>;
}

export interface DialVerb extends VerbBase {
  verb: 'Dial';
  targets: DialTarget[];
  action?: string;
  method: HttpMethod;
  /** Seconds of ringing; undefined means the domain default (`call-timeout`, 60 s). */
  timeout?: number;
  timeLimit?: number;
  callerId?: string;
  callerName?: string;
  record?: string;
  trunks?: string;
}

export type GatherInputKind = 'dtmf' | 'speech';

export interface GatherVerb extends VerbBase {
  verb: 'Gather';
  /** undefined: Cloudonix requests the current document URL. */
  action?: string;
  method: HttpMethod;
  input: GatherInputKind[];
  finishOnKey: string;
  numDigits?: number;
  timeout: number;
  maxTimeout: number;
  actionOnEmptyResult: boolean;
  prompts: PromptVerb[];
}

export interface SayVerb extends VerbBase {
  verb: 'Say';
  /** Spoken text with SSML tags removed and entities decoded. */
  text: string;
  /** Content as written, SSML included. */
  ssml: string;
  loop: number;
  voice?: string;
  language?: string;
  answer: boolean;
  statusCallback?: string;
  statusCallbackMethod: HttpMethod;
}

export interface PlayVerb extends VerbBase {
  verb: 'Play';
  url: string;
  loop: number;
  digits?: string;
  answer: boolean;
  statusCallback?: string;
  statusCallbackMethod: HttpMethod;
}

export interface PauseVerb extends VerbBase {
  verb: 'Pause';
  length: number;
  answer: boolean;
}

export type RecordingStatusEvent = 'in-progress' | 'completed' | 'absent';

export interface RecordVerb extends VerbBase {
  verb: 'Record';
  action?: string;
  method: HttpMethod;
  timeout: number;
  finishOnKey: string;
  maxLength: number;
  playBeep: boolean;
  recordingStatusCallback?: string;
  recordingStatusCallbackMethod: HttpMethod;
  recordingStatusCallbackEvent: RecordingStatusEvent[];
  trim?: string;
  prompts: PromptVerb[];
}

export interface RedirectVerb extends VerbBase {
  verb: 'Redirect';
  url: string;
  method: HttpMethod;
}

export interface HangupVerb extends VerbBase {
  verb: 'Hangup';
}

export interface RejectVerb extends VerbBase {
  verb: 'Reject';
  reason: string;
}

/** An element callsim does not model (Converse, Stream, …): kept so the transcript shows it was skipped. */
export interface UnknownVerb extends VerbBase {
  verb: 'Unknown';
  name: string;
}

export type PromptVerb = SayVerb | PlayVerb | PauseVerb;

export type Verb = DialVerb | GatherVerb | SayVerb | PlayVerb | PauseVerb | RecordVerb | RedirectVerb | HangupVerb | RejectVerb | UnknownVerb;

export type VerbName = Verb['verb'];

export interface CxmlDocument {
  verbs: Verb[];
  /** Tolerated oddities (bad numbers, unknown elements, stray text), so tests can flag sloppy CXML. */
  warnings: string[];
}
