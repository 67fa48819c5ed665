import type { CustomerRole, StaffRole } from '@warp/contract';
import { CUSTOMER_ROLES, STAFF_ROLES } from '@warp/contract';

import { SYSTEM_ACTOR } from '../../src/http/auth.js';
import { createCustomer } from '../../src/modules/customers/customers.service.js';
import { addMembership, insertUser } from '../../src/modules/users/users.service.js';
import { Api, uniqueEmail } from './api.js';
import type { TestServer } from './context.js';

export const PASSWORD = 'fixture-passw0rd';

export async function login(server: TestServer, email: string, password = PASSWORD): Promise<Api> {
  const res = await new Api(server.app).post('/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login failed for ${email}: ${JSON.stringify(res.body)}`);
  return new Api(server.app, res.body.access_token as string);
}

export async function createStaff(server: TestServer, role: StaffRole) {
  const email = uniqueEmail(role);
  const user = await insertUser(server.ctx.db, { email, name: `Staff ${role}`, type: 'staff', staffRole: role, password: PASSWORD });
  return { id: user.id, email, api: await login(server, email) };
}

export interface TestCustomer {
  id: string;
  ban: string;
  users: Record<CustomerRole, { id: string; email: string; api: Api }>;
}

/** A customer with one signed-in user per customer role. */
export async function createTestCustomer(server: TestServer, name = 'Test Carrier'): Promise<TestCustomer> {
  const customer = await createCustomer(server.ctx, SYSTEM_ACTOR, { name, type: 'prepaid', contact: { email: uniqueEmail('contact') } });
  const users = {} as TestCustomer['users'];
  for (const role of CUSTOMER_ROLES) {
    const email = uniqueEmail(role);
    const user = await insertUser(server.ctx.db, { email, name: `${name} ${role}`, type: 'customer', password: PASSWORD });
    await addMembership(server.ctx.db, user.id, customer.id, role);
    users[role] = { id: user.id, email, api: await login(server, email) };
  }
  return { id: customer.id, ban: customer.ban, users };
}

export async function createAllStaff(server: TestServer) {
  const out = {} as Record<StaffRole, { id: string; email: string; api: Api }>;
  for (const role of STAFF_ROLES) out[role] = await createStaff(server, role);
  return out;
}
