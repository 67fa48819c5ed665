import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestOrg, PASSWORD, type TestOrg, uniqueEmail } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';

let server: TestServer;
let org: TestOrg;

beforeAll(async () => {
  server = await createTestServer();
  org = await createTestOrg(server.app, server.ctx, 'Directory Org');
});
afterAll(() => server?.close());

describe('GET /directory', () => {
  it('lists the active extensions with their users’ names and presence, for every role, and nothing private', async () => {
    const colleague = await org.owner.post('/users', {
      name: 'Zoe Colleague',
      email: uniqueEmail('zoe'),
      password: PASSWORD,
      role: 'agent',
      extension_number: '205',
    });
    expect(colleague.status, JSON.stringify(colleague.body)).toBe(201);
    const mailbox = (await org.owner.post('/extensions', { extension_number: '900', type: 'virtual' })).body.id;
    await org.owner.post('/extensions', { extension_number: '901', type: 'virtual', status: 'inactive' });
    const gone = await org.owner.post('/users', { name: 'Gone User', email: uniqueEmail('gone'), password: PASSWORD, role: 'agent', extension_number: '206' });
    expect((await org.owner.patch(`/users/${gone.body.id}`, { status: 'inactive' })).status).toBe(200);
    // Presence as the call journal records it.
    await server.ctx.db
      .insertInto('extension_presence')
      .values({
        extension_id: colleague.body.extension.id,
        organization_id: org.organizationId,
        status: 'on_call',
        current_call_id: 'x',
        updated_at: new Date().toISOString(),
      })
      .execute();
    const agentName = (await org.agent.get('/auth/me')).body.name;

    const expected = [
      { extension_id: colleague.body.extension.id, extension_number: '205', type: 'user', name: 'Zoe Colleague', presence: 'on_call' },
      { extension_id: org.agentExtensionId, extension_number: '300', type: 'user', name: agentName, presence: null },
      { extension_id: mailbox, extension_number: '900', type: 'virtual', name: null, presence: null },
    ];
    for (const role of ['owner', 'admin', 'agent'] as const) {
      const res = await org[role].get('/directory');
      expect(res.status, role).toBe(200);
      expect(res.body, role).toEqual({ data: expected });
    }
    expect(JSON.stringify((await org.agent.get('/directory')).body)).not.toMatch(/@|sip|password/i);
    expect((await org.anon.get('/directory')).status).toBe(401);
  });

  it('keeps each organization to itself', async () => {
    const other = await createTestOrg(server.app, server.ctx, 'Other Directory Org');
    const res = await other.agent.get('/directory');
    expect(res.body.data.map((e: any) => e.extension_id)).toEqual([other.agentExtensionId]);
  });
});
