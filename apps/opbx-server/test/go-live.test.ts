import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestOrg } from './support/api.js';
import { createFlowsOrg, type FlowsOrg, type FlowsServer, startFlowsServer } from './support/flows-harness.js';

/**
 * Going live from the console (issue 14 item 1): the call-path tester runs the real router on the
 * live snapshot without placing a call, "verify" checks the Cloudonix settings and reaches the
 * server through its public address, owners see the requests key's last four characters, and the
 * default caller ID must be one of the organization's own numbers.
 */
let server: FlowsServer;
let org: FlowsOrg;
let sales: string;
let support: string;
let hours: string;
let mailbox: string;
let number: string;

// Monday 2026-12-07 14:00 and Friday 2026-12-25 14:00 in New York (UTC-5).
const MONDAY_OPEN = '2026-12-07T14:00:00-05:00';
const MONDAY_NIGHT = '2026-12-07T22:00:00-05:00';
const CHRISTMAS = '2026-12-25T14:00:00-05:00';

beforeAll(async () => {
  server = await startFlowsServer();
  org = await createFlowsOrg(server, 'Go Live Org');
  expect((await org.owner.patch('/organization', { timezone: 'America/New_York' })).status).toBe(200);
  const a = await org.extension('601');
  const b = await org.extension('602');
  mailbox = await org.extension('699', { type: 'virtual', voicemail: true });
  sales = await org.ringGroup({
    name: 'Sales',
    strategy: 'sequential',
    timeout: 20,
    members: [
      { extension_id: a, priority: 1 },
      { extension_id: b, priority: 2 },
    ],
    fallback_action: { type: 'voicemail', extension_id: mailbox },
  });
  support = await org.ringGroup({
    name: 'Support',
    strategy: 'simultaneous',
    members: [
      { extension_id: a, priority: 1 },
      { extension_id: b, priority: 2 },
    ],
  });
  hours = await org.businessHours({
    timezone: 'America/New_York',
    schedules: [1, 2, 3, 4, 5].map((d) => ({ day_of_week: d, open_time: '09:00', close_time: '17:00' })),
    holidays: [{ date: '2026-12-25', name: 'Christmas' }],
    open_hours_routing: { type: 'ring_group', ring_group_id: sales },
    closed_hours_routing: { type: 'voicemail', extension_id: mailbox },
  });
  number = (await org.did('business_hours', { business_hours_id: hours })).number;
});
afterAll(() => server?.close());

const path = (body: Record<string, unknown>, as = org.owner) => as.post('/call-path', body);

describe('POST /call-path', () => {
  it('explains an inbound call through open business hours, a sequential group and its voicemail fallback', async () => {
    const res = await path({ to: number, at: MONDAY_OPEN });
    expect(res.status).toBe(200);
    expect(res.body.direction).toBe('inbound');
    expect(res.body.ends_with).toBe('voicemail');
    expect(res.body.steps.map((s: { kind: string }) => s.kind)).toEqual(['number', 'business_hours', 'ring_group', 'ring', 'ring', 'voicemail']);
    expect(res.body.summary).toMatch(
      new RegExp(`^\\${number} → business hours Hours \\w+ \\(open\\) → ring group Sales → ring 601 → then 602 → voicemail of 699$`),
    );
  });

  it('follows the closed branch at night and names the holiday', async () => {
    const night = await path({ to: number, at: MONDAY_NIGHT });
    expect(night.body.steps.map((s: { kind: string }) => s.kind)).toEqual(['number', 'business_hours', 'voicemail']);
    expect(night.body.steps[1].label).toMatch(/\(closed\)$/);
    const christmas = await path({ to: number, at: CHRISTMAS });
    expect(christmas.body.steps[1].label).toMatch(/\(closed — holiday: Christmas\)$/);
    expect(christmas.body.ends_with).toBe('voicemail');
  });

  it('rings a simultaneous group at once and hangs up when it has no fallback; an unknown number is not in service', async () => {
    const direct = (await org.did('ring_group', { ring_group_id: support })).number;
    const res = await path({ to: direct });
    expect(res.body.steps.map((s: { label: string }) => s.label)).toEqual([direct, 'ring group Support', 'ring 601, 602', 'nobody answered: hang up']);
    expect(res.body.ends_with).toBe('hangup');
    const unknown = await path({ to: '+15559990000' });
    expect(unknown.body.steps.at(-1).label).toMatch(/^not in service/);
  });

  it('explains a call placed from an extension, and never advances a round-robin pointer', async () => {
    const rr = await org.ringGroup({
      name: 'Rotation',
      strategy: 'round_robin',
      members: [
        { extension_id: await org.extension('611'), priority: 1 },
        { extension_id: await org.extension('612'), priority: 2 },
      ],
    });
    const rrNumber = (await org.did('ring_group', { ring_group_id: rr })).number;
    const first = await path({ to: rrNumber });
    const again = await path({ to: rrNumber });
    expect(first.body.steps[2].label).toBe(again.body.steps[2].label);
    const before = await server.ctx.db.selectFrom('ring_groups').select('rotation').where('id', '=', rr).executeTakeFirstOrThrow();
    expect(Number(before.rotation)).toBe(0);

    const internal = await path({ from: '601', to: '602' });
    expect(internal.body.direction).toBe('outbound');
    expect(internal.body.steps[0].label).toBe('extension 601 dials 602');
    expect(internal.body.steps[1].label).toBe('ring 602');
  });

  it('validates its input, is for managers only, and stores nothing', async () => {
    const bad = await path({ to: 'hello', at: 'tomorrow' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['at', 'to']);
    expect((await path({ to: number }, org.org.agent)).status).toBe(403);
    expect((await path({ to: number }, org.org.admin)).status).toBe(200);
    const logs = await org.owner.get('/call-logs');
    expect(logs.body.meta.total).toBe(0);
  });

  it("reads only the caller's own organization", async () => {
    const other = await createTestOrg(server.app, server.ctx, 'Other Org');
    const res = await path({ to: number }, other.owner);
    expect(res.status).toBe(200);
    expect(res.body.steps[0].label).toBe(`${number} (not one of your numbers)`);
  });
});

describe('Cloudonix settings from the console', () => {
  it('shows owners the last four characters of the requests key, and nobody the key', async () => {
    const owner = await org.owner.get('/settings/cloudonix');
    expect(owner.body.requests_key_last4).toBe(org.requestsKey.slice(-4));
    expect(JSON.stringify(owner.body)).not.toContain(org.requestsKey);
    const admin = await org.org.admin.get('/settings/cloudonix');
    expect(admin.body.requests_key_last4).toBeUndefined();
    expect(admin.body.requests_key_hint).toBeUndefined();
  });

  it('verifies: settings saved, the server reached through the webhook base URL, a number to call', async () => {
    const res = await org.owner.post('/settings/cloudonix/verify', {});
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.checks.map((c: { id: string; status: string }) => [c.id, c.status]));
    expect(byId).toEqual({ settings: 'ok', https: 'warning', reachable: 'ok', numbers: 'ok' });
    expect(res.body.ok).toBe(true);
    expect((await org.org.admin.post('/settings/cloudonix/verify', {})).status).toBe(403);
  });

  it('fails the reachability check when nothing answers at the base URL, and the settings check without settings', async () => {
    const broken = await createFlowsOrg(server, 'Broken Org');
    const put = await broken.owner.request('PUT', '/settings/cloudonix', {
      domain_uuid: 'x',
      domain_name: broken.domain,
      webhook_base_url: 'http://127.0.0.1:9',
    });
    expect(put.status).toBe(200);
    const res = await broken.owner.post('/settings/cloudonix/verify', {});
    expect(res.body.ok).toBe(false);
    expect(res.body.checks.find((c: { id: string }) => c.id === 'reachable').status).toBe('failed');
    const fresh = await createTestOrg(server.app, server.ctx, 'Fresh Org');
    const none = await fresh.owner.post('/settings/cloudonix/verify', {});
    expect(none.body.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual(['settings:failed', 'numbers:warning']);
  });
});

describe('default caller ID', () => {
  it("must be one of the organization's own numbers", async () => {
    const foreign = await org.owner.patch('/organization', { settings: { default_caller_id: '+15550001111' } });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.details).toEqual([{ field: 'settings.default_caller_id', message: 'must be one of your phone numbers' }]);
    const own = await org.owner.patch('/organization', { settings: { default_caller_id: number } });
    expect(own.status).toBe(200);
    expect(own.body.settings.default_caller_id).toBe(number);
    // Another organization's number is not ours either.
    const other = await createFlowsOrg(server, 'Caller Other');
    const theirs = (
      await other.did('ring_group', {
        ring_group_id: await other.ringGroup({ strategy: 'simultaneous', members: [{ extension_id: await other.extension('700'), priority: 1 }] }),
      })
    ).number;
    expect((await org.owner.patch('/organization', { settings: { default_caller_id: theirs } })).status).toBe(422);
  });
});
