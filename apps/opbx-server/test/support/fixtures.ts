import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { createOrganization } from '../../src/modules/organization/organization.service.js';
import { Api, uniqueEmail, type Reply, type TestOrg } from './api.js';

export type Role = 'owner' | 'admin' | 'agent';
export const ROLES: readonly Role[] = ['owner', 'admin', 'agent'];

export const PASSWORD = 'matrix-passw0rd';

/** A `TestOrg` that also knows its users' credentials, so a suite can open extra sessions. */
export interface CredentialedOrg extends TestOrg {
  name: string;
  emails: Record<Role, string>;
  /** A new session for the role (for routes that end the session they are called with). */
  login(role: Role): Promise<Api>;
}

export async function createCredentialedOrg(app: FastifyInstance, ctx: AppContext, name: string, agentExtension = '300'): Promise<CredentialedOrg> {
  const emails: Record<Role, string> = { owner: uniqueEmail('owner'), admin: uniqueEmail('admin'), agent: uniqueEmail('agent') };
  const org = await createOrganization(ctx, { name, timezone: 'UTC', ownerEmail: emails.owner, ownerPassword: PASSWORD });
  const anon = new Api(app);
  const login = async (role: Role) => {
    const res = await anon.post('/auth/login', { email: emails[role], password: PASSWORD });
    if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
    return anon.as(res.body.access_token as string);
  };
  const owner = await login('owner');
  const admin = await owner.post('/users', { name: `${name} Admin`, email: emails.admin, password: PASSWORD, role: 'admin' });
  const agent = await owner.post('/users', { name: `${name} Agent`, email: emails.agent, password: PASSWORD, role: 'agent', extension_number: agentExtension });
  if (admin.status !== 201 || agent.status !== 201) throw new Error(`user setup failed: ${JSON.stringify([admin.body, agent.body])}`);
  return {
    name,
    emails,
    login,
    organizationId: org.organization_id,
    owner,
    admin: await login('admin'),
    agent: await login('agent'),
    anon,
    ownerId: org.user_id,
    adminId: admin.body.id,
    agentId: agent.body.id,
    agentExtensionId: agent.body.extension.id,
  };
}

/** Creates through the API as `api` and returns the new id; any other status fails the setup loudly. */
export async function created(api: Api, url: string, body: unknown): Promise<string> {
  const res = await api.post(url, body);
  if (res.status !== 201) throw new Error(`setup POST ${url} failed with ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** The error envelope: `{error:{code,message,request_id}}`, matching the x-request-id header. */
export function expectEnvelope(res: Reply, status: number, code?: string, context = '') {
  const where = `${context} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 500)}`;
  expect(res.status, where).toBe(status);
  expect(res.body?.error, where).toBeTypeOf('object');
  expect(res.body.error.code, where).toBeTypeOf('string');
  if (code) expect(res.body.error.code, where).toBe(code);
  expect(res.body.error.message, where).toBeTypeOf('string');
  expect(res.body.error.request_id, where).toBeTypeOf('string');
  expect(res.body.error.request_id, where).toBe(res.headers['x-request-id']);
  if (res.body.error.code === 'VALIDATION_ERROR') {
    expect(res.body.error.details, where).toBeInstanceOf(Array);
    expect(res.body.error.details.length, where).toBeGreaterThan(0);
    for (const d of res.body.error.details) {
      expect(d.field, where).toBeTypeOf('string');
      expect(d.message, where).toBeTypeOf('string');
    }
  }
}

let sequence = 0;
/** Unique within a test file (each file has its own database). */
export const seq = () => ++sequence;
