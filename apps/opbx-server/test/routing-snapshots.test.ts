import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { until } from '../../../packages/platform/test/support/until.js';
import { WebhookKeyCache } from '../src/modules/cloudonix/cloudonix.service.js';
import { SNAPSHOT_TTL_MS, SnapshotCache, VERSION_CHECK_MS } from '../src/modules/voice/runtime.js';
import { createTestOrg, type TestOrg } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';
import { newToken } from './support/flows-wire.js';

/**
 * The routing snapshot cache on a controlled clock: a configuration write is seen by the very
 * next call; a change whose bus message never arrived is found by the version check within 10 s;
 * the 10-minute age limit (for hand edits) reloads in the background, so no call waits on a
 * reload, and a refresh never overwrites a newer write.
 */
let server: TestServer;
let org: TestOrg;
let extensionId: string;

beforeAll(async () => {
  server = await createTestServer();
  org = await createTestOrg(server.app, server.ctx, 'Snapshot Org');
  const ext = await org.owner.post('/extensions', { extension_number: '701', type: 'virtual' });
  expect(ext.status).toBe(201);
  extensionId = ext.body.id;
});
afterAll(() => server?.close());

/** Changes the extension's number behind the cache's back, as a lost bus message would leave it. */
const renumberSilently = (n: string) => server.ctx.db.updateTable('extensions').set({ extension_number: n }).where('id', '=', extensionId).execute();

const caughtUp = (check: () => Promise<boolean>) => until(check, 'the cache to catch up', 2_000);

const numberIn = async (cache: SnapshotCache) => (await cache.get(org.organizationId))!.extensions.get(extensionId)!.number;

/** A configuration write made where our bus cannot hear it (another process, Redis down): the version moves. */
const bumpVersionSilently = () =>
  server.ctx.db
    .updateTable('config_versions')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('organization_id', '=', org.organizationId)
    .execute();

describe('routing snapshot cache', () => {
  it('finds a change nobody announced within the version check interval, and says so', async () => {
    let clock = 5_000_000;
    const missed: string[] = [];
    const cache = new SnapshotCache(
      server.ctx,
      () => clock,
      undefined,
      (orgId) => missed.push(orgId),
    );
    await renumberSilently('741');
    expect(await numberIn(cache)).toBe('741');

    await renumberSilently('742');
    await bumpVersionSilently();
    clock += VERSION_CHECK_MS - 1;
    expect(await numberIn(cache)).toBe('741'); // not checked yet: answered from memory
    clock += 1;
    expect(await numberIn(cache)).toBe('741'); // checked now, in the background
    await caughtUp(async () => (await numberIn(cache)) === '742');
    expect(missed).toEqual([org.organizationId]);
  });

  it('keeps the snapshot when the version has not moved (one row read, no reload)', async () => {
    let clock = 6_000_000;
    const missed: string[] = [];
    const cache = new SnapshotCache(
      server.ctx,
      () => clock,
      undefined,
      (orgId) => missed.push(orgId),
    );
    await renumberSilently('751');
    expect(await numberIn(cache)).toBe('751');
    await renumberSilently('752'); // a hand edit: no version bump
    for (let i = 0; i < 3; i++) {
      clock += VERSION_CHECK_MS;
      expect(await numberIn(cache)).toBe('751');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await numberIn(cache)).toBe('751');
    expect(missed).toEqual([]);
  });

  it('serves the expired snapshot at once while its successor loads, then the successor', async () => {
    let clock = 1_000_000;
    const cache = new SnapshotCache(server.ctx, () => clock);
    await renumberSilently('701');
    expect(await numberIn(cache)).toBe('701');

    await renumberSilently('702');
    expect(await numberIn(cache)).toBe('701'); // within the TTL: the cache is trusted
    clock += SNAPSHOT_TTL_MS + 1;
    expect(await numberIn(cache)).toBe('701'); // expired: answered from memory, reload started
    await caughtUp(async () => (await numberIn(cache)) === '702');
  });

  it('after an invalidation the next call waits for a fresh load', async () => {
    const cache = new SnapshotCache(server.ctx, () => 1_000_000);
    await renumberSilently('711');
    expect(await numberIn(cache)).toBe('711');
    await renumberSilently('712');
    cache.invalidate(org.organizationId);
    expect(await numberIn(cache)).toBe('712');
  });

  it('a background refresh that started before a write does not overwrite what the write brought', async () => {
    let clock = 2_000_000;
    const cache = new SnapshotCache(server.ctx, () => clock);
    await renumberSilently('721');
    expect(await numberIn(cache)).toBe('721');
    clock += SNAPSHOT_TTL_MS + 1;
    const stale = cache.get(org.organizationId); // starts the refresh
    await renumberSilently('722');
    cache.invalidate(org.organizationId);
    expect((await stale)!.extensions.get(extensionId)!.number).toBe('721');
    expect(await numberIn(cache)).toBe('722');
    // Whatever the refresh read, a later call still sees the write.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await numberIn(cache)).toBe('722');
  });

  it('a failed refresh keeps the snapshot answering, reports the error and tries again later', async () => {
    let clock = 3_000_000;
    const errors: unknown[] = [];
    const ctx = server.ctx;
    let failing = false;
    // The cache reads through ctx.db; a proxy makes its queries fail on demand.
    const flaky = new Proxy(ctx, {
      get: (target, prop) =>
        prop === 'db' && failing
          ? new Proxy(target.db, {
              get: () => () => {
                throw new Error('database down');
              },
            })
          : Reflect.get(target, prop),
    });
    const cache = new SnapshotCache(
      flaky,
      () => clock,
      (err) => errors.push(err),
    );
    await renumberSilently('731');
    expect(await numberIn(cache)).toBe('731');
    failing = true;
    clock += SNAPSHOT_TTL_MS + 1;
    expect(await numberIn(cache)).toBe('731');
    await caughtUp(async () => errors.length === 1);
    expect(await numberIn(cache)).toBe('731'); // still answering; no retry storm within the back-off
    expect(errors.length).toBe(1);
    failing = false;
    await renumberSilently('732');
    clock += 5_001;
    await numberIn(cache); // the back-off is over: this call starts a new refresh
    await caughtUp(async () => (await numberIn(cache)) === '732');
  });
});

describe('webhook key cache', () => {
  /** Replaces the organization's requests key behind the cache's back (no invalidation). */
  const setKeySilently = (key: string) =>
    server.ctx.db
      .updateTable('cloudonix_settings')
      .set({ requests_key_hash: server.ctx.keyedHash(key), requests_key_enc: server.ctx.secrets.encrypt(key) })
      .where('organization_id', '=', org.organizationId)
      .execute();

  it('does not cache a lookup that was in flight when a settings write invalidated it', async () => {
    const oldKey = `rk-old-${newToken()}`;
    const put = await org.owner.request('PUT', '/settings/cloudonix', {
      domain_uuid: 'snap-domain',
      domain_name: 'snap.cloudonix.test',
      webhook_base_url: 'https://pbx.example.com',
      requests_key: oldKey,
    });
    expect(put.status).toBe(200);
    const cache = new WebhookKeyCache(server.ctx);
    const inFlight = cache.resolve(oldKey); // reads the old key…
    cache.invalidate(); // …while a write replaces it
    expect((await inFlight)?.organizationId).toBe(org.organizationId);
    await setKeySilently(`rk-new-${newToken()}`);
    expect(await cache.resolve(oldKey)).toBeNull();
  });

  it('caches a settled lookup until the next invalidation', async () => {
    const key = `rk-kept-${newToken()}`;
    await setKeySilently(key);
    const cache = new WebhookKeyCache(server.ctx);
    expect((await cache.resolve(key))?.organizationId).toBe(org.organizationId);
    await setKeySilently(`rk-other-${newToken()}`);
    expect((await cache.resolve(key))?.organizationId).toBe(org.organizationId); // trusted until told
    cache.invalidate();
    expect(await cache.resolve(key)).toBeNull();
  });
});
