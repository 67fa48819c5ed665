import { randomBytes } from 'node:crypto';

import { forbidden, invalidField, isUniqueViolation, newId, notFound, nowIso, sha256Hex } from '@opbx/platform';
import type { ApiKey, apiKeyCreate, ApiKeyCreated, ListQuery } from '@warp/contract';
import type { z } from 'zod';

import type { AppContext } from '../../context.js';
import type { ApiKeysTable, CustomersTable } from '../../db/schema.js';
import { type Actor, API_KEY_PREFIX, type Principal } from '../../http/auth.js';
import { paginate } from '../../http/envelope.js';
import { audit } from '../audit/audit.service.js';
import { enqueueEvent } from '../webhooks/events.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 32 random bytes in base62 (43 characters, no padding, copy-paste safe). */
export function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(43, '0');
}

export function presentApiKey(row: ApiKeysTable): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes),
    allowed_ips: JSON.parse(row.allowed_ips),
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    last_used_ip: row.last_used_ip,
    created_at: row.created_at,
  };
}

export async function listApiKeys(ctx: AppContext, customer: CustomersTable, query: ListQuery) {
  const q = ctx.db.selectFrom('api_keys').selectAll().where('customer_id', '=', customer.id).where('revoked_at', 'is', null);
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('created_at', 'desc').orderBy('id', 'desc'));
  return { data: rows.map(presentApiKey), pagination };
}

/** The secret is returned here only; the database keeps its SHA-256 and a lookup prefix. */
export async function createApiKey(
  ctx: AppContext,
  actor: Actor,
  principal: Principal,
  customer: CustomersTable,
  input: z.output<typeof apiKeyCreate>,
): Promise<ApiKeyCreated> {
  // A key may mint keys, but never with more power than it has itself.
  if (principal.kind === 'api_key') {
    const beyond = input.scopes.filter(
      (s) => !principal.scopes.includes(s) && !(s.endsWith(':read') && principal.scopes.includes(s.replace(':read', ':write'))),
    );
    if (beyond.length) throw forbidden(`An API key cannot grant scopes it does not have: ${beyond.join(', ')}`);
  }
  if (input.expires_at && Date.parse(input.expires_at) <= Date.now()) throw invalidField('expires_at', 'must be in the future');
  const scopes = [...new Set(input.scopes)].sort();
  for (let attempt = 0; attempt < 5; attempt++) {
    const secret = `${API_KEY_PREFIX}${base62(randomBytes(32))}`;
    const row: ApiKeysTable = {
      id: newId(),
      customer_id: customer.id,
      name: input.name,
      prefix: secret.slice(0, API_KEY_PREFIX.length + 8),
      key_hash: sha256Hex(secret),
      scopes: JSON.stringify(scopes),
      allowed_ips: JSON.stringify(input.allowed_ips ?? []),
      expires_at: input.expires_at ? new Date(input.expires_at).toISOString() : null,
      last_used_at: null,
      last_used_ip: null,
      revoked_at: null,
      created_by: actor.id,
      created_at: nowIso(),
    };
    const view = presentApiKey(row);
    try {
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('api_keys').values(row).execute();
        await audit(trx, actor, {
          action: 'api_key.create',
          customerId: customer.id,
          targetType: 'api_key',
          targetId: row.id,
          changes: { name: row.name, scopes, prefix: row.prefix },
        });
        await enqueueEvent(trx, customer.id, 'api_key.created', view);
      });
      return { ...view, secret };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // a prefix collision: draw again
    }
  }
  throw new Error('Could not allocate a unique API key prefix');
}

/** Revokes (kept for the audit trail, never listed again); the key stops working at once. */
export async function revokeApiKey(ctx: AppContext, actor: Actor, customer: CustomersTable, id: string): Promise<void> {
  const row = await ctx.db
    .selectFrom('api_keys')
    .selectAll()
    .where('customer_id', '=', customer.id)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('API key');
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('api_keys').set({ revoked_at: nowIso() }).where('id', '=', row.id).execute();
    await audit(trx, actor, {
      action: 'api_key.revoke',
      customerId: customer.id,
      targetType: 'api_key',
      targetId: row.id,
      changes: { name: row.name, prefix: row.prefix },
    });
  });
}
