import { trunkCreate } from '@warp/contract';

import type { AppContext } from '../context.js';
import { SYSTEM_ACTOR } from '../http/auth.js';
import { createCustomerWithAdmin, getCustomer } from '../modules/customers/customers.service.js';
import { createTrunk } from '../modules/trunks/trunks.service.js';
import { findUserByEmail, insertUser } from '../modules/users/users.service.js';
import { DEMO_CUSTOMER, DEMO_STAFF } from './constants.js';

/** The demo data `serve --demo` and `seed-demo` create once: a staff admin and one customer with its admin and an IP-ACL trunk. */
export async function seedDemo(ctx: AppContext): Promise<{ created: boolean }> {
  if (await findUserByEmail(ctx.db, DEMO_STAFF.email)) return { created: false };
  await insertUser(ctx.db, { email: DEMO_STAFF.email, name: 'WARP Admin', type: 'staff', staffRole: 'admin', password: DEMO_STAFF.password });
  const acme = await createCustomerWithAdmin(
    ctx,
    SYSTEM_ACTOR,
    {
      name: DEMO_CUSTOMER.name,
      type: 'prepaid',
      contact: { name: 'Dana Ops', email: DEMO_CUSTOMER.email, phone: '+1 212 555 0100' },
      address: { line1: '1 Carrier Way', city: 'New York', state: 'NY', postal_code: '10001', country: 'US' },
      credit_limit: '1000.00',
      payment_terms: 0,
      currency: 'USD',
    },
    { email: DEMO_CUSTOMER.email, password: DEMO_CUSTOMER.password, name: 'Dana Ops' },
  );
  const customer = await getCustomer(ctx, acme.customer_id);
  await createTrunk(
    ctx,
    { actor: SYSTEM_ACTOR, isStaff: true },
    customer,
    trunkCreate.parse({
      name: 'Acme Main',
      description: 'Primary SBC pair',
      auth_type: 'ip_acl',
      allowed_ips: ['203.0.113.10/32', '203.0.113.11/32'],
      max_channels: 200,
      max_cps: 20,
      allowed_destinations: ['domestic', 'tollfree'],
      outbound_destinations: [{ host: 'sbc1.acme-telecom.example' }],
    }),
  );
  return { created: true };
}
