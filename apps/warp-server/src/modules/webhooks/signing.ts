import { createHmac } from 'node:crypto';

import { constantTimeEqual } from '@opbx/platform';

/** `X-Warp-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does (documented in docs/warp-api.md; the tests' receiver uses it): recompute
 * over the raw body, compare in constant time, refuse stale timestamps (replays).
 */
export function verifySignature(secret: string, body: string, header: string, toleranceSeconds = 300, now = Date.now()): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  return constantTimeEqual(signatureHeader(secret, body, t).split('v1=')[1]!, parts.v1);
}
