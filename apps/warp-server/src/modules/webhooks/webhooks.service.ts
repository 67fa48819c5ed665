import { randomBytes } from 'node:crypto';

import { conflict, invalidField, newId, notFound, nowIso } from '@opbx/platform';
import type { ListQuery, Webhook, WebhookCreate, WebhookCreated, WebhookDelivery, WebhookUpdate } from '@warp/contract';

import type { AppContext } from '../../context.js';
import type { CustomersTable, WebhookDeliveriesTable, WebhooksTable } from '../../db/schema.js';
import type { Actor } from '../../http/auth.js';
import { paginate } from '../../http/envelope.js';
import { audit, diff } from '../audit/audit.service.js';
import { refuseTarget } from './targets.js';

/** Never the secret: it leaves only in the create answer. */
export function presentWebhook(row: WebhooksTable): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events),
    description: row.description,
    status: row.status,
    failing_since: row.failing_since,
    disabled_reason: row.disabled_reason,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function presentDelivery(row: WebhookDeliveriesTable): WebhookDelivery {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.next_attempt_at,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    created_at: row.created_at,
    delivered_at: row.delivered_at,
  };
}

async function checkUrl(ctx: AppContext, url: string) {
  const refused = await refuseTarget(url, ctx.config.WARP_WEBHOOKS_ALLOW_PRIVATE);
  if (refused) throw invalidField('url', refused);
}

export async function findWebhook(ctx: AppContext, customerId: string, id: string): Promise<WebhooksTable> {
  const row = await ctx.db.selectFrom('webhooks').selectAll().where('customer_id', '=', customerId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Webhook');
  return row;
}

export async function listWebhooks(ctx: AppContext, customer: CustomersTable, query: ListQuery) {
  const q = ctx.db.selectFrom('webhooks').selectAll().where('customer_id', '=', customer.id);
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('created_at', 'desc').orderBy('id', 'desc'));
  return { data: rows.map(presentWebhook), pagination };
}

export async function createWebhook(ctx: AppContext, actor: Actor, customer: CustomersTable, input: WebhookCreate): Promise<WebhookCreated> {
  await checkUrl(ctx, input.url);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const now = nowIso();
  const row: WebhooksTable = {
    id: newId(),
    customer_id: customer.id,
    url: input.url,
    events: JSON.stringify([...new Set(input.events)]),
    description: input.description ?? null,
    secret_enc: ctx.secrets.encrypt(secret),
    status: 'active',
    failing_since: null,
    disabled_reason: null,
    created_at: now,
    updated_at: now,
  };
  const view = presentWebhook(row);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('webhooks').values(row).execute();
    // The URL is audited by host only: query strings often carry credentials.
    await audit(trx, actor, {
      action: 'webhook.create',
      customerId: customer.id,
      targetType: 'webhook',
      targetId: row.id,
      changes: { host: new URL(row.url).host, events: view.events },
    });
  });
  return { ...view, secret };
}

export async function updateWebhook(ctx: AppContext, actor: Actor, customer: CustomersTable, id: string, input: WebhookUpdate): Promise<Webhook> {
  const current = await findWebhook(ctx, customer.id, id);
  if (input.url !== undefined) await checkUrl(ctx, input.url);
  const next: WebhooksTable = {
    ...current,
    ...(input.url !== undefined && { url: input.url }),
    ...(input.events !== undefined && { events: JSON.stringify([...new Set(input.events)]) }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.status !== undefined && { status: input.status }),
    updated_at: nowIso(),
  };
  // Re-enabling starts afresh: the failure clock and the reason are cleared.
  if (input.status === 'active' && current.status === 'disabled') Object.assign(next, { failing_since: null, disabled_reason: null });
  if (input.status === 'disabled' && current.status === 'active') next.disabled_reason = 'Disabled by the owner';
  const changes = diff({ ...presentWebhook(current), url: new URL(current.url).host }, { ...presentWebhook(next), url: new URL(next.url).host });
  delete changes.updated_at;
  await ctx.db.transaction().execute(async (trx) => {
    const { id: _i, customer_id: _c, created_at: _t, secret_enc: _s, ...set } = next;
    await trx.updateTable('webhooks').set(set).where('id', '=', current.id).execute();
    await audit(trx, actor, { action: 'webhook.update', customerId: customer.id, targetType: 'webhook', targetId: current.id, changes });
  });
  return presentWebhook(next);
}

/** A new signing secret, shown once; the old one stops signing at once (deliveries already sent keep theirs). */
export async function rotateSecret(ctx: AppContext, actor: Actor, customer: CustomersTable, id: string): Promise<WebhookCreated> {
  const current = await findWebhook(ctx, customer.id, id);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const updated_at = nowIso();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhooks')
      .set({ secret_enc: ctx.secrets.encrypt(secret), updated_at })
      .where('id', '=', current.id)
      .execute();
    await audit(trx, actor, {
      action: 'webhook.rotate_secret',
      customerId: customer.id,
      targetType: 'webhook',
      targetId: current.id,
      changes: { secret: { from: '[redacted]', to: '[redacted]' } },
    });
  });
  return { ...presentWebhook({ ...current, updated_at }), secret };
}

export async function deleteWebhook(ctx: AppContext, actor: Actor, customer: CustomersTable, id: string): Promise<void> {
  const current = await findWebhook(ctx, customer.id, id);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('webhooks').where('id', '=', current.id).execute();
    await audit(trx, actor, {
      action: 'webhook.delete',
      customerId: customer.id,
      targetType: 'webhook',
      targetId: current.id,
      changes: { host: new URL(current.url).host },
    });
  });
}

export async function listDeliveries(
  ctx: AppContext,
  customer: CustomersTable,
  webhookId: string,
  query: ListQuery & { status?: WebhookDeliveriesTable['status'] },
) {
  await findWebhook(ctx, customer.id, webhookId);
  let q = ctx.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).where('customer_id', '=', customer.id);
  if (query.status) q = q.where('status', '=', query.status);
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('created_at', 'desc').orderBy('id', 'desc'));
  return { data: rows.map(presentDelivery), pagination };
}

export async function getDelivery(ctx: AppContext, customer: CustomersTable, webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
  const row = await ctx.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', deliveryId)
    .where('webhook_id', '=', webhookId)
    .where('customer_id', '=', customer.id)
    .executeTakeFirst();
  if (!row) throw notFound('Delivery');
  const attempts = await ctx.db
    .selectFrom('webhook_attempts')
    .select(['attempted_at', 'status_code', 'error', 'duration_ms'])
    .where('delivery_id', '=', row.id)
    .orderBy('attempted_at')
    .execute();
  return { ...presentDelivery(row), attempt_log: attempts };
}

/** Sends the same event (same event_id, so receivers can de-duplicate) again, as a new delivery. */
export async function redeliver(ctx: AppContext, actor: Actor, customer: CustomersTable, webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
  const hook = await findWebhook(ctx, customer.id, webhookId);
  if (hook.status !== 'active') throw conflict('The webhook is disabled: enable it (PATCH status "active") before redelivering');
  const original = await ctx.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).where('webhook_id', '=', hook.id).executeTakeFirst();
  if (!original) throw notFound('Delivery');
  const now = nowIso();
  const copy: WebhookDeliveriesTable = {
    ...original,
    id: newId(),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    locked_until: null,
    last_status_code: null,
    last_error: null,
    delivered_at: null,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('webhook_deliveries').values(copy).execute();
    await audit(trx, actor, {
      action: 'webhook.redeliver',
      customerId: customer.id,
      targetType: 'webhook',
      targetId: hook.id,
      changes: { delivery_id: original.id, event_id: original.event_id },
    });
  });
  return presentDelivery(copy);
}
