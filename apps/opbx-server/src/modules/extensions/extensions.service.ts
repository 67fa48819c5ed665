import {
  conflict,
  containsInsensitive,
  countRows,
  type ErrorDetail,
  forbidden,
  invalidField,
  isUniqueViolation,
  isUuid,
  newId,
  notFound,
  nowIso,
  type Page,
  paginate,
  randomSecret,
} from '@opbx/platform';

import type { AppContext } from '../../context.js';
import type { Db } from '../../db/db.js';
import type { ExtensionsTable } from '../../db/schema.js';
import type { AuthInfo } from '../../http/auth.js';
import { E164_RE, EXTENSION_NUMBER_RE } from '../../http/schemas.js';
import { announceExtensionPresence } from '../call-records/presence.js';
import { loadOutboundPolicy } from '../outbound-policy/outbound-policy.service.js';
import { refusalOf, REFUSALS } from '../outbound-policy/policy.js';
import { assertUnreferenced, extensionReferences } from '../shared/references.js';
import { type ExtensionRow, type ExtensionView, presentExtension } from './extensions.presenter.js';
import { AGENT_EXTENSION_FIELDS, type CreateExtensionInput, type ListExtensionsQuery, type UpdateExtensionInput } from './extensions.schema.js';

async function findExtension(db: Db, organizationId: string, id: string): Promise<ExtensionRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('extensions').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

async function requireExtension(db: Db, organizationId: string, id: string): Promise<ExtensionRow> {
  const row = await findExtension(db, organizationId, id);
  if (!row) throw notFound('Extension');
  return row;
}

/**
 * Forwarding must point at an existing extension number of the organization (not itself), one of
 * its own numbers, or an external number its outbound policy allows (toll fraud: a forward is an
 * outbound call anyone who calls the extension can trigger). Routing checks the policy again.
 */
async function checkForwarding(
  db: Db,
  organizationId: string,
  forwarding: { enabled: boolean; destination?: string } | null | undefined,
  ownNumber: string,
): Promise<ErrorDetail[]> {
  if (!forwarding) return [];
  const dest = forwarding.destination;
  if (!dest) return forwarding.enabled ? [{ field: 'call_forwarding.destination', message: 'is required when forwarding is enabled' }] : [];
  if (E164_RE.test(dest)) {
    // A forward being switched off may keep a destination the policy no longer allows: it dials nothing.
    if (!forwarding.enabled) return [];
    const ownDid = await db.selectFrom('dids').select('id').where('organization_id', '=', organizationId).where('phone_number', '=', dest).executeTakeFirst();
    if (ownDid) return [];
    const refused = refusalOf((await loadOutboundPolicy(db, organizationId)).policy, dest);
    return refused ? [{ field: 'call_forwarding.destination', message: `${dest} ${REFUSALS[refused]}` }] : [];
  }
  if (!EXTENSION_NUMBER_RE.test(dest)) {
    return [{ field: 'call_forwarding.destination', message: 'must be an extension number of this organization or an E.164 number (+15551234567)' }];
  }
  if (dest === ownNumber) return [{ field: 'call_forwarding.destination', message: 'cannot forward an extension to itself' }];
  const target = await db
    .selectFrom('extensions')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('extension_number', '=', dest)
    .executeTakeFirst();
  return target ? [] : [{ field: 'call_forwarding.destination', message: `extension ${dest} does not exist` }];
}

/** A user extension belongs to a user of the same organization who has no other extension. */
async function checkUserAssignment(
  db: Db,
  organizationId: string,
  type: ExtensionRow['type'],
  userId: string | null | undefined,
  selfId?: string,
): Promise<void> {
  if (!userId) return;
  if (type !== 'user') throw invalidField('user_id', 'only user extensions can be assigned to a user');
  const user = await db.selectFrom('users').select('id').where('organization_id', '=', organizationId).where('id', '=', userId).executeTakeFirst();
  if (!user) throw invalidField('user_id', 'user does not exist');
  const other = await db
    .selectFrom('extensions')
    .select('extension_number')
    .where('user_id', '=', userId)
    .$if(Boolean(selfId), (q) => q.where('id', '!=', selfId!))
    .executeTakeFirst();
  if (other) throw conflict(`The user already has extension ${other.extension_number}`, [{ field: 'user_id', message: 'already has an extension' }]);
}

/** A clear 409 for a taken number; checked first because the SIP username defaults to the number. */
async function assertNumberFree(db: Db, organizationId: string, number: string, selfId?: string): Promise<void> {
  const taken = await db
    .selectFrom('extensions')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('extension_number', '=', number)
    .$if(Boolean(selfId), (q) => q.where('id', '!=', selfId!))
    .executeTakeFirst();
  if (taken) throw conflict(`Extension ${number} already exists`, [{ field: 'extension_number', message: 'is already in use' }]);
}

function uniqueConflict(err: unknown): never {
  if (isUniqueViolation(err)) {
    const text = String((err as Error).message);
    if (text.includes('sip_username')) throw conflict('The SIP username is already in use', [{ field: 'sip_config.username', message: 'is already in use' }]);
    if (text.includes('user_id') || text.includes('extensions_user'))
      throw conflict('The user already has an extension', [{ field: 'user_id', message: 'already has an extension' }]);
    throw conflict('The extension number is already in use', [{ field: 'extension_number', message: 'is already in use' }]);
  }
  throw err;
}

/** Creates an extension inside the caller's transaction (users.create uses it too). */
export async function insertExtension(db: Db, ctx: AppContext, organizationId: string, input: CreateExtensionInput): Promise<ExtensionRow> {
  await assertNumberFree(db, organizationId, input.extension_number);
  await checkUserAssignment(db, organizationId, input.type, input.user_id);
  const forwardingErrors = await checkForwarding(db, organizationId, input.call_forwarding, input.extension_number);
  if (forwardingErrors.length) throw invalidField(forwardingErrors[0]!.field, forwardingErrors[0]!.message);
  const now = nowIso();
  const row: ExtensionRow = {
    id: newId(),
    organization_id: organizationId,
    user_id: input.user_id ?? null,
    extension_number: input.extension_number,
    type: input.type,
    status: input.status ?? 'active',
    sip_username: input.sip_config?.username ?? input.extension_number,
    sip_domain: input.sip_config?.domain ?? null,
    sip_password_enc: ctx.secrets.encrypt(input.sip_config?.password ?? randomSecret(20)),
    voicemail_enabled: Number(input.voicemail_enabled ?? input.type === 'user'),
    forwarding_enabled: Number(input.call_forwarding?.enabled ?? false),
    forwarding_destination: input.call_forwarding?.destination ?? null,
    forwarding_on_no_answer: Number(input.call_forwarding?.on_no_answer ?? false),
    created_at: now,
    updated_at: now,
  };
  try {
    await db.insertInto('extensions').values(row).execute();
  } catch (err) {
    uniqueConflict(err);
  }
  return row;
}

export async function createExtension(ctx: AppContext, auth: AuthInfo, input: CreateExtensionInput): Promise<ExtensionView> {
  const row = await ctx.db.transaction().execute((trx) => insertExtension(trx, ctx, auth.organizationId, input));
  await ctx.configChanged(auth.organizationId);
  return presentExtension(row, ctx);
}

export async function getExtension(ctx: AppContext, auth: AuthInfo, id: string): Promise<ExtensionView> {
  return presentExtension(await requireExtension(ctx.db, auth.organizationId, id), ctx);
}

export async function listExtensions(ctx: AppContext, auth: AuthInfo, query: ListExtensionsQuery): Promise<Page<ExtensionView>> {
  const filtered = ctx.db
    .selectFrom('extensions')
    .where('organization_id', '=', auth.organizationId)
    .$if(Boolean(query.type), (q) => q.where('type', '=', query.type!))
    .$if(Boolean(query.status), (q) => q.where('status', '=', query.status!))
    .$if(Boolean(query.user_id), (q) => q.where('user_id', '=', query.user_id!))
    .$if(Boolean(query.search), (q) =>
      q.where((eb) => eb.or([containsInsensitive('extension_number', query.search!), containsInsensitive('sip_username', query.search!)])),
    );
  const page = await paginate(filtered.selectAll(), query, { column: 'extension_number', idColumn: 'id', direction: 'asc' }, () => countRows(filtered));
  return { data: page.data.map((r) => presentExtension(r as ExtensionRow, ctx)), meta: page.meta };
}

export async function updateExtension(ctx: AppContext, auth: AuthInfo, id: string, input: UpdateExtensionInput): Promise<ExtensionView> {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const current = await requireExtension(trx, auth.organizationId, id);
    if (auth.role === 'agent') {
      if (current.user_id !== auth.userId) throw forbidden('Agents may only change their own extension');
      const disallowed = Object.keys(input).filter((k) => !AGENT_EXTENSION_FIELDS.has(k));
      if (disallowed.length) throw forbidden(`Agents may only change voicemail and call forwarding (not ${disallowed.join(', ')})`);
    }
    const number = input.extension_number ?? current.extension_number;
    if (number !== current.extension_number) {
      await assertNumberFree(trx, auth.organizationId, number, current.id);
      const forwards = (await extensionReferences(trx, auth.organizationId, current)).filter((d) => d.field === 'extensions');
      if (forwards.length) throw conflict('The extension number is a forwarding destination and cannot change', forwards);
    }
    if (input.user_id !== undefined) await checkUserAssignment(trx, auth.organizationId, current.type, input.user_id, current.id);
    const patch: Partial<ExtensionsTable> = { updated_at: nowIso() };
    if (input.extension_number !== undefined) patch.extension_number = input.extension_number;
    if (input.user_id !== undefined) patch.user_id = input.user_id;
    if (input.status !== undefined) patch.status = input.status;
    if (input.voicemail_enabled !== undefined) patch.voicemail_enabled = Number(input.voicemail_enabled);
    if (input.sip_config?.username !== undefined) patch.sip_username = input.sip_config.username;
    if (input.sip_config?.domain !== undefined) patch.sip_domain = input.sip_config.domain;
    if (input.sip_config?.password !== undefined) patch.sip_password_enc = ctx.secrets.encrypt(input.sip_config.password);
    if (input.call_forwarding !== undefined) {
      const errors = await checkForwarding(trx, auth.organizationId, input.call_forwarding, number);
      if (errors.length) throw invalidField(errors[0]!.field, errors[0]!.message);
      patch.forwarding_enabled = Number(input.call_forwarding?.enabled ?? false);
      patch.forwarding_destination = input.call_forwarding?.destination ?? null;
      patch.forwarding_on_no_answer = Number(input.call_forwarding?.on_no_answer ?? false);
    }
    try {
      await trx.updateTable('extensions').set(patch).where('id', '=', current.id).where('organization_id', '=', auth.organizationId).execute();
    } catch (err) {
      uniqueConflict(err);
    }
    return { ...current, ...patch, previousStatus: current.status } as ExtensionRow & { previousStatus: ExtensionRow['status'] };
  });
  await ctx.configChanged(auth.organizationId);
  // Presence follows: a deactivated extension is offline, a reactivated one idle.
  if (row.status !== row.previousStatus) await announceExtensionPresence(ctx, auth.organizationId, row.id, row.status === 'inactive' ? 'offline' : 'idle');
  return presentExtension(row, ctx);
}

export async function deleteExtension(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const current = await requireExtension(trx, auth.organizationId, id);
    assertUnreferenced('extension', await extensionReferences(trx, auth.organizationId, current));
    await trx.deleteFrom('extensions').where('id', '=', current.id).where('organization_id', '=', auth.organizationId).execute();
  });
  await ctx.configChanged(auth.organizationId);
  await announceExtensionPresence(ctx, auth.organizationId, id, 'offline', false);
}

/** Generates a new SIP password and returns it this once; it is never readable again. */
export async function resetSipPassword(ctx: AppContext, auth: AuthInfo, id: string) {
  const current = await requireExtension(ctx.db, auth.organizationId, id);
  const password = randomSecret(20);
  await ctx.db
    .updateTable('extensions')
    .set({ sip_password_enc: ctx.secrets.encrypt(password), updated_at: nowIso() })
    .where('id', '=', current.id)
    .where('organization_id', '=', auth.organizationId)
    .execute();
  await ctx.configChanged(auth.organizationId);
  const view = presentExtension(current, ctx);
  return { ...view, sip_config: { ...view.sip_config, password } };
}
