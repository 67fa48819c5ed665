import type { IncomingMessage } from 'node:http';

import proxyAddr from 'proxy-addr';
import { z } from 'zod';

/**
 * Which proxies in front of the server may speak for the client in `X-Forwarded-For`:
 * none (false), the nearest N hops, or the proxies at these addresses/CIDRs. Never "all":
 * trusting every hop means the leftmost address, which the client writes itself.
 */
export type TrustProxy = false | number | string[];

/** `(address, hop) => trusted`, the form both Fastify and proxy-addr take. */
type TrustFunction = (address: string, hop: number) => boolean;

export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  // Hop 0 is the socket peer; N trusted hops are the peer and the N - 1 proxies behind it, so
  // the client is the address the outermost trusted proxy appended.
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

/** One client-address rule for every request path (Fastify's routes and the voice fast lane). */
export function clientIpResolver(trust: TrustProxy): (req: IncomingMessage) => string {
  if (trust === false) return (req) => req.socket.remoteAddress ?? '';
  const fn = trustFunction(trust);
  return (req) => (req.socket.remoteAddress ? proxyAddr(req, fn) : '');
}

const HOPS = /^\d+$/;

/**
 * The environment form: `false` (or empty, `0`), a hop count, or comma-separated addresses and
 * CIDRs (also proxy-addr's `loopback`, `linklocal`, `uniquelocal`). `true` is refused: it would
 * let any client choose its own address.
 */
export const envTrustProxy = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx): TrustProxy => {
      const v = (raw ?? '').trim().toLowerCase();
      if (v === '' || v === 'false' || v === '0' || v === 'no' || v === 'off') return false;
      if (['true', 'yes', 'on', 'all'].includes(v)) {
        ctx.addIssue({
          code: 'custom',
          message: 'trusting every proxy lets clients choose their own address: set the number of proxies in front (e.g. 1) or their addresses/CIDRs',
        });
        return z.NEVER;
      }
      if (HOPS.test(v)) {
        const hops = Number(v);
        if (hops > 10) ctx.addIssue({ code: 'custom', message: 'at most 10 hops' });
        return hops;
      }
      const list = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      try {
        proxyAddr.compile(list);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `not a hop count or a list of addresses/CIDRs (${(err as Error).message})` });
        return z.NEVER;
      }
      return list;
    });
