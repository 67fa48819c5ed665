import { newId, nowIso } from '@opbx/platform';
import type { WebhookEventType, WebhookPayload } from '@warp/contract';
import type { Transaction } from 'kysely';

import type { Database } from '../../db/schema.js';

/**
 * The outbox: an event becomes one pending delivery per subscribed, active endpoint of the
 * customer, written in the same transaction as the change it reports. Nothing is sent here; the
 * delivery worker picks the rows up after commit (and after a restart).
 */
export async function enqueueEvent(trx: Transaction<Database>, customerId: string, eventType: WebhookEventType, data: unknown): Promise<void> {
  const hooks = await trx.selectFrom('webhooks').select(['id', 'events']).where('customer_id', '=', customerId).where('status', '=', 'active').execute();
  const subscribed = hooks.filter((h) => (JSON.parse(h.events) as string[]).includes(eventType));
  if (subscribed.length === 0) return;
  const now = nowIso();
  const payload: WebhookPayload = { event_id: newId(), event_type: eventType, created_at: now, data };
  await trx
    .insertInto('webhook_deliveries')
    .values(
      subscribed.map((h) => ({
        id: newId(),
        webhook_id: h.id,
        customer_id: customerId,
        event_id: payload.event_id,
        event_type: eventType,
        payload: JSON.stringify(payload),
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        locked_until: null,
        last_status_code: null,
        last_error: null,
        delivered_at: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}
