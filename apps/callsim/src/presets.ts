import type { SimulateCallOptions } from './call.js';

type CallParties = Pick<SimulateCallOptions, 'direction' | 'from' | 'to'>;

export function randomE164(prefix = '+1555'): string {
  return `${prefix}${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
}

/** A caller on the public network dials one of the tenant's DIDs (arrives through a trunk). */
export function inboundCall(did: string, from: string = randomE164()): CallParties {
  return { direction: 'inbound', from, to: did };
}

/** A registered extension dials another extension. */
export function internalCall(fromExtension: string, toExtension: string): CallParties {
  return { direction: 'subscriber', from: fromExtension, to: toExtension };
}

/** A registered extension dials an external E.164 number. */
export function outboundCall(fromExtension: string, number: string): CallParties {
  return { direction: 'subscriber', from: fromExtension, to: number };
}

/**
 * A call started through Cloudonix's outbound-call API: the destination is rung first and the application
 * runs once it answers. From/To follow TwiML (From = the caller id, To = the destination).
 */
export function apiOriginatedCall(destination: string, callerId: string): CallParties {
  return { direction: 'outbound-api', from: callerId, to: destination };
}
