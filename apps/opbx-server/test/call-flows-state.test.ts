import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sweepStaleCalls } from '../src/modules/call-records/sweep.js';
import { randomE164 } from './support/api.js';
import { cdrOf, createFlowsOrg, expectClean, expectFinal, type FlowsOrg, type FlowsServer, recordBus, startFlowsServer } from './support/flows-harness.js';

/**
 * How every call ends: the final status and duration for each outcome, the raw CDR kept, and
 * the sweep that closes calls whose events stopped.
 */
let server: FlowsServer;
let org: FlowsOrg;
let extension: string;
let did: { id: string; number: string };

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'State Flows');
  extension = await org.extension('601');
  did = await org.did('extension', { extension_id: extension });
});
afterAll(() => server?.close());

describe('final status and duration', () => {
  it.each([
    { outcome: 'answered', targets: { '601': { outcome: 'answer', after: 7, talk: 123 } }, status: 'completed', disposition: 'ANSWERED' },
    { outcome: 'busy', targets: { '601': { outcome: 'busy', after: 2 } }, status: 'busy' },
    { outcome: 'not answered', targets: { '601': { outcome: 'no-answer' } }, status: 'no_answer' },
    { outcome: 'failed', targets: { '601': { outcome: 'failed', after: 1 } }, status: 'failed' },
  ] as const)('$outcome → $status', async ({ targets, status, ...rest }) => {
    const disposition = 'disposition' in rest ? rest.disposition : undefined;
    const t = await org.call({ to: did.number, scenario: { targets } });
    expectClean(t);
    if (disposition) expect(t.outcome.disposition).toBe(disposition);
    const log = await org.log(t.callSid);
    expect(log.status, JSON.stringify(log)).toBe(status);
    expect(log.end_time).toBe(new Date(cdrOf(t).session.callEndTime).toISOString());
    expect(log.cloudonix_cdr).toEqual(cdrOf(t));
    if (status === 'completed') {
      expectFinal(log, t, 'completed');
      expect(log.duration).toBe(123);
      expect(log.answer_time).toBe(t.outcome.answerTime);
    } else {
      expect(log.duration).toEqual(expect.any(Number));
    }
  });

  it('the caller hangs up while it rings: no_answer with no talk time, the CDR says CANCEL', async () => {
    const t = await org.call({ to: did.number, scenario: { targets: { '601': { outcome: 'no-answer' } }, hangupAfter: 12 } });
    expectClean(t);
    expect(t.outcome.disposition).toBe('CANCEL');
    const log = await org.log(t.callSid);
    expectFinal(log, t, 'no_answer');
    expect(log.duration).toBe(0);
    expect(log.answer_time).toBeNull();
  });

  it("Cloudonix's own CONNECTED disposition counts as answered", async () => {
    const t = await org.call({ to: did.number, answeredDisposition: 'CONNECTED', scenario: { targets: { '601': { outcome: 'answer', after: 1, talk: 31 } } } });
    expectClean(t);
    expectFinal(await org.log(t.callSid), t, 'completed');
  });

  it('moves forward through ringing and answered to completed, one journal row per distinct event', async () => {
    const bus = await recordBus(server);
    try {
      const t = await org.call({ to: did.number, scenario: { targets: { '601': { outcome: 'answer', after: 2, talk: 5 } } } });
      expectClean(t);
      await bus.sync();
      const seen = bus.of(t.callSid).map((m) => m.call.status);
      const order = ['initiated', 'ringing', 'answered', 'completed'];
      expect(seen).toContain('ringing');
      expect(seen).toContain('answered');
      expect(seen.at(-1)).toBe('completed');
      for (let i = 1; i < seen.length; i++) expect(order.indexOf(seen[i]!), seen.join(' → ')).toBeGreaterThanOrEqual(order.indexOf(seen[i - 1]!));
      await bus.sync();
      expect(bus.of(t.callSid, 'call.started')).toHaveLength(1);
      const events = await org.events(t.callSid);
      const kinds = events.map((e) => e.kind);
      expect(kinds.filter((k) => k === 'route')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'dial')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'cdr')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'session')).toHaveLength(t.webhooks.filter((w) => w.kind === 'session-update').length);
    } finally {
      bus.stop();
    }
  });
});

describe('stale-call sweep', () => {
  const voice = (path: string, body: Record<string, unknown>) =>
    fetch(`${server.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.requestsKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const newSid = () => randomBytes(16).toString('hex');

  async function startCall(callSid: string) {
    const res = await voice('/api/voice/route', { CallSid: callSid, From: randomE164(), To: did.number, Direction: 'inbound' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Dial');
    await server.app.voice.journal.flush();
  }

  it('closes a call stuck ringing (no_answer) and one stuck answered (completed); fresh calls are left alone; a late CDR still corrects it', async () => {
    const ringing = newSid();
    const answered = newSid();
    await startCall(ringing);
    await startCall(answered);
    const answeredAt = Date.now();
    const su = await voice('/api/webhooks/cloudonix/session-update', { token: answered, status: 'connected', eventId: newSid(), callAnswerTime: answeredAt });
    expect(su.status).toBe(204);
    expect((await org.log(ringing)).status).toBe('ringing');
    expect((await org.log(answered)).status).toBe('answered');

    // Right now nothing is stale.
    await sweepStaleCalls(server.ctx, server.app.voice.journal, new Date());
    expect((await org.log(ringing)).status).toBe('ringing');
    expect((await org.log(answered)).status).toBe('answered');

    // A short while later only the ringing call is stale; hours later the answered one too.
    const staleSeconds = server.ctx.config.OPBX_CALL_STALE_SECONDS;
    await sweepStaleCalls(server.ctx, server.app.voice.journal, new Date(Date.now() + (staleSeconds / 10) * 1000 + 61_000));
    expect((await org.log(ringing)).status).toBe('no_answer');
    expect((await org.log(answered)).status).toBe('answered');
    const later = new Date(Date.now() + staleSeconds * 1000 + 61_000);
    await sweepStaleCalls(server.ctx, server.app.voice.journal, later);
    const swept = await org.log(answered);
    expect(swept.status).toBe('completed');
    expect(swept.end_time).toBeTruthy();
    expect(swept.duration).toEqual(expect.any(Number));

    // Sweeping again changes nothing and stores nothing new.
    const before = (await org.events(answered)).length;
    await sweepStaleCalls(server.ctx, server.app.voice.journal, later);
    expect((await org.events(answered)).length).toBe(before);
    expect((await org.events(answered)).filter((e) => e.kind === 'sweep')).toHaveLength(1);

    // The CDR that finally arrives is authoritative.
    const cdr = {
      domain: org.domain,
      from: '+15550000001',
      to: did.number,
      duration: 80,
      billsec: 77,
      disposition: 'ANSWERED',
      call_id: `${answered}@sip.test`,
      session: { token: answered, callStartTime: answeredAt - 3000, callAnswerTime: answeredAt, callEndTime: answeredAt + 77_000 },
    };
    expect((await voice('/api/webhooks/cloudonix/cdr', cdr)).status).toBe(204);
    const final = await org.log(answered);
    expect(final).toMatchObject({ status: 'completed', duration: 77, end_time: new Date(answeredAt + 77_000).toISOString() });
    expect(final.cloudonix_cdr).toEqual(cdr);
  });
});
