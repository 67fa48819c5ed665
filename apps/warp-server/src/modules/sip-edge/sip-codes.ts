import type { RejectReason } from '@warp/contract';

/*
 * How the edge answers a call WARP will not route. The code decides what the customer's switch
 * does next: 503 invites it to try another carrier (our trouble, or a limit that clears within a
 * second), 404/484 say the number is wrong everywhere, 403 says this carrier refuses the call.
 * Each answer carries `Reason: SIP;cause=<code>;text="<reason code>"` (added by the edge).
 */
export type EdgeRejectReason = RejectReason | 'UNKNOWN_SOURCE' | 'AUTH_FAILED' | 'CPS_LIMIT' | 'CHANNEL_LIMIT';

export const SIP_ANSWERS: Record<EdgeRejectReason, { code: number; reason: string }> = {
  UNKNOWN_SOURCE: { code: 403, reason: 'Forbidden' },
  AUTH_FAILED: { code: 403, reason: 'Forbidden' },
  TRUNK_DISABLED: { code: 403, reason: 'Trunk Disabled' },
  CUSTOMER_SUSPENDED: { code: 403, reason: 'Account Suspended' },
  INSUFFICIENT_BALANCE: { code: 402, reason: 'Payment Required' },
  DESTINATION_BLOCKED: { code: 403, reason: 'Destination Blocked' },
  DESTINATION_NOT_ALLOWED: { code: 403, reason: 'Destination Not Allowed' },
  INVALID_NUMBER: { code: 484, reason: 'Address Incomplete' },
  NO_ROUTE: { code: 404, reason: 'No Route' },
  RATE_NOT_FOUND: { code: 404, reason: 'No Rate' },
  ALL_PROVIDERS_EXCLUDED: { code: 503, reason: 'No Route Available' },
  MARGIN_GUARD: { code: 503, reason: 'No Route Available' },
  CAPACITY_EXCEEDED: { code: 503, reason: 'No Capacity' },
  LRN_LOOKUP_FAILED: { code: 503, reason: 'LRN Lookup Failed' },
  CPS_LIMIT: { code: 503, reason: 'CPS Limit Exceeded' },
  CHANNEL_LIMIT: { code: 486, reason: 'Channel Limit Reached' },
};
