import { randomInt } from 'node:crypto';

import { conflict, containsInsensitive, isUniqueViolation, newId, notFound, nowIso } from '@opbx/platform';
import type { accountUpdate, customerCreate, CustomerListQuery, customerUpdate } from '@warp/contract';
import type { z } from 'zod';

import type { AppContext } from '../../context.js';
import type { CustomersTable } from '../../db/schema.js';
import type { Actor } from '../../http/auth.js';
import { paginate } from '../../http/envelope.js';
import { audit, diff } from '../audit/audit.service.js';
import { edgeChanged } from '../sip-edge/edge-directory.js';
import { presentCustomer } from './customers.presenter.js';
import { findCustomer } from './customers.queries.js';

type CreateInput = z.output<typeof customerCreate>;
type UpdateInput = z.output<typeof customerUpdate>;
type AccountInput = z.output<typeof accountUpdate>;

/** A billing account number: WARP- and 8 random digits. */
export const randomBan = () => `WARP-${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;

/** Creates the customer; a BAN collision (unique index) is retried with a fresh number. */
export async function createCustomer(ctx: AppContext, actor: Actor, input: CreateInput, nextBan: () => string = randomBan): Promise<CustomersTable> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const now = nowIso();
    const row: CustomersTable = {
      id: newId(),
      ban: nextBan(),
      name: input.name,
      type: input.type,
      status: 'active',
      status_reason: null,
      contact: JSON.stringify(input.contact ?? {}),
      address: input.address ? JSON.stringify(input.address) : null,
      credit_limit: input.credit_limit ?? '0',
      payment_terms: input.payment_terms ?? (input.type === 'postpaid' ? 30 : 0),
      currency: input.currency ?? 'USD',
      rate_plan: input.rate_plan ?? null,
      allow_loss: input.allow_loss ? 1 : 0,
      suspended_at: null,
      terminated_at: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('customers').values(row).execute();
        await audit(trx, actor, {
          action: 'customer.create',
          customerId: row.id,
          targetType: 'customer',
          targetId: row.id,
          changes: diff(null, presentCustomer(row)),
        });
      });
      return row;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw conflict('Could not allocate a unique BAN; try again');
}

export async function listCustomers(ctx: AppContext, query: CustomerListQuery) {
  let q = ctx.db.selectFrom('customers').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.type) q = q.where('type', '=', query.type);
  if (query.search) {
    const term = query.search;
    q = q.where((eb) => eb.or([containsInsensitive('name', term), containsInsensitive('ban', term)]));
  }
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('created_at', 'desc').orderBy('id', 'desc'));
  return { data: rows.map(presentCustomer), pagination };
}

export async function getCustomer(ctx: AppContext, idOrBan: string): Promise<CustomersTable> {
  const row = await findCustomer(ctx.db, idOrBan);
  if (!row) throw notFound('Customer');
  return row;
}

async function applyUpdate(ctx: AppContext, actor: Actor, current: CustomersTable, input: UpdateInput, action: string): Promise<CustomersTable> {
  const changes: Partial<CustomersTable> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.type !== undefined) changes.type = input.type;
  if (input.contact !== undefined) changes.contact = JSON.stringify({ ...JSON.parse(current.contact), ...input.contact });
  if (input.address !== undefined) changes.address = input.address === null ? null : JSON.stringify(input.address);
  if (input.credit_limit !== undefined) changes.credit_limit = input.credit_limit;
  if (input.payment_terms !== undefined) changes.payment_terms = input.payment_terms;
  if (input.currency !== undefined) changes.currency = input.currency;
  if (input.rate_plan !== undefined) changes.rate_plan = input.rate_plan;
  if (input.allow_loss !== undefined) changes.allow_loss = input.allow_loss ? 1 : 0;
  const next: CustomersTable = { ...current, ...changes, updated_at: nowIso() };
  const what = diff(presentCustomer(current), presentCustomer(next));
  delete what.updated_at;
  if (Object.keys(what).length === 0) return current;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('customers')
      .set({ ...changes, updated_at: next.updated_at })
      .where('id', '=', current.id)
      .execute();
    await audit(trx, actor, { action, customerId: current.id, targetType: 'customer', targetId: current.id, changes: what });
  });
  return next;
}

export async function updateCustomer(ctx: AppContext, actor: Actor, idOrBan: string, input: UpdateInput) {
  const next = await applyUpdate(ctx, actor, await getCustomer(ctx, idOrBan), input, 'customer.update');
  // the SIP edge decides on its own copy of the customer (rate plan, loss policy)
  await edgeChanged(ctx);
  return next;
}

/** The customer side: contact and address only (the schema admits nothing else). */
export async function updateAccount(ctx: AppContext, actor: Actor, customer: CustomersTable, input: AccountInput) {
  return applyUpdate(ctx, actor, customer, { contact: input.contact, address: input.address }, 'account.update');
}

/**
 * suspend: API keys and trunks stop working, users keep read access. terminate: final.
 * reactivate: back to active (not from terminated).
 */
export async function changeStatus(ctx: AppContext, actor: Actor, idOrBan: string, to: 'active' | 'suspended' | 'terminated', reason: string) {
  const current = await getCustomer(ctx, idOrBan);
  if (current.status === 'terminated') throw conflict('The customer is terminated; its status cannot change');
  if (current.status === to) throw conflict(`The customer is already ${to}`);
  const now = nowIso();
  const next: CustomersTable = {
    ...current,
    status: to,
    status_reason: to === 'active' ? null : reason,
    suspended_at: to === 'suspended' ? now : to === 'active' ? null : current.suspended_at,
    terminated_at: to === 'terminated' ? now : null,
    updated_at: now,
  };
  const verb = { active: 'reactivate', suspended: 'suspend', terminated: 'terminate' }[to];
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('customers')
      .set({ status: next.status, status_reason: next.status_reason, suspended_at: next.suspended_at, terminated_at: next.terminated_at, updated_at: now })
      .where('id', '=', current.id)
      .execute();
    await audit(trx, actor, {
      action: `customer.${verb}`,
      customerId: current.id,
      targetType: 'customer',
      targetId: current.id,
      changes: { status: { from: current.status, to }, reason },
    });
  });
  await edgeChanged(ctx);
  return next;
}

/** A customer and its first customer admin, as the CLI and the demo create them. */
export async function createCustomerWithAdmin(
  ctx: AppContext,
  actor: Actor,
  input: CreateInput,
  admin: { email: string; password: string; name?: string },
): Promise<{ customer_id: string; ban: string; user_id: string }> {
  const { insertUser, addMembership, findUserByEmail } = await import('../users/users.service.js');
  if (await findUserByEmail(ctx.db, admin.email)) throw conflict('A user with this email already exists', [{ field: 'email', message: 'is already taken' }]);
  const customer = await createCustomer(ctx, actor, input);
  const user = await ctx.db.transaction().execute(async (trx) => {
    const u = await insertUser(trx, { email: admin.email, name: admin.name ?? 'Administrator', type: 'customer', password: admin.password });
    await addMembership(trx, u.id, customer.id, 'customer_admin');
    await audit(trx, actor, {
      action: 'user.create',
      customerId: customer.id,
      targetType: 'user',
      targetId: u.id,
      changes: { email: u.email, role: 'customer_admin' },
    });
    return u;
  });
  return { customer_id: customer.id, ban: customer.ban, user_id: user.id };
}
