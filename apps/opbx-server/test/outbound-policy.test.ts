import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { countryOfNumbers, defaultPolicy, refusalOf } from '../src/modules/outbound-policy/policy.js';
import { MESSAGES } from '../src/modules/voice/router.js';
import { createFlowsOrg, dialed, expectClean, type FlowsOrg, type FlowsServer, spoken, startFlowsServer } from './support/flows-harness.js';

/**
 * Issue 10, item 7 (toll fraud): per organization, the destinations its extensions may dial and
 * forward to. The default is national calls only; premium and special numbers need their own
 * permission; prefixes and countries can be blocked; only owners change it. Each test here failed
 * on the code before the fix (every E.164 number was dialled and accepted as a forward).
 */
let server: FlowsServer;
let org: FlowsOrg;
/** The agent's own user extension (300) in `org`. */
let agentExt: string;

const COMPANY = '+15550109000';
const TURKEY_VIA_00 = '00902121234567';
const TURKEY = '+902121234567';
const SATELLITE = '+88216123456'; // +882: international networks, non-geographic
const PREMIUM_US = '+19002345678';
const NATIONAL_US = '+12125550123';
const answer = { outcome: 'answer' as const, after: 2, talk: 5 };

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'Policy Org');
  await org.userWithExtension('501');
  agentExt = org.org.agentExtensionId;
  // The default caller ID must be one of the organization's numbers.
  if ((await org.owner.post('/dids', { phone_number: COMPANY, routing_type: 'extension', routing_config: { extension_id: agentExt } })).status !== 201)
    throw new Error('company DID');
  await org.settings({ default_caller_id: COMPANY });
});
afterAll(() => server?.close());

const policy = (body: Record<string, unknown>) => org.owner.request('PUT', '/settings/outbound-policy', body);
const forward = (destination: string, as = org.org.agent) =>
  as.patch(`/extensions/${agentExt}`, { call_forwarding: { enabled: true, destination, on_no_answer: false } });
const dialFrom501 = (to: string) => org.call({ direction: 'subscriber', from: '501', to, scenario: { defaultTarget: answer } });

async function expectBlocked(to: string, reason: string) {
  const t = await dialFrom501(to);
  expectClean(t);
  expect(t.dials, to).toEqual([]);
  expect(spoken(t).join(' ')).toContain(MESSAGES.blocked);
  const log = await org.log(t.callSid);
  expect(log).toMatchObject({ direction: 'outbound', status: 'failed', blocked_reason: reason });
}

describe('the default policy', () => {
  it('is national only, in the country of most of the organization numbers (else the US)', async () => {
    const res = await org.owner.get('/settings/outbound-policy');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      country: 'US',
      allow_national: true,
      allow_international: false,
      allow_premium: false,
      allow_special: false,
      blocked_prefixes: [],
      blocked_countries: [],
      is_default: true,
      updated_at: null,
    });
    expect(countryOfNumbers(['+442079460123', '+442079460124', '+12125550123'])).toBe('GB');
    expect(countryOfNumbers([])).toBe('US');
  });

  it('an agent forwarding their extension to +882… is refused with a 422 on call_forwarding.destination', async () => {
    const res = await forward(SATELLITE);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.details).toEqual([{ field: 'call_forwarding.destination', message: expect.stringMatching(/international/) }]);
    // …and so are a premium number and a foreign one; an internal extension and a national number are fine.
    expect((await forward(PREMIUM_US)).status).toBe(422);
    expect((await forward(TURKEY)).status).toBe(422);
    expect((await forward('501')).status).toBe(200);
    expect((await forward(NATIONAL_US)).status).toBe(200);
  });

  it('0090… dialled from a phone is refused: a message, no dial, and the log says why', async () => {
    await expectBlocked(TURKEY_VIA_00, 'international_not_allowed');
  });

  it('premium numbers (+1 900) are refused even though national', async () => {
    await expectBlocked(PREMIUM_US, 'premium_not_allowed');
    const t = await dialFrom501(NATIONAL_US);
    expect(dialed(t)).toEqual([[NATIONAL_US]]);
  });
});

describe('an owner edits the policy', () => {
  it('international calls work once allowed; premium and special numbers still need their own permission', async () => {
    const res = await policy({ allow_international: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ country: 'US', allow_international: true, allow_premium: false, is_default: false, updated_at: expect.any(String) });
    expect(dialed(await dialFrom501(TURKEY_VIA_00))).toEqual([[TURKEY]]);
    await expectBlocked(PREMIUM_US, 'premium_not_allowed');
    expect((await forward(SATELLITE)).body.error.details[0].message).toMatch(/special-service or non-geographic/);
    expect((await policy({ allow_special: true })).status).toBe(200);
    expect((await forward(SATELLITE)).status).toBe(200);
    expect((await policy({ allow_premium: true })).status).toBe(200);
    expect(dialed(await dialFrom501(PREMIUM_US))).toEqual([[PREMIUM_US]]);
  });

  it('blocked prefixes and countries win over everything the policy allows', async () => {
    expect((await policy({ blocked_prefixes: ['+1212'], blocked_countries: ['TR'] })).status).toBe(200);
    await expectBlocked(NATIONAL_US, 'prefix_blocked');
    await expectBlocked(TURKEY_VIA_00, 'country_blocked');
    expect(dialed(await dialFrom501('+13125550123'))).toEqual([['+13125550123']]);
    expect((await policy({ blocked_prefixes: [], blocked_countries: [] })).status).toBe(200);
  });

  it('a forward the policy refuses can still be switched off (the client sends the destination along)', async () => {
    expect((await org.owner.patch(`/extensions/${agentExt}`, { call_forwarding: { enabled: false, destination: SATELLITE } })).status).toBe(200);
    expect((await policy({ allow_special: false })).status).toBe(200);
    expect((await forward(SATELLITE)).status).toBe(422);
    const off = await org.org.agent.patch(`/extensions/${agentExt}`, { call_forwarding: { enabled: false, destination: SATELLITE } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.call_forwarding).toMatchObject({ enabled: false });
  });

  it('a forward saved before the policy tightened does not dial', async () => {
    expect((await policy({ allow_international: true })).status).toBe(200);
    const ext = await org.extension(String(600 + Math.floor(Math.random() * 99)), { type: 'virtual', forward: { destination: '+442071838750' } });
    const did = await org.did('extension', { extension_id: ext });
    expect(dialed(await org.call({ to: did.number, scenario: { defaultTarget: answer } }))).toEqual([['+442071838750']]);

    expect((await policy({ allow_international: false })).status).toBe(200);
    const t = await org.call({ to: did.number, scenario: { defaultTarget: answer } });
    expectClean(t);
    expect(t.dials).toEqual([]);
    expect(spoken(t).join(' ')).toContain(MESSAGES.blocked);
    expect(await org.log(t.callSid)).toMatchObject({ direction: 'inbound', extension_id: ext, blocked_reason: 'international_not_allowed' });
  });

  it('the policy country decides what national means', async () => {
    expect((await policy({ country: 'TR', allow_international: false, allow_premium: false })).status).toBe(200);
    expect(dialed(await dialFrom501(TURKEY_VIA_00))).toEqual([[TURKEY]]);
    await expectBlocked(NATIONAL_US, 'international_not_allowed');
    // Every role reads the country on the organization (the console writes national numbers by it).
    expect((await org.org.agent.get('/organization')).body.country).toBe('TR');
    expect((await policy({ country: 'US' })).status).toBe(200);
    expect((await org.org.agent.get('/organization')).body.country).toBe('US');
  });
});

describe('who may read and change it', () => {
  it('owners write, admins read, agents neither; bad values are a 422 naming the field', async () => {
    expect((await org.org.admin.get('/settings/outbound-policy')).status).toBe(200);
    expect((await org.org.admin.request('PUT', '/settings/outbound-policy', { allow_premium: true })).status).toBe(403);
    expect((await org.org.agent.get('/settings/outbound-policy')).status).toBe(403);
    expect((await org.org.agent.request('PUT', '/settings/outbound-policy', { allow_premium: true })).status).toBe(403);
    for (const [body, field] of [
      [{ country: 'XX' }, 'country'],
      [{ country: 'us' }, 'country'],
      [{ blocked_prefixes: ['1900'] }, 'blocked_prefixes.0'],
      [{ blocked_countries: ['US', 'Nowhere'] }, 'blocked_countries.1'],
      [{ allow_premium: 'yes' }, 'allow_premium'],
    ] as const) {
      const res = await policy(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });

  it("another organization's policy is its own", async () => {
    const other = await createFlowsOrg(server, `Other ${randomBytes(2).toString('hex')}`);
    expect((await other.owner.get('/settings/outbound-policy')).body.is_default).toBe(true);
  });
});

describe('the pure rule', () => {
  it('classifies by libphonenumber number types and countries', () => {
    const us = defaultPolicy('US');
    expect(refusalOf(us, '+12125550123')).toBeNull();
    expect(refusalOf(us, '+15550100001')).toBeNull(); // a range no country claims, under +1: national
    expect(refusalOf(us, '+18762345678')).toBe('international_not_allowed'); // Jamaica shares +1
    expect(refusalOf(us, '+19002345678')).toBe('premium_not_allowed');
    expect(refusalOf({ ...us, allowInternational: true }, '+448712345678')).toBe('premium_not_allowed'); // UK 0871
    expect(refusalOf({ ...us, allowInternational: true }, '+88216123456')).toBe('special_not_allowed');
    expect(refusalOf({ ...us, allowNational: false }, '+12125550123')).toBe('national_not_allowed');
  });
});
