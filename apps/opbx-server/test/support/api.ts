import { injectJson, JsonClient, type Reply } from '@opbx/platform/testing';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../src/context.js';
import { createOrganization } from '../../src/modules/organization/organization.service.js';

export type { Reply } from '@opbx/platform/testing';

const ROUTE = { base: '/api/v1', absolute: ['/api', '/metrics'] } as const;

/** A test client of the OPBX API over `app.inject`, optionally as a bearer token. */
export class Api extends JsonClient {
  constructor(
    readonly app: FastifyInstance,
    readonly token?: string,
  ) {
    super();
  }

  as(token: string | undefined) {
    return new Api(this.app, token);
  }

  request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    return injectJson<T>(this.app, ROUTE, method, url, body, { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers });
  }
}

let counter = 0;
export const uniqueEmail = (label: string) => `${label}.${process.pid}.${Date.now()}.${++counter}@test.example`;

/** A random, valid and (practically) globally unique E.164 number. */
export const randomE164 = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

export type Role = 'owner' | 'admin' | 'agent';

/** The password of every test user (the one factory below creates them all). */
export const PASSWORD = 'passw0rd-test';

export interface TestOrg {
  name: string;
  organizationId: string;
  owner: Api;
  admin: Api;
  agent: Api;
  anon: Api;
  ownerId: string;
  adminId: string;
  agentId: string;
  /** The agent's own user extension. */
  agentExtensionId: string;
  emails: Record<Role, string>;
  /** A new session for the role (for routes that end the session they are called with). */
  login(role: Role): Promise<Api>;
}

/**
 * The one test-organization factory: an organization (UTC) with one user per role, each signed in
 * through the real login route; the agent has user extension `agentExtension` (300).
 */
export async function createTestOrg(app: FastifyInstance, ctx: AppContext, name = 'Test Org', agentExtension = '300'): Promise<TestOrg> {
  const emails: Record<Role, string> = { owner: uniqueEmail('owner'), admin: uniqueEmail('admin'), agent: uniqueEmail('agent') };
  const org = await createOrganization(ctx, { name, timezone: 'UTC', ownerEmail: emails.owner, ownerPassword: PASSWORD });
  const anon = new Api(app);
  const login = async (role: Role) => {
    const res = await anon.post('/auth/login', { email: emails[role], password: PASSWORD });
    if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
    return anon.as(res.body.access_token as string);
  };
  const owner = await login('owner');
  const admin = await owner.post('/users', { name: 'Admin', email: emails.admin, password: PASSWORD, role: 'admin' });
  const agent = await owner.post('/users', { name: 'Agent', email: emails.agent, password: PASSWORD, role: 'agent', extension_number: agentExtension });
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
