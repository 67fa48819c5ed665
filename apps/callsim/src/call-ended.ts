import type { HttpMethod } from './cxml/types.js';
import type { CallStatus, Disposition } from './statuses.js';
import type { ExchangeKind, HungUpBy } from './transcript.js';

/** The next CXML document a verb asks for (an action or a redirect), or the route that starts the call. */
export interface DocRequest {
  kind: ExchangeKind;
  cause: string;
  url: string;
  method: HttpMethod;
  extra: Record<string, unknown>;
}

/** How the call ended; status and disposition only when the ending dictates them (a Reject before answer). */
export interface EndState {
  hungUpBy: HungUpBy;
  reason: string;
  status?: CallStatus;
  disposition?: Disposition;
}

/** Thrown to unwind the interpreter when the call ends in the middle of a verb. */
export class CallEnded extends Error {
  constructor(readonly end: EndState) {
    super(end.reason);
  }
}
