import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { newId, nowIso } from '@opbx/platform';
import type { FastifyBaseLogger } from 'fastify';

import type { AppContext } from '../../context.js';
import type { WebhookDeliveriesTable } from '../../db/schema.js';
import { SYSTEM_ACTOR } from '../../http/auth.js';
import { audit } from '../audit/audit.service.js';
import { signatureHeader } from './signing.js';
import { guardedLookup } from './targets.js';

const MAX_ATTEMPTS = 15;
const MAX_DELAY_MS = 3_600_000;
const BATCH = 20;

interface Outcome {
  status: number | null;
  error: string | null;
  retryAfterMs?: number;
}

/** One POST; never follows redirects (a 3xx is an answer, not a new target). */
function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number, allowPrivate: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: guardedLookup(allowPrivate), timeout: timeoutMs },
      (res) => {
        res.resume();
        const retryAfter = Number(res.headers['retry-after']);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? null,
            error: null,
            ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
          }),
        );
        res.on('error', () => resolve({ status: res.statusCode ?? null, error: null }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: null, error: err.code ?? 'network error' }));
    req.end(body);
  });
}

/** Network errors, 5xx and 429 are worth another try; any other answer is final. */
export const retryable = (o: Outcome) => o.status === null || o.status >= 500 || o.status === 429;

/** Exponential backoff with "equal jitter": between half and all of base·2^(n-1), capped at an hour. */
export function backoffMs(baseMs: number, attempt: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Sends due deliveries from the database queue. Each is claimed with a lease (`locked_until`),
 * so several instances share the queue and a crashed one's work is picked up after the lease.
 */
export class DeliveryWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly ctx: AppContext,
    private readonly log?: FastifyBaseLogger,
  ) {}

  start(intervalMs: number) {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private tick() {
    if (this.running) return;
    this.running = this.runOnce()
      .catch((err) => {
        this.log?.error({ err }, 'webhook delivery run failed');
        return 0;
      })
      .finally(() => (this.running = undefined));
  }

  /** Sends what is due now; returns how many attempts were made. */
  async runOnce(): Promise<number> {
    const now = nowIso();
    const due = await this.ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(BATCH)
      .execute();
    let sent = 0;
    for (const delivery of due) {
      const lease = new Date(Date.now() + this.ctx.config.WARP_WEBHOOK_TIMEOUT_MS + 30_000).toISOString();
      const claimed = await this.ctx.db
        .updateTable('webhook_deliveries')
        .set({ locked_until: lease })
        .where('id', '=', delivery.id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      await this.attempt(delivery);
      sent++;
    }
    return sent;
  }

  private async attempt(delivery: WebhookDeliveriesTable) {
    const { ctx } = this;
    const hook = await ctx.db.selectFrom('webhooks').selectAll().where('id', '=', delivery.webhook_id).executeTakeFirst();
    if (!hook || hook.status !== 'active') {
      await ctx.db
        .updateTable('webhook_deliveries')
        .set({ status: 'failed', last_error: 'endpoint disabled', locked_until: null, next_attempt_at: null, updated_at: nowIso() })
        .where('id', '=', delivery.id)
        .execute();
      return;
    }
    const started = Date.now();
    const unix = Math.floor(started / 1000);
    const outcome = await post(
      hook.url,
      delivery.payload,
      {
        'content-type': 'application/json',
        'user-agent': 'WARP-Webhooks/1.0',
        'x-warp-signature': signatureHeader(ctx.secrets.decrypt(hook.secret_enc), delivery.payload, unix),
        'x-warp-event': delivery.event_type,
        'x-warp-delivery': delivery.id,
      },
      ctx.config.WARP_WEBHOOK_TIMEOUT_MS,
      ctx.config.WARP_WEBHOOKS_ALLOW_PRIVATE,
    );
    const at = new Date(started).toISOString();
    const attempts = delivery.attempts + 1;
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const again = !ok && retryable(outcome) && attempts < MAX_ATTEMPTS;
    const delay = again ? Math.min(MAX_DELAY_MS, Math.max(backoffMs(ctx.config.WARP_WEBHOOK_RETRY_BASE_MS, attempts), outcome.retryAfterMs ?? 0)) : 0;
    const error = ok ? null : (outcome.error ?? `HTTP ${outcome.status}`);
    // The log names the endpoint by id: URLs often carry credentials.
    this.log?.info({ webhook_id: hook.id, delivery_id: delivery.id, status: outcome.status, error, attempt: attempts }, 'webhook delivery attempt');
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({ id: newId(), delivery_id: delivery.id, attempted_at: at, status_code: outcome.status, error, duration_ms: Date.now() - started })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status: ok ? 'delivered' : again ? 'pending' : 'failed',
          attempts,
          next_attempt_at: again ? new Date(Date.now() + delay).toISOString() : null,
          locked_until: null,
          last_status_code: outcome.status,
          last_error: error,
          delivered_at: ok ? nowIso() : null,
          updated_at: nowIso(),
        })
        .where('id', '=', delivery.id)
        .execute();
      if (ok) {
        await trx.updateTable('webhooks').set({ failing_since: null }).where('id', '=', hook.id).execute();
        return;
      }
      const failingSince = hook.failing_since ?? at;
      if (!hook.failing_since) await trx.updateTable('webhooks').set({ failing_since: at }).where('id', '=', hook.id).execute();
      if (Date.now() - Date.parse(failingSince) >= ctx.config.WARP_WEBHOOK_DISABLE_AFTER * 1000) {
        // Failing for a day: stop, keep the queue's history, and tell the owner (the webhook's
        // status and reason, and the audit log staff read).
        const reason = `Disabled automatically: every delivery has failed since ${failingSince} (last: ${error})`;
        await trx.updateTable('webhooks').set({ status: 'disabled', disabled_reason: reason, updated_at: nowIso() }).where('id', '=', hook.id).execute();
        await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'failed', next_attempt_at: null, last_error: 'endpoint disabled', updated_at: nowIso() })
          .where('webhook_id', '=', hook.id)
          .where('status', '=', 'pending')
          .execute();
        await audit(trx, SYSTEM_ACTOR, {
          action: 'webhook.disabled',
          customerId: hook.customer_id,
          targetType: 'webhook',
          targetId: hook.id,
          changes: { reason },
        });
        this.log?.warn({ webhook_id: hook.id, customer_id: hook.customer_id }, 'webhook endpoint disabled after failing for too long');
      }
    });
  }
}
