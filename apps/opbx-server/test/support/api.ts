import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../src/context.js';
import { createOrganization } from '../../src/modules/organization/organization.service.js';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

/** Thin wrapper over `app.inject` speaking JSON, optionally as a bearer token. */
export class Api {
  constructor(
    readonly app: FastifyInstance,
    readonly token?: string,
  ) {}

  as(token: string | undefined) {
    return new Api(this.app, token);
  }

  async request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const res = await this.app.inject({
      method: method as 'GET',
      url: url.startsWith('/api') || url.startsWith('/metrics') ? url : `/api/v1${url}`,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    let parsed: any = res.body;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      // non-JSON bodies (CSV, metrics) stay as text
    }
    return { status: res.statusCode, body: parsed, headers: res.headers };
  }

  get<T = any>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body);
  }
  patch<T = any>(url: string, body?: unknown) {
    return this.request<T>('PATCH', url, body);
  }
  delete<T = any>(url: string) {
    return this.request<T>('DELETE', url);
  }
}

let counter = 0;
export const uniqueEmail = (label: string) => `${label}.${process.pid}.${Date.now()}.${++counter}@test.example`;

/** A random, valid and (practically) globally unique E.164 number. */
export const randomE164 = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

export interface TestOrg {
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
}

const PASSWORD = 'passw0rd-test';

/** An organization with one user per role, each logged in through the real login route. */
export async function createTestOrg(app: FastifyInstance, ctx: AppContext, name = 'Test Org'): Promise<TestOrg> {
  const ownerEmail = uniqueEmail('owner');
  const org = await createOrganization(ctx, { name, timezone: 'UTC', ownerEmail, ownerPassword: PASSWORD });
  const anon = new Api(app);
  const login = async (email: string) => {
    const res = await anon.post('/auth/login', { email, password: PASSWORD });
    if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
    return res.body.access_token as string;
  };
  const owner = anon.as(await login(ownerEmail));
  const adminEmail = uniqueEmail('admin');
  const agentEmail = uniqueEmail('agent');
  const admin = await owner.post('/users', { name: 'Admin', email: adminEmail, password: PASSWORD, role: 'admin' });
  const agent = await owner.post('/users', { name: 'Agent', email: agentEmail, password: PASSWORD, role: 'agent', extension_number: '300' });
  if (admin.status !== 201 || agent.status !== 201) throw new Error(`user setup failed: ${JSON.stringify([admin.body, agent.body])}`);
  return {
    organizationId: org.organization_id,
    owner,
    admin: anon.as(await login(adminEmail)),
    agent: anon.as(await login(agentEmail)),
    anon,
    ownerId: org.user_id,
    adminId: admin.body.id,
    agentId: agent.body.id,
    agentExtensionId: agent.body.extension.id,
  };
}
