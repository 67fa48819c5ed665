import { randomBytes } from 'node:crypto';

import { type CallTranscript, simulateCall, type SimulateCallOptions } from '@opbx/callsim';
import { expect } from 'vitest';

import { type CallBusMessage, CALLS_TOPIC } from '../../src/modules/call-records/calls.ingest.js';
import { type Api, createTestOrg, randomE164, type TestOrg, uniqueEmail } from './api.js';
import { createTestServer, type TestServer } from './context.js';
import { connectCloudonix } from './telephony.js';

/**
 * End-to-end call flows: the real server listening on a random port, an organization configured
 * through the REST API, and callsim playing Cloudonix (voice request, CXML, action URLs, session
 * updates, CDR) on a virtual clock.
 */
export interface FlowsServer extends TestServer {
  /** The server's real origin, e.g. http://127.0.0.1:40123; also every org's webhook_base_url. */
  base: string;
}

export async function startFlowsServer(env: Record<string, string> = {}): Promise<FlowsServer> {
  const server = await createTestServer(env);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  if (!address || typeof address !== 'object') throw new Error('server did not listen');
  return { ...server, base: `http://127.0.0.1:${address.port}` };
}

const must = <T = any>(res: { status: number; body: T }, expected: number, what: string): T => {
  if (res.status !== expected) throw new Error(`${what} failed (${res.status}): ${JSON.stringify(res.body)}`);
  return res.body;
};

export type CallOptions = Omit<SimulateCallOptions, 'baseUrl' | 'requestsKey' | 'domain' | 'from' | 'to'> & { from?: string; to?: string };

export interface ExtensionOptions {
  type?: 'user' | 'virtual' | 'queue';
  voicemail?: boolean;
  forward?: { destination: string; on_no_answer?: boolean };
  status?: 'active' | 'inactive';
}

/** An organization that takes calls, with helpers to configure it through the API and to place calls. */
export class FlowsOrg {
  constructor(
    readonly server: FlowsServer,
    readonly org: TestOrg,
    readonly requestsKey: string,
    readonly domain: string,
  ) {}

  get owner(): Api {
    return this.org.owner;
  }
  get organizationId(): string {
    return this.org.organizationId;
  }

  /** An extension (a user extension without a user unless `user` says otherwise). */
  async extension(number: string, options: ExtensionOptions = {}): Promise<string> {
    const body = must(
      await this.owner.post('/extensions', {
        extension_number: number,
        type: options.type ?? 'user',
        voicemail_enabled: options.voicemail ?? false,
        ...(options.forward ? { call_forwarding: { enabled: true, ...options.forward } } : {}),
        ...(options.status ? { status: options.status } : {}),
      }),
      201,
      `create extension ${number}`,
    );
    return body.id;
  }

  /** A user (agent) with a user extension; returns both ids. */
  async userWithExtension(number: string): Promise<{ userId: string; extensionId: string }> {
    const body = must(
      await this.owner.post('/users', {
        name: `User ${number}`,
        email: uniqueEmail(`u${number}`),
        password: 'passw0rd-flows',
        role: 'agent',
        extension_number: number,
      }),
      201,
      `create user ${number}`,
    );
    return { userId: body.id, extensionId: body.extension.id };
  }

  async patch(url: string, body: unknown): Promise<any> {
    return must(await this.owner.patch(url, body), 200, `PATCH ${url}`);
  }

  async settings(settings: Record<string, unknown>): Promise<void> {
    await this.patch('/organization', { settings });
  }

  async ringGroup(body: Record<string, unknown>): Promise<string> {
    return must(await this.owner.post('/ring-groups', { name: `Group ${randomBytes(3).toString('hex')}`, ...body }), 201, 'create ring group').id;
  }

  async businessHours(body: Record<string, unknown>): Promise<string> {
    return must(await this.owner.post('/business-hours', { name: `Hours ${randomBytes(3).toString('hex')}`, ...body }), 201, 'create business hours').id;
  }

  /** A DID with a fresh number; returns its id and number. */
  async did(routing_type: string, routing_config: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<{ id: string; number: string }> {
    const number = randomE164();
    const body = must(await this.owner.post('/dids', { phone_number: number, routing_type, routing_config, ...extra }), 201, 'create DID');
    return { id: body.id, number };
  }

  /** Plays a call with callsim and waits until everything the server received is stored. */
  async call(options: CallOptions & { to: string }): Promise<CallTranscript> {
    const t = await simulateCall({
      baseUrl: this.server.base,
      requestsKey: this.requestsKey,
      domain: this.domain,
      direction: 'inbound',
      from: randomE164(),
      ...options,
    } as SimulateCallOptions);
    await this.server.app.voice.journal.flush();
    return t;
  }

  /** The call's log through the API: found in the list, then read in detail (with the raw CDR). */
  async log(callSid: string): Promise<any> {
    const list = must(await this.owner.get('/call-logs?per_page=100'), 200, 'list call logs');
    const row = list.data.find((r: any) => r.call_id === callSid);
    if (!row) throw new Error(`no call log for ${callSid} among ${list.data.length}`);
    const detail = must(await this.owner.get(`/call-logs/${row.id}`), 200, 'get call log');
    expect(detail.id).toBe(row.id);
    return detail;
  }

  /** Stored provider events of a call (append-only journal), oldest first. */
  async events(callSid: string) {
    return this.server.ctx.db
      .selectFrom('call_events')
      .select(['kind', 'provider_key', 'payload'])
      .where('organization_id', '=', this.organizationId)
      .where('call_id', '=', callSid)
      .orderBy('id')
      .execute();
  }
}

export async function createFlowsOrg(server: FlowsServer, name = 'Flows Org'): Promise<FlowsOrg> {
  const org = await createTestOrg(server.app, server.ctx, name);
  const { requestsKey, domain } = await connectCloudonix(org, server.base);
  return new FlowsOrg(server, org, requestsKey, domain);
}

// ---- reading a transcript ---------------------------------------------------------------------------------

/** The numbers rung by each Dial, in order (e.g. [['201'], ['202']]). */
export const dialed = (t: CallTranscript): string[][] => t.dials.map((d) => d.targets.map((x) => x.value));

/** The verbs executed, in order, as `Verb` names. */
export const verbNames = (t: CallTranscript): string[] => t.verbs.map((v) => v.verb);

/** The text of every Say executed. */
export const spoken = (t: CallTranscript): string[] => t.verbs.filter((v) => v.verb === 'Say').map((v) => v.summary);

/** The transcript had no wire failure: every HTTP exchange and webhook succeeded. */
export function expectClean(t: CallTranscript): void {
  expect(t.errors, JSON.stringify(t.errors)).toEqual([]);
  for (const e of t.exchanges) expect(e.status, `${e.cause} ${e.url} → ${e.status} ${e.body}`).toBe(200);
  for (const w of t.webhooks) expect(w.status, `${w.kind} → ${w.status}`).toBe(204);
}

/** The CDR callsim sent for the call. */
export function cdrOf(t: CallTranscript): Record<string, any> {
  const cdr = t.webhooks.find((w) => w.kind === 'cdr');
  if (!cdr) throw new Error('no CDR in the transcript');
  return cdr.payload;
}

/** Asserts the final state a call log must show for the transcript's outcome, and that it carries the raw CDR. */
export function expectFinal(log: any, t: CallTranscript, status: string): void {
  const cdr = cdrOf(t);
  expect(log.status, JSON.stringify(log)).toBe(status);
  expect(log.duration).toBe(cdr.billsec);
  expect(log.end_time).toBe(new Date(cdr.session.callEndTime).toISOString());
  expect(log.cloudonix_cdr).toEqual(cdr);
  if (t.outcome.answerTime) expect(log.answer_time).toBe(t.outcome.answerTime);
}

/**
 * A call nobody answered that reached a mailbox: missed (`no_answer`) with the `voicemail` outcome, no
 * answer time and no talk time, although Cloudonix bills the mailbox's answer (CDR ANSWERED, billsec > 0).
 */
export function expectVoicemailed(log: any, t: CallTranscript): void {
  const cdr = cdrOf(t);
  expect(cdr.billsec).toBeGreaterThan(0);
  expect(log, JSON.stringify(log)).toMatchObject({ status: 'no_answer', outcome: 'voicemail', answer_time: null, duration: 0 });
  expect(log.end_time).toBe(new Date(cdr.session.callEndTime).toISOString());
  expect(log.cloudonix_cdr).toEqual(cdr);
}

// ---- the bus ------------------------------------------------------------------------------------------------

/** Records every call message the server publishes on the bus (what realtime clients receive). */
/**
 * Records the call messages published on the bus from now on. With Redis the bus is asynchronous, so
 * `sync()` publishes a marker and waits for it: Redis keeps a channel's order, so everything published
 * before the marker has been delivered once it arrives. Recording starts after such a sync.
 */
export async function recordBus(server: FlowsServer) {
  const messages: CallBusMessage[] = [];
  const markers = new Map<string, () => void>();
  let recording = false;
  const stop = server.ctx.bus.subscribe(CALLS_TOPIC, (m) => {
    const marker = (m as { test_marker?: string }).test_marker;
    if (marker) return void markers.get(marker)?.();
    // Presence-only messages (an extension deactivated) name no call.
    if (recording && (m as Partial<CallBusMessage>).call) messages.push(m as CallBusMessage);
  });
  const sync = async () => {
    const id = `${Date.now()}-${Math.random()}`;
    const seen = new Promise<void>((resolve) => markers.set(id, resolve));
    await server.ctx.bus.publish(CALLS_TOPIC, { test_marker: id });
    await seen;
    markers.delete(id);
  };
  await sync();
  recording = true;
  return {
    messages,
    stop,
    sync,
    of: (callSid: string, type?: CallBusMessage['type']) => messages.filter((m) => m.call.call_id === callSid && (!type || m.type === type)),
  };
}

// ---- business hours relative to now -------------------------------------------------------------------------

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

/** The weekday (0 = Sunday), hour and date now in `zone`. */
export function localNow(zone: string, at = new Date()): { day: number; hour: number; date: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { day: WEEKDAYS.indexOf(parts.weekday!), hour: Number(parts.hour), date: `${parts.year}-${parts.month}-${parts.day}` };
}

/** One range that contains now in `zone` with at least an hour to spare (it may run past midnight). */
export function openNowSchedule(zone: string) {
  const { day, hour } = localNow(zone);
  const close = hour + 2;
  return [{ day_of_week: day, open_time: `${pad(hour)}:00`, close_time: close === 24 ? '24:00' : `${pad(close % 24)}:00` }];
}

/** Office hours on another weekday only: closed now in `zone`. */
export function closedNowSchedule(zone: string) {
  const { day } = localNow(zone);
  return [{ day_of_week: (day + 3) % 7, open_time: '09:00', close_time: '17:00' }];
}
