import { randomBytes } from 'node:crypto';

import { constantTimeEqual, newId, nowIso, sha256Hex, unauthorized } from '@opbx/platform';
import type { FastifyRequest } from 'fastify';

import type { AppContext } from '../../context.js';
import { bearerToken } from '../../http/auth.js';
import { base62 } from '../api-keys/api-keys.service.js';

/*
 * Edge keys authenticate SIP edges (never users) on /v1/internal/*. Created by the CLI
 * (`warp edge-key create --name N`); the key is shown once and stored as its SHA-256 (it is 256
 * random bits, so a slow hash adds nothing), found by its prefix and compared in constant time.
 */
export const EDGE_KEY_PREFIX = 'warp_edge_';

export async function createEdgeKey(ctx: AppContext, name: string): Promise<{ id: string; key: string }> {
  const key = `${EDGE_KEY_PREFIX}${base62(randomBytes(32))}`;
  const id = newId();
  await ctx.db
    .insertInto('edge_keys')
    .values({
      id,
      name,
      prefix: key.slice(0, EDGE_KEY_PREFIX.length + 8),
      key_hash: sha256Hex(key),
      created_at: nowIso(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { id, key };
}

export async function revokeEdgeKey(ctx: AppContext, id: string): Promise<boolean> {
  const r = await ctx.db.updateTable('edge_keys').set({ revoked_at: nowIso() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The edge key of a request, or 401. */
export async function requireEdgeKey(ctx: AppContext, request: Pick<FastifyRequest, 'headers'>): Promise<{ id: string; name: string }> {
  const token = bearerToken(request);
  if (!token || !token.startsWith(EDGE_KEY_PREFIX)) throw unauthorized('An edge key is required: send it as a Bearer token');
  const row = await ctx.db
    .selectFrom('edge_keys')
    .selectAll()
    .where('prefix', '=', token.slice(0, EDGE_KEY_PREFIX.length + 8))
    .executeTakeFirst();
  if (!row || !constantTimeEqual(row.key_hash, sha256Hex(token)) || row.revoked_at) throw unauthorized('The edge key is invalid or revoked');
  void ctx.db
    .updateTable('edge_keys')
    .set({ last_used_at: nowIso() })
    .where('id', '=', row.id)
    .execute()
    .catch(() => undefined);
  return { id: row.id, name: row.name };
}

const KEY_CACHE_MS = 5_000;
const keyCaches = new WeakMap<AppContext, Map<string, { id: string; name: string; until: number }>>();

/**
 * requireEdgeKey for the per-call SIP path: a key seen valid in the last few seconds is accepted
 * from memory, so the decision never waits on the database; a revocation takes effect within
 * KEY_CACHE_MS. Unknown keys always go to the database (and are never cached).
 */
export async function requireEdgeKeyFast(ctx: AppContext, request: Pick<FastifyRequest, 'headers'>): Promise<{ id: string; name: string }> {
  const token = bearerToken(request);
  if (!token || !token.startsWith(EDGE_KEY_PREFIX)) throw unauthorized('An edge key is required: send it as a Bearer token');
  let cache = keyCaches.get(ctx);
  if (!cache) keyCaches.set(ctx, (cache = new Map()));
  const hash = sha256Hex(token);
  const hit = cache.get(hash);
  const now = Date.now();
  if (hit && hit.until > now) return hit;
  const key = await requireEdgeKey(ctx, request);
  if (cache.size > 1000) cache.clear();
  cache.set(hash, { ...key, until: now + KEY_CACHE_MS });
  return key;
}
