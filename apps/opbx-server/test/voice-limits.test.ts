import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomE164 } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { createTelephonyOrg, newCallSid, type TelephonyOrg } from './support/telephony.js';

/**
 * The per-organization limits of the voice path and the webhooks: one organization's burst is
 * refused politely (callers hear that all lines are busy; Cloudonix gets 429 and retries) while
 * another organization's calls go on.
 */
let server: TestServer;
let a: TelephonyOrg;
let b: TelephonyOrg;
const LIMIT = 3;

beforeAll(async () => {
  server = await createTestServer({ OPBX_VOICE_RATE_LIMIT: String(LIMIT) });
  a = await createTelephonyOrg(server.app, server.ctx, { name: 'Busy Co' });
  b = await createTelephonyOrg(server.app, server.ctx, { name: 'Quiet Co' });
});
afterAll(() => server?.close());

const route = (org: TelephonyOrg) =>
  org.cloudonix.post('/api/voice/route', {
    CallSid: newCallSid(),
    Domain: org.domain,
    AccountSid: org.domain,
    From: randomE164(),
    To: org.did.number,
    Direction: 'inbound',
  });

const cdr = (org: TelephonyOrg) => {
  const callSid = newCallSid();
  const start = Date.now() - 60_000;
  return org.cloudonix.post('/api/webhooks/cloudonix/cdr', {
    timestamp: Math.floor(start / 1000),
    domain: org.domain,
    from: randomE164(),
    to: org.did.number,
    duration: 10,
    billsec: 5,
    disposition: 'ANSWERED',
    call_id: `${callSid}@sip.test`,
    session: { token: callSid, callStartTime: start, callAnswerTime: start + 5000, callEndTime: start + 10_000, status: 'completed' },
  });
};

describe('per-organization limits', () => {
  it('voice requests over OPBX_VOICE_RATE_LIMIT a second hear "all lines are busy" (429); another organization is unaffected', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => route(a)));
    const busy = answers.filter((r) => r.status === 429);
    // At most LIMIT a second pass; a burst may straddle two one-second windows.
    expect(busy.length).toBeGreaterThanOrEqual(12 - 2 * LIMIT);
    expect(String(busy[0]!.body)).toMatch(/All lines are busy/);
    expect(busy[0]!.headers['retry-after']).toBeDefined();
    const other = await route(b);
    expect(other.status).toBe(200);
    expect(String(other.body)).toContain('<Dial');
  });

  it('webhooks over four times that a second get 429 RATE_LIMIT_EXCEEDED; another organization is unaffected', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => cdr(a)));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(40 - 2 * 4 * LIMIT);
    expect(limited[0]!.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(answers.filter((r) => r.status === 204).length).toBeGreaterThan(0);
    expect((await cdr(b)).status).toBe(204);
  });
});
