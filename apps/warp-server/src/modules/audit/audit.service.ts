import { newId, nowIso } from '@opbx/platform';
import type { AuditEntry, AuditListQuery } from '@warp/contract';
import type { Kysely } from 'kysely';

import type { Db } from '../../db/db.js';
import type { AuditLogTable, Database } from '../../db/schema.js';
import type { Actor } from '../../http/auth.js';
import { paginate } from '../../http/envelope.js';

export interface AuditRecord {
  action: string;
  customerId: string | null;
  targetType: string;
  targetId: string | null;
  changes?: Record<string, unknown>;
}

/** Appends one entry; call it inside the write's transaction so the two commit together. */
export async function audit(db: Db, actor: Actor, record: AuditRecord): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      created_at: nowIso(),
      actor_type: actor.type,
      actor_id: actor.id,
      actor_label: actor.label,
      customer_id: record.customerId,
      action: record.action,
      target_type: record.targetType,
      target_id: record.targetId,
      changes: JSON.stringify(record.changes ?? {}),
      request_id: actor.requestId,
      ip: actor.ip,
    })
    .execute();
}

/** `{field: {from, to}}` for the fields that changed; `secret` fields show "[redacted]". */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown>, secret: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before?.[key];
    if (JSON.stringify(old) === JSON.stringify(value)) continue;
    out[key] = secret.includes(key) ? { from: old === undefined ? undefined : '[redacted]', to: '[redacted]' } : { from: old ?? null, to: value };
  }
  return out;
}

export function presentAudit(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    created_at: row.created_at,
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    customer_id: row.customer_id,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    changes: JSON.parse(row.changes) as Record<string, unknown>,
    request_id: row.request_id,
    ip: row.ip,
  };
}

export async function listAudit(db: Kysely<Database>, query: AuditListQuery) {
  let q = db.selectFrom('audit_log').selectAll();
  if (query.customer_id) q = q.where('customer_id', '=', query.customer_id);
  if (query.actor_id) q = q.where('actor_id', '=', query.actor_id);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.target_id) q = q.where('target_id', '=', query.target_id);
  const { rows, pagination } = await paginate(q, query, (x) => x.orderBy('created_at', 'desc').orderBy('id', 'desc'));
  return { data: rows.map(presentAudit), pagination };
}
