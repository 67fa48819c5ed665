import { randomBytes } from 'node:crypto';

import { AppError, conflict, forbidden, invalidField, isUniqueViolation, newId, notFound, nowIso, randomSecret } from '@opbx/platform';
import type { adminTrunkListQuery, trunkCreate, TrunkCreated, TrunkCredentials, trunkListQuery, TrunkTestResult, trunkUpdate } from '@warp/contract';
import type { z } from 'zod';

import type { AppContext } from '../../context.js';
import type { CustomersTable, TrunksTable } from '../../db/schema.js';
import type { Actor } from '../../http/auth.js';
import { paginate } from '../../http/envelope.js';
import { audit, diff } from '../audit/audit.service.js';
import { customerView, simulate } from '../routing/simulate.service.js';
import { edgeChanged } from '../sip-edge/edge-directory.js';
import { enqueueEvent } from '../webhooks/events.js';
import { checkTrunk, classify, normalizeDialled } from './classify.js';
import { presentTrunk } from './trunks.presenter.js';

type CreateInput = z.output<typeof trunkCreate>;
type UpdateInput = z.output<typeof trunkUpdate>;

/** Who is writing: staff may set what only the carrier decides (the partition). */
export interface Writer {
  actor: Actor;
  isStaff: boolean;
}

const usesDigest = (authType: TrunksTable['auth_type']) => authType !== 'ip_acl';
const usesAcl = (authType: TrunksTable['auth_type']) => authType !== 'digest';

const newUsername = () => `w${randomBytes(6).toString('hex')}`;

function credentialsOf(ctx: AppContext, row: TrunksTable): TrunkCredentials | undefined {
  if (!row.sip_username || !row.sip_password_enc) return undefined;
  return { username: row.sip_username, password: ctx.secrets.decrypt(row.sip_password_enc), realm: ctx.config.WARP_SIP_REALM };
}

function checkShape(row: TrunksTable) {
  if (usesAcl(row.auth_type) && JSON.parse(row.allowed_ips).length === 0) {
    throw invalidField('allowed_ips', `at least one address or network is required when auth_type is ${row.auth_type}`);
  }
}

const nameTaken = (name: string) => conflict(`A trunk named "${name}" already exists`, [{ field: 'name', message: 'is already used by another trunk' }]);

export async function findTrunk(ctx: AppContext, customerId: string, id: string): Promise<TrunksTable> {
  const row = await ctx.db.selectFrom('trunks').selectAll().where('customer_id', '=', customerId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Trunk');
  return row;
}

export async function listTrunks(ctx: AppContext, customer: CustomersTable, query: z.output<typeof trunkListQuery>) {
  let q = ctx.db.selectFrom('trunks').selectAll().where('customer_id', '=', customer.id);
  if (query.status) q = q.where('status', '=', query.status);
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('created_at', 'desc').orderBy('id', 'desc'));
  return { data: rows.map((r) => presentTrunk(r, customer.status)), pagination };
}

/** Across customers, for staff. */
export async function listAllTrunks(ctx: AppContext, query: z.output<typeof adminTrunkListQuery>) {
  let q = ctx.db
    .selectFrom('trunks')
    .innerJoin('customers', 'customers.id', 'trunks.customer_id')
    .selectAll('trunks')
    .select('customers.status as customer_status');
  if (query.status) q = q.where('trunks.status', '=', query.status);
  if (query.customer_id) q = q.where('trunks.customer_id', '=', query.customer_id);
  if (query.partition_id) q = q.where('trunks.partition_id', '=', query.partition_id);
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('trunks.created_at', 'desc').orderBy('trunks.id', 'desc'));
  return { data: rows.map((r) => presentTrunk(r, r.customer_status)), pagination };
}

export async function createTrunk(ctx: AppContext, writer: Writer, customer: CustomersTable, input: CreateInput): Promise<TrunkCreated> {
  if (input.partition_id !== undefined && !writer.isStaff) throw forbidden('Partitions are assigned by the carrier');
  if (input.rate_plan !== undefined && !writer.isStaff) throw forbidden('Rate plans are assigned by the carrier');
  const now = nowIso();
  const digest = usesDigest(input.auth_type);
  const row: TrunksTable = {
    id: newId(),
    customer_id: customer.id,
    name: input.name,
    description: input.description ?? null,
    status: input.status,
    direction: input.direction,
    auth_type: input.auth_type,
    allowed_ips: JSON.stringify(input.allowed_ips),
    sip_username: digest ? newUsername() : null,
    sip_password_enc: digest ? ctx.secrets.encrypt(randomSecret(24)) : null,
    tech_prefix: input.tech_prefix ?? null,
    max_channels: input.max_channels,
    max_cps: input.max_cps,
    daily_spend_limit: input.daily_spend_limit ?? null,
    allowed_destinations: JSON.stringify(input.allowed_destinations),
    blocked_prefixes: JSON.stringify(input.blocked_prefixes),
    codecs: JSON.stringify(input.codecs),
    partition_id: input.partition_id ?? null,
    outbound_destinations: JSON.stringify(input.outbound_destinations),
    rate_plan: input.rate_plan ?? null,
    created_at: now,
    updated_at: now,
  };
  checkShape(row);
  const view = presentTrunk(row, customer.status);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('trunks').values(row).execute();
      await audit(trx, writer.actor, { action: 'trunk.create', customerId: customer.id, targetType: 'trunk', targetId: row.id, changes: diff(null, view) });
      await enqueueEvent(trx, customer.id, 'trunk.created', view);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(row.name);
    throw err;
  }
  await edgeChanged(ctx);
  const credentials = credentialsOf(ctx, row);
  return credentials ? { ...view, credentials } : view;
}

export async function updateTrunk(ctx: AppContext, writer: Writer, customer: CustomersTable, id: string, input: UpdateInput): Promise<TrunkCreated> {
  if (input.partition_id !== undefined && !writer.isStaff) throw forbidden('Partitions are assigned by the carrier');
  if (input.rate_plan !== undefined && !writer.isStaff) throw forbidden('Rate plans are assigned by the carrier');
  const current = await findTrunk(ctx, customer.id, id);
  const json = (v: unknown) => JSON.stringify(v);
  const next: TrunksTable = {
    ...current,
    ...(input.name !== undefined && { name: input.name }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.status !== undefined && { status: input.status }),
    ...(input.direction !== undefined && { direction: input.direction }),
    ...(input.auth_type !== undefined && { auth_type: input.auth_type }),
    ...(input.allowed_ips !== undefined && { allowed_ips: json(input.allowed_ips) }),
    ...(input.tech_prefix !== undefined && { tech_prefix: input.tech_prefix }),
    ...(input.max_channels !== undefined && { max_channels: input.max_channels }),
    ...(input.max_cps !== undefined && { max_cps: input.max_cps }),
    ...(input.daily_spend_limit !== undefined && { daily_spend_limit: input.daily_spend_limit }),
    ...(input.allowed_destinations !== undefined && { allowed_destinations: json(input.allowed_destinations) }),
    ...(input.blocked_prefixes !== undefined && { blocked_prefixes: json(input.blocked_prefixes) }),
    ...(input.codecs !== undefined && { codecs: json(input.codecs) }),
    ...(input.partition_id !== undefined && { partition_id: input.partition_id }),
    ...(input.outbound_destinations !== undefined && { outbound_destinations: json(input.outbound_destinations) }),
    ...(input.rate_plan !== undefined && { rate_plan: input.rate_plan }),
    updated_at: nowIso(),
  };
  // Switching digest on generates credentials (shown in this answer once); switching it off drops them.
  let generated = false;
  if (usesDigest(next.auth_type) && !next.sip_username) {
    next.sip_username = newUsername();
    next.sip_password_enc = ctx.secrets.encrypt(randomSecret(24));
    generated = true;
  } else if (!usesDigest(next.auth_type)) {
    next.sip_username = null;
    next.sip_password_enc = null;
  }
  checkShape(next);
  const before = presentTrunk(current, customer.status);
  const view = presentTrunk(next, customer.status);
  const changes = diff(before, view);
  delete changes.updated_at;
  if (Object.keys(changes).length === 0) return before;
  const { id: _id, customer_id: _c, created_at: _t, ...set } = next;
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('trunks').set(set).where('id', '=', current.id).where('customer_id', '=', customer.id).execute();
      await audit(trx, writer.actor, { action: 'trunk.update', customerId: customer.id, targetType: 'trunk', targetId: current.id, changes });
      await enqueueEvent(trx, customer.id, 'trunk.updated', view);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(next.name);
    throw err;
  }
  await edgeChanged(ctx);
  const credentials = generated ? credentialsOf(ctx, next) : undefined;
  return credentials ? { ...view, credentials } : view;
}

export async function deleteTrunk(ctx: AppContext, writer: Writer, customer: CustomersTable, id: string): Promise<void> {
  const current = await findTrunk(ctx, customer.id, id);
  const view = presentTrunk(current, customer.status);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('trunks').where('id', '=', current.id).where('customer_id', '=', customer.id).execute();
    await audit(trx, writer.actor, {
      action: 'trunk.delete',
      customerId: customer.id,
      targetType: 'trunk',
      targetId: current.id,
      changes: { name: current.name },
    });
    await enqueueEvent(trx, customer.id, 'trunk.deleted', view);
  });
  await edgeChanged(ctx);
}

/** The digest credentials, for the customer's admin; every look is audited. */
export async function trunkCredentials(ctx: AppContext, actor: Actor, customer: CustomersTable, id: string): Promise<TrunkCredentials> {
  const row = await findTrunk(ctx, customer.id, id);
  const credentials = credentialsOf(ctx, row);
  if (!credentials) throw new AppError('NOT_FOUND', 'This trunk has no digest credentials (auth_type is ip_acl)');
  await audit(ctx.db, actor, { action: 'trunk.credentials_viewed', customerId: customer.id, targetType: 'trunk', targetId: row.id });
  return credentials;
}

export async function testTrunk(ctx: AppContext, customer: CustomersTable, id: string, testNumber: string): Promise<TrunkTestResult> {
  const row = await findTrunk(ctx, customer.id, id);
  const normalized = normalizeDialled(testNumber, row.tech_prefix);
  if (!normalized) throw invalidField('test_number', 'is not a dialable number (E.164, a 10-digit NANP number or 011 + international)');
  const destination_class = classify(normalized);
  const reasons = checkTrunk(row, presentTrunk(row, customer.status).effective_status, normalized, destination_class);
  // The route engine's verdict, reduced to what the customer may see (issue 13).
  const route = customerView(await simulate(ctx, { trunk_id: row.id, ani: '', dni: testNumber }));
  return {
    test_number: testNumber,
    normalized,
    destination_class,
    allowed: reasons.length === 0,
    reasons,
    route_engine: 'configured',
    ...route,
    message:
      reasons.length > 0
        ? `The trunk would refuse this call: ${reasons.join('; ')}. No call was placed.`
        : route.routable
          ? `A call to ${normalized} would be routed at ${route.sell_rate} per minute. No call was placed.`
          : `The trunk accepts ${destination_class} calls to ${normalized}, but it would not be routed (${route.reason_code}). No call was placed.`,
  };
}
