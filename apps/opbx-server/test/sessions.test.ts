import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { until } from '../../../packages/platform/test/support/until.js';
import { SESSIONS_TOPIC, type SessionsEndedMessage } from '../src/modules/auth/session-events.js';
import { type Api, createTestOrg, type TestOrg, uniqueEmail } from './support/api.js';
import { createTestServer, type TestServer } from './support/context.js';

/**
 * Sessions end when they should: users edit their own profile (agents too) and prove it is them
 * to change password or email; a new password, a deactivation or a deletion ends sessions at
 * once and for good, and every instance is told (for the WebSocket subscriptions).
 */
let server: TestServer;
let org: TestOrg;
const ended: SessionsEndedMessage[] = [];

beforeAll(async () => {
  server = await createTestServer();
  org = await createTestOrg(server.app, server.ctx);
  server.ctx.bus.subscribe(SESSIONS_TOPIC, (m) => void ended.push(m as SessionsEndedMessage));
});
afterAll(() => server.close());

const PASSWORD = 'secret-pass-1';

/** A new agent and `sessions` signed-in clients of theirs. */
async function agentWithSessions(sessions: number): Promise<{ id: string; email: string; apis: Api[]; tokenIds: string[] }> {
  const email = uniqueEmail('session');
  const created = await org.owner.post('/users', { name: 'Session Agent', email, password: PASSWORD, role: 'agent' });
  expect(created.status).toBe(201);
  const apis: Api[] = [];
  for (let i = 0; i < sessions; i++) {
    const login = await org.anon.post('/auth/login', { email, password: PASSWORD });
    expect(login.status).toBe(200);
    apis.push(org.anon.as(login.body.access_token));
  }
  const rows = await server.ctx.db.selectFrom('api_tokens').select('id').where('user_id', '=', created.body.id).orderBy('created_at').execute();
  return { id: created.body.id, email, apis, tokenIds: rows.map((r) => r.id) };
}

const status = async (api: Api) => (await api.get('/auth/me')).status;
const endedFor = (userId: string) => ended.filter((m) => m.user_id === userId);

describe('users edit their own profile', () => {
  it('an agent changes their own name, and nothing of anyone else', async () => {
    const me = await agentWithSessions(1);
    const api = me.apis[0]!;
    const renamed = await api.patch(`/users/${me.id}`, { name: 'New Name' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('New Name');
    expect((await api.patch(`/users/${org.agentId}`, { name: 'Not mine' })).status).toBe(403);
    expect((await api.patch(`/users/${org.ownerId}`, { name: 'Not mine' })).status).toBe(403);
    expect((await api.patch(`/users/${me.id}`, { status: 'inactive' })).status).toBe(403);
    expect((await api.patch(`/users/${me.id}`, { role: 'admin' })).status).toBe(403);
    // Sending one's unchanged role and status along (a whole-profile form) is fine.
    expect((await api.patch(`/users/${me.id}`, { name: 'Same Again', role: 'agent', status: 'active' })).status).toBe(200);
  });

  it('changing one’s own password or email needs current_password in the same request', async () => {
    const me = await agentWithSessions(1);
    const api = me.apis[0]!;
    const newEmail = uniqueEmail('moved');
    for (const body of [{ password: 'brand-new-pass-2' }, { email: newEmail }]) {
      const missing = await api.patch(`/users/${me.id}`, body);
      expect(missing.status).toBe(422);
      expect(missing.body.error).toMatchObject({
        code: 'VALIDATION_ERROR',
        details: [{ field: 'current_password', message: expect.stringContaining('required') }],
      });
      const wrong = await api.patch(`/users/${me.id}`, { ...body, current_password: 'not-my-pass-9' });
      expect(wrong.status).toBe(422);
      expect(wrong.body.error.details).toEqual([{ field: 'current_password', message: 'is incorrect' }]);
    }
    // Nothing changed.
    expect((await org.anon.post('/auth/login', { email: me.email, password: PASSWORD })).status).toBe(200);
    // The same email again is no change and needs no proof.
    expect((await api.patch(`/users/${me.id}`, { email: me.email, name: 'Kept' })).status).toBe(200);

    const moved = await api.patch(`/users/${me.id}`, { email: newEmail, current_password: PASSWORD });
    expect(moved.status).toBe(200);
    expect(moved.body.email).toBe(newEmail);
    const changed = await api.patch(`/users/${me.id}`, { password: 'brand-new-pass-2', current_password: PASSWORD });
    expect(changed.status).toBe(200);
    expect((await org.anon.post('/auth/login', { email: newEmail, password: 'brand-new-pass-2' })).status).toBe(200);
    expect((await org.anon.post('/auth/login', { email: newEmail, password: PASSWORD })).status).toBe(422);
  });

  it('wrong current passwords count against the account like failed sign-ins', async () => {
    const limited = await createTestServer({ OPBX_LOGIN_LIMIT_EMAIL: '3' });
    try {
      const o = await createTestOrg(limited.app, limited.ctx);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await o.agent.patch(`/users/${o.agentId}`, { password: 'brand-new-pass-2', current_password: `guess-${i}x` })).status);
      expect(statuses).toEqual([422, 422, 422, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('sessions end when they should', () => {
  it('a user changing their own password ends their other sessions and keeps this one', async () => {
    const me = await agentWithSessions(3);
    const [current, other1, other2] = me.apis as [Api, Api, Api];
    const res = await current.patch(`/users/${me.id}`, { password: 'brand-new-pass-2', current_password: PASSWORD });
    expect(res.status).toBe(200);
    expect(await status(current)).toBe(200);
    expect(await status(other1)).toBe(401);
    expect(await status(other2)).toBe(401);
    await until(() => endedFor(me.id).length === 1, 'sessions-ended message');
    expect(endedFor(me.id)[0]).toEqual({
      organization_id: org.organizationId,
      user_id: me.id,
      reason: 'password_changed',
      token_ids: expect.arrayContaining(me.tokenIds.slice(1)),
    });
    expect(endedFor(me.id)[0]!.token_ids).toHaveLength(2);
  });

  it('an owner or admin sets another user’s password without theirs, ending all that user’s sessions', async () => {
    const target = await agentWithSessions(2);
    const res = await org.admin.patch(`/users/${target.id}`, { password: 'set-by-admin-3' });
    expect(res.status).toBe(200);
    for (const api of target.apis) expect(await status(api)).toBe(401);
    expect(await status(org.admin)).toBe(200);
    await until(() => endedFor(target.id).length === 1, 'sessions-ended message');
    expect(endedFor(target.id)[0]).toEqual({ organization_id: org.organizationId, user_id: target.id, reason: 'password_changed' });
    expect((await org.anon.post('/auth/login', { email: target.email, password: 'set-by-admin-3' })).status).toBe(200);
  });

  it('deactivation revokes every token for good: reactivation revives none', async () => {
    const target = await agentWithSessions(2);
    expect((await org.owner.patch(`/users/${target.id}`, { status: 'inactive' })).status).toBe(200);
    const live = await server.ctx.db.selectFrom('api_tokens').select('id').where('user_id', '=', target.id).where('revoked_at', 'is', null).execute();
    expect(live).toEqual([]);
    expect((await org.owner.patch(`/users/${target.id}`, { status: 'active' })).status).toBe(200);
    for (const api of target.apis) expect(await status(api)).toBe(401);
    await until(() => endedFor(target.id).length === 1, 'sessions-ended message');
    expect(endedFor(target.id)[0]).toEqual({ organization_id: org.organizationId, user_id: target.id, reason: 'deactivated' });
    // Signing in again works once active.
    expect((await org.anon.post('/auth/login', { email: target.email, password: PASSWORD })).status).toBe(200);
  });

  it('logout ends one session; deletion ends them all; both are announced after the commit', async () => {
    const target = await agentWithSessions(2);
    const [first, second] = target.apis as [Api, Api];
    expect((await first.post('/auth/logout')).status).toBe(204);
    expect(await status(second)).toBe(200);
    await until(() => endedFor(target.id).length === 1, 'sessions-ended message');
    expect(endedFor(target.id)[0]).toEqual({ organization_id: org.organizationId, user_id: target.id, reason: 'logout', token_ids: [target.tokenIds[0]] });

    expect((await org.owner.delete(`/users/${target.id}`)).status).toBe(204);
    expect(await status(second)).toBe(401);
    await until(() => endedFor(target.id).length === 2, 'sessions-ended message');
    expect(endedFor(target.id)[1]).toEqual({ organization_id: org.organizationId, user_id: target.id, reason: 'deleted' });
  });

  it('an email change by an admin ends the user’s sessions too', async () => {
    const target = await agentWithSessions(1);
    expect((await org.admin.patch(`/users/${target.id}`, { email: uniqueEmail('renamed') })).status).toBe(200);
    expect(await status(target.apis[0]!)).toBe(401);
    await until(() => endedFor(target.id).length === 1, 'sessions-ended message');
    expect(endedFor(target.id)[0]).toMatchObject({ reason: 'email_changed' });
  });

  it('a refused change ends nothing and announces nothing', async () => {
    const me = await agentWithSessions(2);
    expect((await me.apis[0]!.patch(`/users/${me.id}`, { password: 'brand-new-pass-2', current_password: 'wrong-pass-7' })).status).toBe(422);
    expect(await status(me.apis[1]!)).toBe(200);
    // A later, accepted change is the first message about this user.
    expect((await me.apis[0]!.post('/auth/logout')).status).toBe(204);
    await until(() => endedFor(me.id).length >= 1, 'sessions-ended message');
    expect(endedFor(me.id).map((m) => m.reason)).toEqual(['logout']);
  });
});
