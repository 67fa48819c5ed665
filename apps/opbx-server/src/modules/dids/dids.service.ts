import {
  conflict,
  containsInsensitive,
  countRows,
  type ErrorDetail,
  invalid,
  invalidField,
  isForeignKeyViolation,
  isUniqueViolation,
  isUuid,
  newId,
  notFound,
  nowIso,
  type Page,
  paginate,
} from '@opbx/platform';

import type { AppContext } from '../../context.js';
import type { Db } from '../../db/db.js';
import type { DidsTable } from '../../db/schema.js';
import type { AuthInfo } from '../../http/auth.js';
import { type DidRow, type DidView, presentDid } from './dids.presenter.js';
import {
  type CreateDidInput,
  type ListDidsQuery,
  type RoutingConfigInput,
  type RoutingType,
  TARGET_FIELD,
  type TargetField,
  type UpdateDidInput,
} from './dids.schema.js';

/** The stored routing columns; exactly one target id is non-null, the one of routing_type. */
type Routing = Pick<DidsTable, 'routing_type' | 'extension_id' | 'ring_group_id' | 'business_hours_id' | 'fallback_extension_id' | 'voicemail_greeting'>;
type RoutingColumn = Exclude<keyof Routing, 'routing_type' | 'voicemail_greeting'>;

async function findDid(db: Db, organizationId: string, id: string): Promise<DidRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('dids').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

async function requireDid(db: Db, organizationId: string, id: string): Promise<DidRow> {
  const row = await findDid(db, organizationId, id);
  if (!row) throw notFound('Phone number');
  return row;
}

/** Builds the stored routing from a type and a config, dropping ids that the type does not use. */
function toRouting(type: RoutingType, config: RoutingConfigInput): Routing {
  const target: TargetField = TARGET_FIELD[type];
  return {
    routing_type: type,
    extension_id: target === 'extension_id' ? (config.extension_id ?? null) : null,
    ring_group_id: target === 'ring_group_id' ? (config.ring_group_id ?? null) : null,
    business_hours_id: target === 'business_hours_id' ? (config.business_hours_id ?? null) : null,
    fallback_extension_id: config.fallback_extension_id ?? null,
    voicemail_greeting: config.voicemail_greeting || null,
  };
}

async function checkExtension(db: Db, organizationId: string, id: string, field: string): Promise<ErrorDetail | undefined> {
  const row = await db.selectFrom('extensions').select('status').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  if (!row) return { field, message: 'extension does not exist' };
  if (row.status !== 'active') return { field, message: 'extension is inactive' };
  return undefined;
}

async function checkRingGroup(db: Db, organizationId: string, id: string, field: string): Promise<ErrorDetail | undefined> {
  const row = await db.selectFrom('ring_groups').select('status').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  if (!row) return { field, message: 'ring group does not exist' };
  if (row.status !== 'active') return { field, message: 'ring group is inactive' };
  return undefined;
}

async function checkBusinessHours(db: Db, organizationId: string, id: string, field: string): Promise<ErrorDetail | undefined> {
  const row = await db.selectFrom('business_hours').select('id').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return row ? undefined : { field, message: 'business hours do not exist' };
}

const CHECKS: Record<RoutingColumn, typeof checkExtension> = {
  extension_id: checkExtension,
  ring_group_id: checkRingGroup,
  business_hours_id: checkBusinessHours,
  fallback_extension_id: checkExtension,
};

/**
 * Every error at once, each on its exact field. Only references in `toCheck` are looked up, so
 * an update that leaves a target alone still succeeds after that target was deactivated (the
 * DID can then at least be switched off or re-pointed).
 */
async function checkRouting(db: Db, organizationId: string, routing: Routing, toCheck: (column: RoutingColumn) => boolean): Promise<void> {
  const target = TARGET_FIELD[routing.routing_type];
  const details: ErrorDetail[] = [];
  // Voicemail without an extension (what the spec's DID form sends) records into the organization's general mailbox.
  if (!routing[target] && routing.routing_type !== 'voicemail')
    details.push({ field: `routing_config.${target}`, message: `is required when routing_type is ${routing.routing_type}` });
  for (const column of [target, 'fallback_extension_id'] as const) {
    const id = routing[column];
    if (!id || !toCheck(column)) continue;
    const error = await CHECKS[column](db, organizationId, id, `routing_config.${column}`);
    if (error) details.push(error);
  }
  if (details.length) throw invalid(details);
}

/** Constraint failures that the checks cannot fully prevent (concurrent writers) become client errors. */
function writeFailure(err: unknown): never {
  if (isUniqueViolation(err)) throw conflict('The phone number is already in use', [{ field: 'phone_number', message: 'is already in use' }]);
  if (isForeignKeyViolation(err)) throw invalidField('routing_config', 'a routing target was deleted meanwhile; check the routing and retry');
  throw err;
}

export async function createDid(ctx: AppContext, auth: AuthInfo, input: CreateDidInput): Promise<DidView> {
  const organizationId = auth.organizationId;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const routing = toRouting(input.routing_type, input.routing_config);
    await checkRouting(trx, organizationId, routing, () => true);
    const now = nowIso();
    const row: DidRow = {
      id: newId(),
      organization_id: organizationId,
      phone_number: input.phone_number,
      friendly_name: input.friendly_name || null,
      ...routing,
      status: input.status ?? 'active',
      cloudonix_dnid: null,
      cloudonix_voice_application_id: null,
      created_at: now,
      updated_at: now,
    };
    // Uniqueness spans every organization; the unique index is the arbiter, so two concurrent
    // creates of one number cannot both win.
    try {
      await trx.insertInto('dids').values(row).execute();
    } catch (err) {
      writeFailure(err);
    }
    return row;
  });
  await ctx.configChanged(organizationId);
  return presentDid(row);
}

export async function getDid(ctx: AppContext, auth: AuthInfo, id: string): Promise<DidView> {
  return presentDid(await requireDid(ctx.db, auth.organizationId, id));
}

export async function listDids(ctx: AppContext, auth: AuthInfo, query: ListDidsQuery): Promise<Page<DidView>> {
  const search = query.search;
  // People search numbers the way they write them ("555-0102", "(555)"), so match the digits.
  const numberTerm = search?.replace(/[\s\-().]/g, '');
  const filtered = ctx.db
    .selectFrom('dids')
    .where('organization_id', '=', auth.organizationId)
    .$if(Boolean(query.status), (q) => q.where('status', '=', query.status!))
    .$if(Boolean(query.routing_type), (q) => q.where('routing_type', '=', query.routing_type!))
    .$if(Boolean(search), (q) =>
      q.where((eb) => eb.or([containsInsensitive('friendly_name', search!), ...(numberTerm ? [containsInsensitive('phone_number', numberTerm)] : [])])),
    );
  const page = await paginate(filtered.selectAll(), query, { column: 'phone_number', idColumn: 'id', direction: 'asc' }, () => countRows(filtered));
  return { data: page.data.map((r) => presentDid(r as DidRow)), meta: page.meta };
}

export async function updateDid(ctx: AppContext, auth: AuthInfo, id: string, input: UpdateDidInput): Promise<DidView> {
  const organizationId = auth.organizationId;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const current = await requireDid(trx, organizationId, id);
    const type = input.routing_type ?? current.routing_type;
    const patchConfig = Object.fromEntries(Object.entries(input.routing_config ?? {}).filter(([, v]) => v !== undefined));
    const retargeted = type !== current.routing_type;
    // A new routing type takes its target from this request only: switching an extension's number to
    // voicemail without naming a mailbox means the general mailbox, not that extension's.
    const kept = (column: RoutingColumn) => (retargeted && column !== 'fallback_extension_id' ? null : current[column]);
    const merged: RoutingConfigInput = {
      extension_id: kept('extension_id'),
      ring_group_id: kept('ring_group_id'),
      business_hours_id: kept('business_hours_id'),
      fallback_extension_id: current.fallback_extension_id,
      voicemail_greeting: current.voicemail_greeting,
      ...patchConfig,
    };
    const routing = toRouting(type, merged);
    await checkRouting(trx, organizationId, routing, (column) => routing[column] !== current[column] || (retargeted && column === TARGET_FIELD[type]));
    const patch: Partial<DidsTable> = { ...routing, updated_at: nowIso() };
    if (input.friendly_name !== undefined) patch.friendly_name = input.friendly_name || null;
    if (input.status !== undefined) patch.status = input.status;
    try {
      await trx.updateTable('dids').set(patch).where('id', '=', current.id).where('organization_id', '=', organizationId).execute();
    } catch (err) {
      writeFailure(err);
    }
    return { ...current, ...patch } as DidRow;
  });
  await ctx.configChanged(organizationId);
  return presentDid(row);
}

/** Nothing references a DID, so deleting one is unconditional. */
export async function deleteDid(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  const current = await requireDid(ctx.db, auth.organizationId, id);
  await ctx.db.deleteFrom('dids').where('id', '=', current.id).where('organization_id', '=', auth.organizationId).execute();
  await ctx.configChanged(auth.organizationId);
}
