import { randomBytes, randomUUID } from 'node:crypto';

import { cdrPayload, sessionUpdatePayload } from '@opbx/callsim';

import type { FlowsOrg } from './flows-harness.js';

/**
 * Raw Cloudonix requests for wire-level tests (replays, forgeries, odd encodings), with payloads
 * built by callsim's own builders so they match what the simulator sends in whole calls.
 */
export interface WireReply {
  status: number;
  type: string;
  text: string;
  json?: any;
}

export interface SendOptions {
  /** Requests key; null sends no credentials. Default: the org's key as a Bearer token. */
  key?: string | null;
  /** `x-cx-apikey` instead of `Authorization: Bearer`. */
  header?: 'bearer' | 'x-cx-apikey';
  form?: boolean;
  method?: 'POST' | 'GET';
}

export async function send(org: FlowsOrg, pathOrUrl: string, params: Record<string, unknown> = {}, options: SendOptions = {}): Promise<WireReply> {
  const url = new URL(pathOrUrl, org.server.base);
  const key = options.key === undefined ? org.requestsKey : options.key;
  const headers: Record<string, string> = {};
  if (key !== null) {
    if (options.header === 'x-cx-apikey') headers['x-cx-apikey'] = key;
    else headers.authorization = `Bearer ${key}`;
  }
  let body: string | undefined;
  const flat = () => Object.entries(params).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)] as [string, string]);
  if (options.method === 'GET') {
    for (const [k, v] of flat()) url.searchParams.set(k, v);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(flat()).toString();
  } else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(params);
  }
  const res = await fetch(url, { method: options.method ?? 'POST', headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // CXML or empty
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json };
}

export const newToken = () => randomBytes(16).toString('hex');

/** The facts callsim reports about a session, for an inbound call from `from` to `to`. */
export function sessionFacts(org: FlowsOrg, token: string, from: string, to: string, startMs = Date.now() - 120_000) {
  return {
    sessionId: Number.parseInt(token.slice(0, 8), 16),
    token,
    sipCallId: `${token}@callsim.invalid`,
    domain: org.domain,
    domainId: 42,
    from,
    to,
    direction: 'incoming',
    subscriberId: null,
    startMs,
    vappServer: 'callsim',
    application: 'opbx',
    trunkId: 7,
    profile: { callId: [`${token}@callsim.invalid`] },
  };
}
export type Facts = ReturnType<typeof sessionFacts>;

export function sessionUpdate(facts: Facts, status: string, options: { atMs?: number; answerMs?: number; endMs?: number; eventId?: string } = {}) {
  return sessionUpdatePayload(facts, {
    atMs: options.atMs ?? facts.startMs + 1000,
    status,
    action: 'updated',
    reason: options.endMs ? 'hangup' : 'vapp',
    answerMs: options.answerMs,
    endMs: options.endMs,
    ringing: status === 'ringing',
    eventId: options.eventId ?? randomUUID(),
  });
}

export function cdr(facts: Facts, disposition: string, answerMs: number | undefined, endMs: number) {
  return cdrPayload(facts, { answerMs, endMs, disposition, finalStatus: disposition === 'ANSWERED' ? 'completed' : 'noanswer' });
}

/** The first voice request of an inbound call, as callsim sends it. */
export function routeParams(org: FlowsOrg, token: string, from: string, to: string, extra: Record<string, unknown> = {}) {
  return {
    ApiVersion: '1',
    AccountSid: org.domain,
    Domain: org.domain,
    CallSid: token,
    Session: token,
    From: from,
    To: to,
    CallerName: from,
    Direction: 'inbound',
    CallStatus: 'in-progress',
    SessionData: { token, callStartTime: Date.now(), status: 'processing', domainNameOrId: org.domain },
    ...extra,
  };
}

/** Attribute values of every element `name` in a CXML document (entities decoded). */
export function attributes(cxml: string, name: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const m of cxml.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/(\w+)="([^"]*)"/g))
      attrs[a[1]!] = a[2]!
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, '&');
    out.push(attrs);
  }
  return out;
}
