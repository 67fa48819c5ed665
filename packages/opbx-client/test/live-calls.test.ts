import { simulateCall } from '@opbx/callsim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_CLOUDONIX } from '../../../apps/opbx-server/src/demo/seed.js';
import { csvObjects } from '../../../apps/opbx-server/test/support/csv.js';
import { EventRecorder, type LiveTestServer, sleep, startLiveTestServer } from '../../../apps/opbx-server/test/support/live.js';
import {
  type CallEndedEvent,
  callLogsService,
  type CallStartedEvent,
  type CallUpdatedEvent,
  configureApi,
  configureWebsocket,
  dashboardService,
  type ExtensionStatusEvent,
  type LoginResponse,
  websocketService,
} from '../src/index.js';
import { randomE164, signIn } from './support/live-server.js';

/**
 * The spec's websocketService, callLogsService and dashboardService, used as written, against
 * the demo server while callsim plays Cloudonix: events arrive live, then the call is in the
 * logs, the CSV export and the dashboard.
 */
let live: LiveTestServer;
let session: LoginResponse;

/** The demo's "Dana's direct line", which rings extension 101. */
const DID = '+15550100003';
const EXTENSION = '101';

beforeAll(async () => {
  live = await startLiveTestServer({}, { demo: true });
  configureApi({ baseURL: `${live.base}/api/v1` });
  configureWebsocket({ host: '127.0.0.1', port: live.wsPort, key: live.wsKey });
  session = await signIn();
});
afterEach(() => websocketService.disconnect());
afterAll(() => live?.close());

/** Subscribes through the service and waits until the server has both channels (the spec's API has no "subscribed" hook). */
async function subscribeAll(log: EventRecorder) {
  const realtime = live.server.app.realtime.pusher;
  // A previous test's socket may still be closing; count only this connection's channels.
  for (const deadline = Date.now() + 5000; realtime.stats().connections > 0 && Date.now() < deadline;) await sleep(20);
  websocketService.connect(session.access_token, session.user.organization_id);
  websocketService.subscribeToCallEvents({
    onCallStarted: (e: CallStartedEvent) => log.push('call.started', e),
    onCallUpdated: (e: CallUpdatedEvent) => log.push('call.updated', e),
    onCallEnded: (e: CallEndedEvent) => log.push('call.ended', e),
  });
  websocketService.subscribeToExtensionStatus((e: ExtensionStatusEvent) => log.push('extension.status', e));
  const deadline = Date.now() + 5000;
  while (realtime.stats().channels < 2) {
    if (Date.now() > deadline) throw new Error('the service did not subscribe to both channels');
    await sleep(20);
  }
}

const dial = (from: string, outcome: { outcome: 'answer'; after: number; talk: number } | { outcome: 'busy' }) =>
  simulateCall({
    baseUrl: live.base,
    requestsKey: DEMO_CLOUDONIX.requestsKey,
    domain: DEMO_CLOUDONIX.domainName,
    direction: 'inbound',
    from,
    to: DID,
    // The demo's callback URLs name http://localhost:<port>; send them to the address we listen on.
    rewriteOrigin: true,
    scenario: { targets: { [EXTENSION]: outcome } },
  });

describe('a live call seen through the client services', () => {
  it('streams call.started → call.updated → call.ended, then the call is in the logs, the CSV export and the dashboard', async () => {
    const log = new EventRecorder();
    await subscribeAll(log);
    const from = randomE164();
    const t = await dial(from, { outcome: 'answer', after: 3, talk: 15 });
    expect(t.errors).toEqual([]);
    expect(t.outcome).toMatchObject({ status: 'completed', answeredBy: EXTENSION, billsec: 15 });

    const ended = await log.waitFor((e) => e.name === 'call.ended', 'call.ended');
    await log.waitFor((e) => e.name === 'extension.status' && e.data.status === 'idle', 'the extension to go idle');
    const calls = log.events.filter((e) => e.name.startsWith('call.'));
    expect(calls[0]!.name).toBe('call.started');
    const firstEnded = calls.findIndex((e) => e.name === 'call.ended');
    expect(calls.slice(1, firstEnded).map((e) => e.name)).toContain('call.updated');
    expect(calls.slice(1, firstEnded).every((e) => e.name === 'call.updated')).toBe(true);
    for (const e of calls.slice(0, firstEnded)) expect(e.data.call).toMatchObject({ call_id: t.callSid, from_number: from, to_number: DID });
    const statuses = calls.slice(1, firstEnded).map((e) => e.data.call.status);
    expect(statuses).toEqual(expect.arrayContaining(['ringing', 'answered']));
    expect(calls.find((e) => e.data.call?.status === 'answered')!.data.call).toMatchObject({ did_number: DID, extension_number: EXTENSION });
    expect(ended.data).toMatchObject({ call_id: t.callSid, call: { call_id: t.callSid, status: 'completed', from_number: from, to_number: DID } });

    const presence = log.named('extension.status').map((e) => e.data as ExtensionStatusEvent);
    expect(presence.map((p) => p.status)).toEqual(['ringing', 'on_call', 'idle']);
    expect(new Set(presence.map((p) => p.extension_id)).size).toBe(1);
    expect(presence[1]!.current_call_id).toBe(t.callSid);

    // The call log, as the list, the detail view and the CSV export show it.
    const list = await callLogsService.getAll({ search: from });
    expect(list.data).toHaveLength(1);
    expect(list.meta).toMatchObject({ total: 1, current_page: 1, has_more: false });
    const logged = list.data[0]!;
    expect(logged).toMatchObject({
      id: ended.data.call.id,
      call_id: t.callSid,
      direction: 'inbound',
      status: 'completed',
      duration: 15,
      from_number: from,
      to_number: DID,
    });
    const detail = await callLogsService.getById(logged.id);
    expect(detail).toMatchObject({ ...logged, updated_at: expect.any(String) });
    expect(detail.cloudonix_cdr).toMatchObject({ billsec: 15, session: { token: t.callSid } });

    const blob = await callLogsService.export({ search: from });
    expect(blob).toBeInstanceOf(Blob);
    expect(blob.type).toMatch(/^text\/csv/);
    const csv = csvObjects(await blob.text());
    expect(csv.rows).toHaveLength(1);
    expect(csv.rows[0]).toMatchObject({ id: logged.id, call_id: t.callSid, from_number: from, to_number: DID, status: 'completed', duration: '15' });
    const everything = csvObjects(await (await callLogsService.export()).text());
    expect(everything.rows.some((r) => r.call_id === t.callSid)).toBe(true);

    // The dashboard agrees.
    expect((await dashboardService.getRecentCalls(5)).data[0]).toMatchObject({ id: logged.id, from_number: from, status: 'completed', duration: 15 });
    expect((await dashboardService.getLiveCalls()).data.some((c) => c.call_id === t.callSid)).toBe(false);
    const stats = await dashboardService.getStats();
    expect(stats.active_calls).toBe(0);
    expect(stats.calls_today).toBeGreaterThanOrEqual(1);
    expect(stats).toMatchObject({ total_extensions: expect.any(Number), total_dids: 3, average_call_duration: expect.any(Number) });
  });

  it('reports a call the busy extension sent to voicemail, with its recording, and filters it by status', async () => {
    const log = new EventRecorder();
    await subscribeAll(log);
    const from = randomE164();
    const t = await dial(from, { outcome: 'busy' });
    expect(t.errors).toEqual([]);
    expect(t.verbs.map((v) => v.verb)).toEqual(expect.arrayContaining(['Dial', 'Record']));
    const ended = await log.waitFor((e) => e.name === 'call.ended' && e.data.call_id === t.callSid, 'call.ended');
    expect(log.events[0]!.name).toBe('call.started');
    // Nobody answered: missed (no_answer) with the voicemail outcome, although the mailbox answered the line.
    expect(ended.data.call).toMatchObject({ status: 'no_answer', outcome: 'voicemail' });

    const [logged] = (await callLogsService.getAll({ search: from })).data;
    expect(logged).toMatchObject({ call_id: t.callSid, status: 'no_answer', outcome: 'voicemail', recording_url: expect.stringMatching(/^https:\/\//) });
    expect((await callLogsService.getAll({ status: 'no_answer', search: from })).data.map((c) => c.call_id)).toEqual([t.callSid]);
    expect((await callLogsService.getAll({ status: 'completed', search: from })).data).toEqual([]);
    expect((await callLogsService.getAll({ status: 'busy', search: from })).data).toEqual([]);
    const csv = csvObjects(await (await callLogsService.export({ status: 'no_answer', search: from })).text());
    expect(csv.rows).toMatchObject([{ call_id: t.callSid, outcome: 'voicemail', recording_url: logged!.recording_url }]);
  });

  it('stops delivering after leaveAllChannels and disconnect', async () => {
    const log = new EventRecorder();
    await subscribeAll(log);
    websocketService.leaveAllChannels();
    websocketService.disconnect();
    const t = await dial(randomE164(), { outcome: 'answer', after: 1, talk: 2 });
    expect(t.errors).toEqual([]);
    await sleep(300);
    expect(log.events).toEqual([]);
  });
});
