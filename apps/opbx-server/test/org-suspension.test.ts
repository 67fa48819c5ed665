import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SESSIONS_TOPIC, type SessionsEndedMessage } from '../src/modules/auth/session-events.js';
import { setOrganizationStatus } from '../src/modules/organization/organization.service.js';
import { MESSAGES } from '../src/modules/voice/router.js';
import { randomE164 } from './support/api.js';
import { type CliResult, opbx } from './support/cli.js';
import { createFlowsOrg, dialed, expectClean, type FlowsOrg, type FlowsServer, spoken, startFlowsServer } from './support/flows-harness.js';
import { cdr, newToken, routeParams, send, sessionFacts, sessionUpdate } from './support/flows-wire.js';

/**
 * Issue 10, item 6: a suspended organization costs nothing. Its numbers are out of service, its
 * phones cannot dial, its webhooks are acknowledged and ignored, its users cannot sign in; resuming
 * restores all of it. Suspension takes effect at once (the routing snapshot is dropped). Each of
 * these failed on the code before the fix (the suspended organization routed and stored as before).
 */
let server: FlowsServer;
let org: FlowsOrg;
let did: { id: string; number: string };
let other: FlowsOrg;
let otherDid: { id: string; number: string };
let vmDid: { id: string; number: string };

const answer = { outcome: 'answer' as const, after: 2, talk: 10 };

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'Suspended Org');
  await org.userWithExtension('201');
  did = await org.did('extension', { extension_id: await org.extension('202') });
  vmDid = await org.did('voicemail', { extension_id: await org.extension('209', { voicemail: true }) });
  other = await createFlowsOrg(server, 'Neighbour Org');
  otherDid = await other.did('extension', { extension_id: await other.extension('202') });
});
afterAll(() => server?.close());

const storedEvents = async (callId: string) => (await server.ctx.db.selectFrom('call_events').select('id').where('call_id', '=', callId).execute()).length;
const storedLogs = async (callId: string) => (await server.ctx.db.selectFrom('call_logs').select('id').where('call_id', '=', callId).execute()).length;

/** Session-end announcements seen on the bus. */
const ended: SessionsEndedMessage[] = [];

describe('a suspended organization', () => {
  beforeAll(async () => {
    server.ctx.bus.subscribe(SESSIONS_TOPIC, (m) => void ended.push(m as SessionsEndedMessage));
    // Routed once first, so the snapshot is cached: suspension must drop it at once.
    expect(dialed(await org.call({ to: did.number, scenario: { targets: { '202': answer } } }))).toEqual([['202']]);
    await setOrganizationStatus(server.ctx, org.organizationId, 'inactive');
  });

  it('callers to its numbers hear the not-in-service message, and nothing is stored', async () => {
    const t = await org.call({ to: did.number, scenario: { targets: { '202': answer } } });
    expect(t.dials).toEqual([]);
    expect(spoken(t).join(' ')).toContain(MESSAGES.not_in_service);
    expect(await storedLogs(t.callSid)).toBe(0);
    expect(await storedEvents(t.callSid)).toBe(0);
  });

  it('its extensions cannot dial out (nor each other)', async () => {
    for (const to of ['+12125550123', '202']) {
      const t = await org.call({ direction: 'subscriber', from: '201', to, scenario: { defaultTarget: answer } });
      expect(t.dials, to).toEqual([]);
      expect(spoken(t).join(' '), to).toContain(MESSAGES.not_permitted);
      expect(await storedLogs(t.callSid)).toBe(0);
    }
  });

  it('session updates and CDRs are acknowledged (2xx) and store nothing', async () => {
    const token = newToken();
    const facts = sessionFacts(org, token, randomE164(), did.number);
    const su = await send(org, '/api/webhooks/cloudonix/session-update', sessionUpdate(facts, 'connected', { answerMs: facts.startMs + 2000 }));
    expect(su.status, su.text).toBe(204);
    const record = await send(org, '/api/webhooks/cloudonix/cdr', cdr(facts, 'ANSWERED', facts.startMs + 2000, facts.startMs + 60_000));
    expect(record.status, record.text).toBe(204);
    expect(await storedEvents(token)).toBe(0);
    expect(await storedLogs(token)).toBe(0);
  });

  it('a call in progress when it was suspended goes no further (no next member, forward or voicemail)', async () => {
    // The dial callback of a call routed before the suspension: resumed briefly to route it.
    await setOrganizationStatus(server.ctx, org.organizationId, 'active');
    const token = newToken();
    const routed = await send(org, '/api/voice/route', routeParams(org, token, randomE164(), did.number));
    const action = /<Dial[^>]*action="([^"]+)"/.exec(routed.text)![1]!.replace(/&amp;/g, '&');
    await setOrganizationStatus(server.ctx, org.organizationId, 'inactive');
    const next = await send(org, action, { CallSid: token, DialCallStatus: 'no-answer' });
    expect(next.status).toBe(200);
    expect(next.text).not.toMatch(/<Dial|<Record/);
    expect(next.text).toMatch(/<Hangup\/>/);
  });

  it('a voicemail left on a call routed before the suspension is not stored', async () => {
    await setOrganizationStatus(server.ctx, org.organizationId, 'active');
    const token = newToken();
    const routed = await send(org, '/api/voice/route', routeParams(org, token, randomE164(), vmDid.number));
    const action = /<Record[^>]*action="([^"]+)"/.exec(routed.text)![1]!.replace(/&amp;/g, '&');
    await setOrganizationStatus(server.ctx, org.organizationId, 'inactive');
    const res = await send(org, action, { CallSid: token, RecordingUrl: 'https://recordings.example/vm.wav', RecordingDuration: '7' });
    expect(res.status).toBe(200);
    expect(await server.ctx.db.selectFrom('voicemails').select('id').where('call_id', '=', token).execute()).toEqual([]);
    await server.app.voice.journal.flush();
    const log = await server.ctx.db.selectFrom('call_logs').select('recording_url').where('call_id', '=', token).executeTakeFirst();
    expect(log?.recording_url ?? null).toBeNull();
  });

  it('its users are signed out: every token is revoked, and the end of each session is announced (realtime drops them)', async () => {
    expect((await org.owner.get('/organization')).status).toBe(401);
    const live = await server.ctx.db
      .selectFrom('api_tokens')
      .select('id')
      .where('organization_id', '=', org.organizationId)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
    expect(ended.map((m) => m.user_id).sort()).toEqual([org.org.ownerId, org.org.adminId, org.org.agentId].sort());
    expect(ended.every((m) => m.organization_id === org.organizationId && m.reason === 'revoked' && !m.token_ids)).toBe(true);
  });

  it('other organizations are untouched', async () => {
    const t = await other.call({ to: otherDid.number, scenario: { targets: { '202': answer } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['202']]);
  });
});

describe('resuming', () => {
  it('restores routing, dialing and webhooks at once; the revoked sessions stay revoked', async () => {
    await setOrganizationStatus(server.ctx, org.organizationId, 'active');
    expect((await org.owner.get('/organization')).status).toBe(401);
    // The suite's owner session back, to read the call log below.
    await server.ctx.db.updateTable('api_tokens').set({ revoked_at: null }).where('organization_id', '=', org.organizationId).execute();
    const t = await org.call({ to: did.number, scenario: { targets: { '202': answer } } });
    expectClean(t);
    expect(dialed(t)).toEqual([['202']]);
    expect((await org.log(t.callSid)).status).toBe('completed');
    const out = await org.call({ direction: 'subscriber', from: '201', to: '202', scenario: { defaultTarget: answer } });
    expect(dialed(out)).toEqual([['202']]);
  });
});

describe('npm run opbx -- org suspend|resume', () => {
  const show = (r: CliResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
  // The CLI against the same database file as the server (on PostgreSQL, the same schema).
  const env = () => ({ DATABASE_URL: server.ctx.config.DATABASE_URL, OPBX_APP_KEY: server.ctx.config.OPBX_APP_KEY!, LOG_LEVEL: 'warn' });
  const status = async () =>
    (await server.ctx.db.selectFrom('organizations').select('status').where('id', '=', org.organizationId).executeTakeFirstOrThrow()).status;

  it('suspends and resumes, printing one JSON line each time', { timeout: 300_000 }, async () => {
    const suspended = await opbx(['org', 'suspend', '--org', org.organizationId], env());
    expect(suspended.code, show(suspended)).toBe(0);
    expect(suspended.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(suspended.stdout)).toEqual({ organization_id: org.organizationId, status: 'inactive' });
    expect(await status()).toBe('inactive');
    const resumed = await opbx(['org', 'resume', '--org', org.organizationId], env());
    expect(resumed.code, show(resumed)).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({ organization_id: org.organizationId, status: 'active' });
    expect(await status()).toBe('active');
  });

  it('an unknown organization is an error (exit 1) that says so; --help explains the command', { timeout: 300_000 }, async () => {
    const unknown = await opbx(['org', 'suspend', '--org', '00000000-0000-7000-8000-000000000000'], env());
    expect(unknown.code, show(unknown)).toBe(1);
    expect(unknown.stderr).toMatch(/organization .* not found/);
    const help = await opbx(['org', 'suspend', '--help'], env());
    expect(help.code, show(help)).toBe(0);
    expect(help.stdout).toMatch(/^Usage: opbx org suspend \[options\]/m);
    expect(help.stdout).toContain('--org <id>');
  });
});
