import { AppError, conflict, constantTimeEqual, isUniqueViolation, nowIso, randomSecret } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import type { PutCloudonixInput } from './cloudonix.schema.js';

interface CloudonixSettingsView {
  domain_uuid: string;
  domain_name: string;
  webhook_base_url: string;
  requests_key_set: boolean;
  /** Last four characters only, so an owner can tell keys apart (owners only). */
  requests_key_hint?: string;
  /** The same four characters alone, for the console's "ending in 1a2b" (owners only). */
  requests_key_last4?: string;
  /** Present only in the answer that created the key. */
  requests_key?: string;
  voice_url: string;
  session_update_url: string;
  cdr_url: string;
  updated_at: string;
}

/** `key` only for owners: everyone else sees that a key is set, nothing of it. */
function present(row: { domain_uuid: string; domain_name: string; webhook_base_url: string; updated_at: string }, key: string | null): CloudonixSettingsView {
  return {
    domain_uuid: row.domain_uuid,
    domain_name: row.domain_name,
    webhook_base_url: row.webhook_base_url,
    requests_key_set: true,
    ...(key !== null ? { requests_key_hint: `…${key.slice(-4)}`, requests_key_last4: key.slice(-4) } : {}),
    voice_url: `${row.webhook_base_url}/api/voice/route`,
    session_update_url: `${row.webhook_base_url}/api/webhooks/cloudonix/session-update`,
    cdr_url: `${row.webhook_base_url}/api/webhooks/cloudonix/cdr`,
    updated_at: row.updated_at,
  };
}

export async function getCloudonixSettings(ctx: AppContext, organizationId: string, options: { withHint: boolean }): Promise<CloudonixSettingsView | null> {
  const row = await ctx.db.selectFrom('cloudonix_settings').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
  return row ? present(row, options.withHint ? ctx.secrets.decrypt(row.requests_key_enc) : null) : null;
}

/**
 * Settings writes per organization per hour. Whether a key is taken is an answer (409) however it
 * is worded, so guessing other tenants' keys through this write must stay far too slow to matter.
 */
const SETTINGS_WRITES_PER_HOUR = 20;

/** The same refusal whoever holds the key: it must not tell which organization that is. */
const keyTaken = () => conflict('This requests key cannot be used; choose another', [{ field: 'requests_key', message: 'cannot be used; choose another' }]);

export async function putCloudonixSettings(ctx: AppContext, organizationId: string, input: PutCloudonixInput): Promise<CloudonixSettingsView> {
  const limit = await ctx.limiter.hit(`cloudonix-settings:${organizationId}`, SETTINGS_WRITES_PER_HOUR, 3600);
  if (!limit.allowed)
    throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many Cloudonix settings changes; try again later', undefined, { 'retry-after': String(limit.retryAfter) });
  const current = await ctx.db.selectFrom('cloudonix_settings').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
  const generated = !input.requests_key && !current ? randomSecret(32) : undefined;
  const key = input.requests_key ?? generated ?? ctx.secrets.decrypt(current!.requests_key_enc);
  const hash = ctx.keyedHash(key);
  const holder = await ctx.db.selectFrom('cloudonix_settings').select('organization_id').where('requests_key_hash', '=', hash).executeTakeFirst();
  if (holder && holder.organization_id !== organizationId) throw keyTaken();
  const now = nowIso();
  const row = {
    organization_id: organizationId,
    domain_uuid: input.domain_uuid,
    domain_name: input.domain_name,
    requests_key_hash: hash,
    requests_key_hash_alg: 'hmac-sha256' as const,
    requests_key_enc: ctx.secrets.encrypt(key),
    webhook_base_url: input.webhook_base_url,
    created_at: current?.created_at ?? now,
    updated_at: now,
  };
  try {
    await ctx.db
      .insertInto('cloudonix_settings')
      .values(row)
      .onConflict((oc) => oc.column('organization_id').doUpdateSet({ ...row, created_at: undefined }))
      .execute();
  } catch (err) {
    // Another organization saved the same key between the check and this write.
    if (isUniqueViolation(err)) throw keyTaken();
    throw err;
  }
  await ctx.configChanged(organizationId);
  const view = present(row, key);
  return generated ? { ...view, requests_key: generated } : view;
}

export interface WebhookTenant {
  organizationId: string;
  domainName: string;
  baseUrl: string;
  /** false for a suspended organization: its requests are answered and change nothing. */
  active: boolean;
}

/**
 * Finds the organization a presented requests key belongs to: by its keyed hash, then a
 * constant-time comparison of the decrypted key. Results are cached (negative ones briefly); a
 * lookup that was in flight when a settings write invalidated the cache is not cached, since it
 * may have read the key that write replaced.
 */
export class WebhookKeyCache {
  private readonly hits = new Map<string, { tenant: WebhookTenant | null; expires: number }>();
  private generation = 0;

  constructor(private readonly ctx: AppContext) {}

  async resolve(key: string): Promise<WebhookTenant | null> {
    const hash = this.ctx.keyedHash(key);
    const now = Date.now();
    const cached = this.hits.get(hash);
    if (cached && cached.expires > now) return cached.tenant;
    const generation = this.generation;
    const row = await this.ctx.db
      .selectFrom('cloudonix_settings as c')
      .innerJoin('organizations as o', 'o.id', 'c.organization_id')
      .select(['c.organization_id', 'c.domain_name', 'c.webhook_base_url', 'c.requests_key_enc', 'o.status'])
      .where('c.requests_key_hash', '=', hash)
      .executeTakeFirst();
    const ok = row ? constantTimeEqual(this.ctx.secrets.decrypt(row.requests_key_enc), key) : false;
    const tenant =
      ok && row ? { organizationId: row.organization_id, domainName: row.domain_name, baseUrl: row.webhook_base_url, active: row.status === 'active' } : null;
    if (generation !== this.generation) return tenant;
    if (this.hits.size > 10_000) this.hits.clear();
    this.hits.set(hash, { tenant, expires: now + (tenant ? 300_000 : 5_000) });
    return tenant;
  }

  invalidate(): void {
    this.generation += 1;
    this.hits.clear();
  }
}
