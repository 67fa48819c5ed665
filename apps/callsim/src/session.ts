import type { SimulateCallOptions } from './call-options.js';
import { newCallToken, newSessionId, newSipCallId, stableNumericId } from './ids.js';
import type { SessionFacts } from './webhooks.js';

/** The `direction` Cloudonix's session objects carry, from the voice application's `Direction`. */
function sessionDirectionFor(direction: string, to: string): string {
  switch (direction) {
    case 'inbound':
      return 'incoming';
    case 'subscriber':
      return /^\d{1,6}$/.test(to) ? 'internal' : 'outgoing';
    case 'outbound':
      return 'outgoing';
    case 'outbound-api':
    case 'application':
      return 'application';
    default:
      return direction;
  }
}

/** Who and what the call is, as Cloudonix's session objects, voice requests and CDRs describe it. */
export function sessionFacts(opts: SimulateCallOptions, start: number, direction: string): SessionFacts {
  const format = (n: string) => (opts.numberFormat === 'strip-plus' ? n.replace(/^\+/, '') : n);
  const from = format(opts.from);
  const to = format(opts.to);
  const token = opts.callSid ?? newCallToken();
  const sipCallId = opts.sipCallId ?? newSipCallId();
  const application = opts.applicationName ?? 'opbx';
  const inbound = direction === 'inbound';
  const subscriber = direction === 'subscriber';
  const trunkId = inbound ? stableNumericId(`${opts.domain}/trunk`) : null;
  return {
    sessionId: opts.sessionId ?? newSessionId(),
    token,
    sipCallId,
    domain: opts.domain,
    domainId: stableNumericId(opts.domain),
    from,
    to,
    direction: opts.sessionDirection ?? sessionDirectionFor(direction, to),
    subscriberId: subscriber ? stableNumericId(`${opts.domain}/${from}`) : null,
    startMs: start,
    vappServer: 'callsim',
    application,
    trunkId,
    profile: {
      callId: [sipCallId],
      application: [application],
      ...(inbound
        ? {
            'inbound-trunk-id': trunkId,
            'inbound-trunk-name': 'callsim-trunk',
            'trunk-sip-headers': { 'Call-ID': sipCallId, From: `<sip:${from}@trunk.callsim.invalid>`, To: `<sip:${to}@${opts.domain}>` },
          }
        : {}),
      ...(subscriber ? { 'subscriber-sip-headers': { 'Call-ID': sipCallId, 'User-Agent': 'callsim-phone' } } : {}),
    },
  };
}
