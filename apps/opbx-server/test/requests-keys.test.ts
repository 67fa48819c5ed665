import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { sha256Hex } from '@opbx/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createContext } from '../src/context.js';
import { putCloudonixSettings, WebhookKeyCache } from '../src/modules/cloudonix/cloudonix.service.js';
import { createOrganization } from '../src/modules/organization/organization.service.js';
import { createTestOrg, randomE164, uniqueEmail } from './support/api.js';
import { freshDatabaseUrl, testConfig } from './support/context.js';
import { createFlowsOrg, type FlowsOrg, type FlowsServer, startFlowsServer } from './support/flows-harness.js';
import { newToken, routeParams } from './support/flows-wire.js';

/**
 * Issue 10, item 5: requests keys are the only credential on the voice webhooks. A key taken by
 * another tenant is refused without saying whose, settings writes are rate-limited, an address
 * over the bad-key limit is refused before its key is looked up, weak keys are refused, and keys
 * are stored under a keyed hash. Each of these failed on the code before the fix.
 */
let server: FlowsServer;
let orgA: FlowsOrg;
let orgB: FlowsOrg;

// One trusted proxy hop: each test presents its own client address, so the per-address limits stay apart.
beforeAll(async () => {
  server = await startFlowsServer({ OPBX_TRUST_PROXY: '1' });
  orgA = await createFlowsOrg(server, 'Keys A');
  orgB = await createFlowsOrg(server, 'Keys B');
});
afterAll(() => server?.close());

const newKey = () => `rk-${randomBytes(16).toString('hex')}`;
const settings = (org: FlowsOrg, requests_key?: string) => ({
  domain_uuid: `uuid-${org.organizationId.slice(-6)}`,
  domain_name: org.domain,
  webhook_base_url: server.base,
  ...(requests_key ? { requests_key } : {}),
});

let address = 0;
const clientAddress = () => `203.0.113.${++address}`;

async function post(path: string, key: string, from: string, body: unknown) {
  const res = await fetch(`${server.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-forwarded-for': from },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('a key another organization uses', () => {
  it('is a 409 that names neither the organization nor anything of its settings, and changes nothing', async () => {
    const before = await server.ctx.db.selectFrom('cloudonix_settings').selectAll().orderBy('organization_id').execute();
    const res = await orgB.owner.request('PUT', '/settings/cloudonix', settings(orgB, orgA.requestsKey));
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(res.body.error.details).toEqual([{ field: 'requests_key', message: expect.any(String) }]);
    const text = JSON.stringify(res.body);
    for (const secret of [orgA.organizationId, orgA.domain, 'Keys A']) expect(text).not.toContain(secret);
    expect(await server.ctx.db.selectFrom('cloudonix_settings').selectAll().orderBy('organization_id').execute()).toEqual(before);
    // Both organizations still authenticate with their own keys.
    expect((await post('/api/webhooks/cloudonix/session-update', orgA.requestsKey, clientAddress(), {})).status).toBe(422);
    expect((await post('/api/webhooks/cloudonix/session-update', orgB.requestsKey, clientAddress(), {})).status).toBe(422);
  });

  it('saving the key an organization already has is fine', async () => {
    const res = await orgA.owner.request('PUT', '/settings/cloudonix', settings(orgA, orgA.requestsKey));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe('settings writes', () => {
  it('are limited per user and organization: the 11th write of an owner within the hour is a 429 with Retry-After', async () => {
    const org = await createFlowsOrg(server, 'Keys Limited'); // its first write
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await org.owner.request('PUT', '/settings/cloudonix', settings(org, newKey()))).status);
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(200));
    const limited = await org.owner.request('PUT', '/settings/cloudonix', settings(org, newKey()));
    expect(statuses[9]).toBe(429);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('the bad-key limit', () => {
  it.each([
    ['/api/voice/route', 401],
    ['/api/webhooks/cloudonix/session-update', 401],
  ])('%s: an address over the limit is refused even with the right key', async (path, unauthorized) => {
    const from = clientAddress();
    const body = routeParams(orgA, newToken(), randomE164(), randomE164());
    for (let i = 0; i < 60; i++) expect((await post(path, `rk-guess-${randomBytes(12).toString('hex')}`, from, body)).status).toBe(unauthorized);
    expect((await post(path, `rk-guess-${randomBytes(12).toString('hex')}`, from, body)).status).toBe(429);
    // The right key, guessed at last, is no longer even looked up from this address…
    const right = await post(path, orgA.requestsKey, from, body);
    expect(right.status).toBe(429);
    // …while Cloudonix, from another address, is served.
    expect((await post(path, orgA.requestsKey, clientAddress(), body)).status).not.toBe(429);
  });
});

describe('weak keys', () => {
  it.each([
    ['shorter than 24 characters', randomBytes(10).toString('hex')],
    ['one character repeated', 'k'.repeat(40)],
    ['a run of the alphabet', 'abcdefghijklmnopqrstuvwxyz'],
    ['a repeated word', 'Secret12Secret12Secret12'],
    ['two characters alternating', 'xy'.repeat(16)],
  ])('%s: 422 naming requests_key', async (_label, key) => {
    const res = await orgA.owner.request('PUT', '/settings/cloudonix', settings(orgA, key));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.details).toEqual([{ field: 'requests_key', message: expect.any(String) }]);
  });

  it('a generated key (requests_key omitted on first setup) is accepted and returned once', async () => {
    const org = await createFlowsOrg(server, 'Keys Generated');
    await server.ctx.db.deleteFrom('cloudonix_settings').where('organization_id', '=', org.organizationId).execute();
    const res = await org.owner.request('PUT', '/settings/cloudonix', settings(org));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.requests_key).toMatch(/^\S{24,}$/);
    expect((await post('/api/webhooks/cloudonix/session-update', res.body.requests_key, clientAddress(), {})).status).toBe(422);
  });
});

describe('storage', () => {
  it('keeps a keyed hash (HMAC under a key derived from the app key), not the bare SHA-256', async () => {
    const row = await server.ctx.db.selectFrom('cloudonix_settings').selectAll().where('organization_id', '=', orgA.organizationId).executeTakeFirstOrThrow();
    expect(row.requests_key_hash).not.toBe(sha256Hex(orgA.requestsKey));
    expect(row.requests_key_hash).toBe(server.ctx.keyedHash(orgA.requestsKey));
    expect(row.requests_key_hash_alg).toBe('hmac-sha256');
    expect(JSON.stringify(row)).not.toContain(orgA.requestsKey);
  });

  it('rows stored before the keyed hash (bare SHA-256) are re-hashed at start-up and keep working', async () => {
    const db = await freshDatabaseUrl();
    const config = testConfig(db.url);
    const key = newKey();
    let organizationId: string;
    const first = await createContext(config);
    try {
      organizationId = (
        await createOrganization(first, { name: 'Legacy', timezone: 'UTC', ownerEmail: uniqueEmail('legacy'), ownerPassword: 'legacy-passw0rd' })
      ).organization_id;
      await putCloudonixSettings(first, organizationId, {
        domain_uuid: 'legacy',
        domain_name: 'legacy.cloudonix.test',
        webhook_base_url: 'https://pbx.legacy.example',
        requests_key: key,
      });
      // What migration 002's code wrote.
      await first.db
        .updateTable('cloudonix_settings')
        .set({ requests_key_hash: sha256Hex(key), requests_key_hash_alg: 'sha256' })
        .execute();
    } finally {
      await first.close();
    }
    const second = await createContext(config);
    try {
      const row = await second.db.selectFrom('cloudonix_settings').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ requests_key_hash: second.keyedHash(key), requests_key_hash_alg: 'hmac-sha256' });
      expect((await new WebhookKeyCache(second).resolve(key))?.organizationId).toBe(organizationId);
      expect(await new WebhookKeyCache(second).resolve(`${key}x`)).toBeNull();
    } finally {
      await second.close();
      await db.drop();
    }
  });
});

describe('reading the settings', () => {
  it('admins and agents read them (the README role table) without any of the key; the owner sees its last characters', async () => {
    const members = await createTestOrg(server.app, server.ctx, 'Keys Roles');
    const key = newKey();
    expect(
      (
        await members.owner.request('PUT', '/settings/cloudonix', {
          domain_uuid: 'roles',
          domain_name: 'roles.cloudonix.test',
          webhook_base_url: server.base,
          requests_key: key,
        })
      ).status,
    ).toBe(200);
    for (const api of [members.admin, members.agent]) {
      const res = await api.get('/settings/cloudonix');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ domain_name: 'roles.cloudonix.test', requests_key_set: true, voice_url: `${server.base}/api/voice/route` });
      expect(res.body).not.toHaveProperty('requests_key_hint');
      expect(res.body).not.toHaveProperty('requests_key');
      expect(JSON.stringify(res.body)).not.toContain(key.slice(-4));
    }
    expect((await members.owner.get('/settings/cloudonix')).body.requests_key_hint).toBe(`…${key.slice(-4)}`);
    // Writing stays the owner's.
    expect(
      (
        await members.admin.request('PUT', '/settings/cloudonix', {
          domain_uuid: 'roles',
          domain_name: 'roles.cloudonix.test',
          webhook_base_url: server.base,
          requests_key: newKey(),
        })
      ).status,
    ).toBe(403);
  });
});

describe('the header the README documents', () => {
  it('is what the server checks: Authorization: Bearer <key>, or X-Cx-Apikey; not a header named authorization-api-key', async () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.split('## Voice (Cloudonix) endpoints')[1]!.split(/\n##+ /)[0]!;
    expect(section).toContain('`Authorization: Bearer <key>`');
    expect(section).toContain('`X-Cx-Apikey: <key>`');
    const hook = (headers: Record<string, string>) =>
      fetch(`${server.base}/api/webhooks/cloudonix/session-update`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': clientAddress(), ...headers },
        body: '{}',
      });
    // 422: authenticated, and then the empty body is refused for want of a session token.
    expect((await hook({ authorization: `Bearer ${orgA.requestsKey}` })).status).toBe(422);
    expect((await hook({ 'x-cx-apikey': orgA.requestsKey })).status).toBe(422);
    // The domain profile setting is called authorization-api-key; Cloudonix does not send a header of that name.
    expect((await hook({ 'authorization-api-key': orgA.requestsKey })).status).toBe(401);
  });
});
