import { randomBytes } from 'node:crypto';

import { type CallTranscript, simulateCall, type SimulateCallOptions } from '@opbx/callsim';
import { newId } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';
import type { Insertable } from 'kysely';

import type { AppContext } from '../../src/context.js';
import type { CallLogsTable } from '../../src/db/schema.js';
import { outcomeOf } from '../../src/modules/call-records/call-state.js';
import { Api, createTestOrg, randomE164, type TestOrg } from './api.js';

/** A test organization that can take calls: Cloudonix settings, and a DID that rings the agent's extension. */
export interface TelephonyOrg extends TestOrg {
  requestsKey: string;
  domain: string;
  did: { id: string; number: string };
  /** The agent's extension number (createTestOrg gives the agent extension 300). */
  agentExtensionNumber: string;
  /** Anonymous client presenting the requests key, as Cloudonix does. */
  cloudonix: Api;
}

export interface TelephonyOptions {
  name?: string;
  timezone?: string;
  /** Public base URL written into callback URLs (a live server's URL when callsim follows them). */
  baseUrl?: string;
}

const ok = <T>(res: { status: number; body: T }, expected: number, what: string): T => {
  if (res.status !== expected) throw new Error(`${what} failed (${res.status}): ${JSON.stringify(res.body)}`);
  return res.body;
};

/** Gives the organization Cloudonix settings with a fresh requests key and domain, as an owner would. */
export async function connectCloudonix(org: TestOrg, webhookBaseUrl: string): Promise<{ requestsKey: string; domain: string }> {
  const requestsKey = `rk-${randomBytes(16).toString('hex')}`;
  const domain = `d${randomBytes(4).toString('hex')}.cloudonix.test`;
  ok(
    await org.owner.request('PUT', '/settings/cloudonix', {
      domain_uuid: randomBytes(8).toString('hex'),
      domain_name: domain,
      requests_key: requestsKey,
      webhook_base_url: webhookBaseUrl,
    }),
    200,
    'cloudonix settings',
  );
  return { requestsKey, domain };
}

export async function createTelephonyOrg(app: FastifyInstance, ctx: AppContext, options: TelephonyOptions = {}): Promise<TelephonyOrg> {
  const org = await createTestOrg(app, ctx, options.name ?? 'Telephony Org');
  if (options.timezone) ok(await org.owner.patch('/organization', { timezone: options.timezone }), 200, 'set timezone');
  const number = randomE164();
  const did = ok(
    await org.owner.post('/dids', { phone_number: number, routing_type: 'extension', routing_config: { extension_id: org.agentExtensionId } }),
    201,
    'create DID',
  );
  const { requestsKey, domain } = await connectCloudonix(org, options.baseUrl ?? 'http://opbx.test');
  return { ...org, requestsKey, domain, did: { id: did.id, number }, agentExtensionNumber: '300', cloudonix: org.anon.as(requestsKey) };
}

let callCounter = 0;
export const newCallSid = () => `${randomBytes(12).toString('hex')}${(++callCounter).toString(16).padStart(8, '0')}`;

export interface WebhookCallOptions {
  from: string;
  to: string;
  callSid?: string;
  /** CDR disposition (Cloudonix's sample says CONNECTED; ANSWERED is common). */
  disposition?: string;
  billsec?: number;
  /** Extra CDR fields, merged at the top level. */
  cdr?: Record<string, unknown>;
}

/**
 * A whole call as Cloudonix reports it, through the real endpoints: the voice request
 * (routing), then the CDR (contract §2 and §5.3).
 */
export async function webhookCall(org: Pick<TelephonyOrg, 'cloudonix' | 'domain'>, options: WebhookCallOptions) {
  const callSid = options.callSid ?? newCallSid();
  const start = Date.now() - 60_000;
  const billsec = options.billsec ?? 42;
  const route = await org.cloudonix.post('/api/voice/route', {
    CallSid: callSid,
    Session: callSid,
    AccountSid: org.domain,
    Domain: org.domain,
    From: options.from,
    To: options.to,
    CallerName: options.from,
    Direction: 'inbound',
    CallStatus: 'in-progress',
    ApiVersion: '1',
  });
  if (route.status !== 200) throw new Error(`voice route failed (${route.status}): ${JSON.stringify(route.body)}`);
  const answered = billsec > 0;
  const cdr = {
    timestamp: Math.floor(start / 1000),
    domain: org.domain,
    subscriber: null,
    from: options.from,
    to: options.to,
    cx_trunk_id: 7,
    application: 'opbx',
    route: null,
    duration: billsec + 5,
    billsec,
    disposition: options.disposition ?? (answered ? 'ANSWERED' : 'NOANSWER'),
    rated_cost: null,
    approx_cost: null,
    sell_cost: null,
    vapp_server: '10.0.0.1',
    call_id: `${callSid}@sip.test`,
    session: {
      token: callSid,
      callStartTime: start,
      callAnswerTime: answered ? start + 5000 : 0,
      callEndTime: start + 5000 + billsec * 1000,
      status: answered ? 'completed' : 'noanswer',
      timeLimit: null,
      profile: {},
    },
    ...options.cdr,
  };
  const res = await org.cloudonix.post('/api/webhooks/cloudonix/cdr', cdr);
  if (res.status !== 204) throw new Error(`CDR failed (${res.status}): ${JSON.stringify(res.body)}`);
  return { callSid, cdr, cxml: String(route.body) };
}

export type SeedCall = Partial<Insertable<CallLogsTable>> & { organization_id: string; created_at: string };

/** Inserts call-log rows directly (volume where realism is not the point), in batches; returns the rows. */
export async function insertCallLogs(ctx: AppContext, calls: SeedCall[]): Promise<Insertable<CallLogsTable>[]> {
  const rows = calls.map((c): Insertable<CallLogsTable> => ({
    id: newId(),
    call_id: newCallSid(),
    direction: 'inbound',
    direction_raw: null,
    from_number: randomE164(),
    to_number: randomE164(),
    did_id: null,
    extension_id: null,
    ring_group_id: null,
    status: 'completed',
    status_source: 'cdr',
    status_raw: null,
    disposition_raw: null,
    sip_call_id: null,
    answer_time: null,
    end_time: null,
    duration: null,
    recording_url: null,
    cloudonix_cdr: null,
    updated_at: c.created_at,
    ...c,
    // As the journal would have it: derived from the status unless the row says otherwise.
    outcome: c.outcome !== undefined ? c.outcome : outcomeOf(c.status ?? 'completed', null),
  }));
  for (let i = 0; i < rows.length; i += 500)
    await ctx.db
      .insertInto('call_logs')
      .values(rows.slice(i, i + 500))
      .execute();
  return rows;
}

/** An inbound call from the public network to the organization's DID, played by callsim against a live server. */
export function simulateInbound(
  base: string,
  org: Pick<TelephonyOrg, 'requestsKey' | 'domain' | 'did'>,
  options: Partial<SimulateCallOptions> = {},
): Promise<CallTranscript> {
  return simulateCall({
    baseUrl: base,
    requestsKey: org.requestsKey,
    domain: org.domain,
    direction: 'inbound',
    from: randomE164(),
    to: org.did.number,
    ...options,
  });
}
