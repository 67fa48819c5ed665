import { constantTimeEqual, nowIso, randomSecret, sha256Hex } from '@opbx/platform';
import type { AppContext } from '../../context.js';
import type { PutCloudonixInput } from './cloudonix.schema.js';

export interface CloudonixSettingsView {
  domain_uuid: string;
  domain_name: string;
  webhook_base_url: string;
  requests_key_set: boolean;
  /** Last four characters only, so an owner can tell keys apart. */
  requests_key_hint: string;
  /** Present only in the answer that created the key. */
  requests_key?: string;
  voice_url: string;
  session_update_url: string;
  cdr_url: string;
  updated_at: string;
}

function present(row: { domain_uuid: string; domain_name: string; webhook_base_url: string; updated_at: string }, key: string): CloudonixSettingsView {
  return {
    domain_uuid: row.domain_uuid,
    domain_name: row.domain_name,
    webhook_base_url: row.webhook_base_url,
    requests_key_set: true,
    requests_key_hint: `…${key.slice(-4)}`,
    voice_url: `${row.webhook_base_url}/api/voice/route`,
    session_update_url: `${row.webhook_base_url}/api/webhooks/cloudonix/session-update`,
    cdr_url: `${row.webhook_base_url}/api/webhooks/cloudonix/cdr`,
    updated_at: row.updated_at,
  };
}

export async function getCloudonixSettings(ctx: AppContext, organizationId: string): Promise<CloudonixSettingsView | null> {
  const row = await ctx.db.selectFrom('cloudonix_settings').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
  return row ? present(row, ctx.secrets.decrypt(row.requests_key_enc)) : null;
}

export async function putCloudonixSettings(ctx: AppContext, organizationId: string, input: PutCloudonixInput): Promise<CloudonixSettingsView> {
  const current = await ctx.db.selectFrom('cloudonix_settings').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
  const generated = !input.requests_key && !current ? randomSecret(32) : undefined;
  const key = input.requests_key ?? generated ?? ctx.secrets.decrypt(current!.requests_key_enc);
  const now = nowIso();
  const row = {
    organization_id: organizationId,
    domain_uuid: input.domain_uuid,
    domain_name: input.domain_name,
    requests_key_hash: sha256Hex(key),
    requests_key_enc: ctx.secrets.encrypt(key),
    webhook_base_url: input.webhook_base_url,
    created_at: current?.created_at ?? now,
    updated_at: now,
  };
  await ctx.db
    .insertInto('cloudonix_settings')
    .values(row)
    .onConflict((oc) => oc.column('organization_id').doUpdateSet({ ...row, created_at: undefined }))
    .execute();
  await ctx.configChanged(organizationId);
  const view = present(row, key);
  return generated ? { ...view, requests_key: generated } : view;
}

export interface WebhookTenant {
  organizationId: string;
  domainName: string;
  baseUrl: string;
}

/**
 * Finds the organization a presented requests key belongs to: by SHA-256 lookup, then a
 * constant-time comparison of the decrypted key. Results are cached (negative ones briefly); a
 * lookup that was in flight when a settings write invalidated the cache is not cached, since it
 * may have read the key that write replaced.
 */
export class WebhookKeyCache {
  private readonly hits = new Map<string, { tenant: WebhookTenant | null; expires: number }>();
  private generation = 0;

  constructor(private readonly ctx: AppContext) {}

  async resolve(key: string): Promise<WebhookTenant | null> {
    const hash = sha256Hex(key);
    const now = Date.now();
    const cached = this.hits.get(hash);
    if (cached && cached.expires > now) return cached.tenant;
    const generation = this.generation;
    const row = await this.ctx.db.selectFrom('cloudonix_settings').selectAll().where('requests_key_hash', '=', hash).executeTakeFirst();
    const ok = row ? constantTimeEqual(this.ctx.secrets.decrypt(row.requests_key_enc), key) : false;
    const tenant = ok && row ? { organizationId: row.organization_id, domainName: row.domain_name, baseUrl: row.webhook_base_url } : null;
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
