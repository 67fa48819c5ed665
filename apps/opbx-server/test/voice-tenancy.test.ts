import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFlowsOrg, dialed, expectClean, type FlowsOrg, type FlowsServer, spoken, startFlowsServer } from './support/flows-harness.js';

/**
 * Two organizations on one server: each one's calls are routed by its own configuration only.
 * A routing snapshot that loaded another organization's extensions or DIDs would let a caller of
 * one reach the other's phones (or a DID of one route into the other's numbering plan).
 */
let server: FlowsServer;
let a: FlowsOrg;
let b: FlowsOrg;
let bOnly: { userId: string; extensionId: string };
let bDid: { id: string; number: string };

beforeAll(async () => {
  server = await startFlowsServer();
  a = await createFlowsOrg(server, 'Tenant A');
  b = await createFlowsOrg(server, 'Tenant B');
  await a.userWithExtension('401');
  // 777 exists only in B; B's number rings it.
  bOnly = await b.userWithExtension('777');
  bDid = await b.did('extension', { extension_id: bOnly.extensionId });
  // Both snapshots are loaded (and cached) before the calls below.
  await server.app.voice.snapshots.get(a.organizationId);
  await server.app.voice.snapshots.get(b.organizationId);
});
afterAll(() => server?.close());

describe('voice tenancy', () => {
  it("a snapshot holds only its own organization's extensions and DIDs", async () => {
    const snap = (await server.app.voice.snapshots.get(a.organizationId))!;
    const owners = async (table: 'extensions' | 'dids', ids: string[]) =>
      ids.length ? (await server.ctx.db.selectFrom(table).select('organization_id').where('id', 'in', ids).execute()).map((r) => r.organization_id) : [];
    expect(new Set(await owners('extensions', [...snap.extensions.keys()]))).toEqual(new Set([a.organizationId]));
    expect(await owners('dids', [...snap.didsById.keys()])).not.toContain(b.organizationId);
    expect(snap.extensionsByNumber.has('777')).toBe(false);
    expect(snap.dids.has(bDid.number)).toBe(false);
  });

  it("a call on A's domain to B's number is not in service, and B's number still rings B", async () => {
    const crossed = await a.call({ to: bDid.number });
    expectClean(crossed);
    expect(dialed(crossed)).toEqual([]);
    expect(spoken(crossed).join(' ')).toMatch(/not in service/i);

    const own = await b.call({ to: bDid.number, scenario: { targets: { '777': { outcome: 'answer', after: 1, talk: 2 } } } });
    expectClean(own);
    expect(dialed(own)).toEqual([['777']]);
  });

  it("A's phones cannot dial an extension number that exists only in B", async () => {
    const t = await a.call({ direction: 'subscriber', from: '401', to: '777' });
    expectClean(t);
    expect(dialed(t)).toEqual([]);
  });
});
