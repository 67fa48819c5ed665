import { conflict, containsInsensitive, type ErrorDetail, invalid, isUniqueViolation, isUuid, newId, notFound, nowIso } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import type { Db } from '../../db/db.js';
import type { BusinessHoursTable } from '../../db/schema.js';
import type { AuthInfo } from '../../http/auth.js';
import { assertUnreferenced, businessHoursReferences } from '../shared/references.js';
import { type BusinessHoursRow, type BusinessHoursView, presentBusinessHours, storedCalendar } from './business-hours.presenter.js';
import type {
  ClosedRoutingInput,
  CreateBusinessHoursInput,
  ListBusinessHoursQuery,
  OpenRoutingInput,
  UpdateBusinessHoursInput,
} from './business-hours.schema.js';
import { findScheduleConflicts, type Holiday, type Schedule } from './schedule.js';

/** A complete definition: what a create carries, or what a patch merged onto the stored row yields. */
interface Definition {
  name: string;
  timezone: string;
  schedules: readonly Schedule[];
  holidays: readonly Holiday[];
  open: OpenRoutingInput;
  closed: ClosedRoutingInput;
}

type DefinitionColumns = Omit<BusinessHoursTable, 'id' | 'organization_id' | 'created_at' | 'updated_at'>;

async function findBusinessHours(db: Db, organizationId: string, id: string): Promise<BusinessHoursRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('business_hours').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

async function requireBusinessHours(db: Db, organizationId: string, id: string): Promise<BusinessHoursRow> {
  const row = await findBusinessHours(db, organizationId, id);
  if (!row) throw notFound('Business hours');
  return row;
}

const nameTaken = (name: string) => conflict(`Business hours named "${name}" already exist`, [{ field: 'name', message: 'is already in use' }]);

/** The only unique key besides the (UUIDv7) primary key is `business_hours_org_name`. */
function rethrowNameConflict(err: unknown, name: string): never {
  if (isUniqueViolation(err)) throw nameTaken(name);
  throw err;
}

function calendarProblems(def: Definition): ErrorDetail[] {
  const details: ErrorDetail[] = findScheduleConflicts(def.schedules).map((c) => ({ field: `schedules.${c.index}`, message: c.message }));
  const seen = new Map<string, number>();
  def.holidays.forEach((h, i) => {
    const first = seen.get(h.date);
    if (first === undefined) seen.set(h.date, i);
    else details.push({ field: `holidays.${i}.date`, message: `${h.date} is already listed as holidays.${first}` });
  });
  return details;
}

const REQUIRED_ID = {
  extension: 'extension_id',
  voicemail: 'extension_id',
  ring_group: 'ring_group_id',
  hangup: undefined,
} as const;

/** The id the routing type needs must be present and name a row of this organization; other ids are dropped. */
async function routingProblems(db: Db, organizationId: string, field: string, routing: OpenRoutingInput | ClosedRoutingInput): Promise<ErrorDetail[]> {
  const key = REQUIRED_ID[routing.type];
  if (!key) return [];
  const id = routing[key];
  const path = `${field}.${key}`;
  const what = key === 'extension_id' ? 'an extension' : 'a ring group';
  // Voicemail naming no extension (the spec's types send none) records into the organization's general mailbox.
  if (!id) return routing.type === 'voicemail' ? [] : [{ field: path, message: `is required for type ${routing.type} (${what})` }];
  const table = key === 'extension_id' ? 'extensions' : 'ring_groups';
  const found = await db.selectFrom(table).select('id').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return found ? [] : [{ field: path, message: `${key === 'extension_id' ? 'extension' : 'ring group'} does not exist` }];
}

const byDayThenTime = (a: Schedule, b: Schedule) =>
  a.day_of_week - b.day_of_week || a.open_time.localeCompare(b.open_time) || a.close_time.localeCompare(b.close_time);

/** Validates the definition as a whole and turns it into columns; throws one 422 listing every problem. */
async function toColumns(db: Db, organizationId: string, def: Definition): Promise<DefinitionColumns> {
  const details = [
    ...calendarProblems(def),
    ...(await routingProblems(db, organizationId, 'open_hours_routing', def.open)),
    ...(await routingProblems(db, organizationId, 'closed_hours_routing', def.closed)),
  ];
  if (details.length) throw invalid(details);
  const schedules = def.schedules.map((s) => ({ day_of_week: s.day_of_week, open_time: s.open_time, close_time: s.close_time })).sort(byDayThenTime);
  const holidays = def.holidays.map((h) => ({ date: h.date, name: h.name })).sort((a, b) => a.date.localeCompare(b.date));
  const openKey = REQUIRED_ID[def.open.type];
  const closedKey = REQUIRED_ID[def.closed.type];
  return {
    name: def.name,
    timezone: def.timezone,
    schedules: JSON.stringify(schedules),
    holidays: JSON.stringify(holidays),
    open_type: def.open.type,
    open_extension_id: openKey === 'extension_id' ? def.open.extension_id! : null,
    open_ring_group_id: openKey === 'ring_group_id' ? def.open.ring_group_id! : null,
    closed_type: def.closed.type,
    closed_extension_id: closedKey === 'extension_id' ? (def.closed.extension_id ?? null) : null,
    closed_ring_group_id: closedKey === 'ring_group_id' ? def.closed.ring_group_id! : null,
  };
}

function definitionOf(row: BusinessHoursRow): Definition {
  return {
    name: row.name,
    timezone: row.timezone,
    ...storedCalendar(row),
    open: { type: row.open_type, extension_id: row.open_extension_id, ring_group_id: row.open_ring_group_id },
    closed: { type: row.closed_type, extension_id: row.closed_extension_id, ring_group_id: row.closed_ring_group_id },
  };
}

async function organizationTimezone(db: Db, organizationId: string): Promise<string> {
  const org = await db.selectFrom('organizations').select('timezone').where('id', '=', organizationId).executeTakeFirstOrThrow();
  return org.timezone;
}

export async function createBusinessHours(ctx: AppContext, auth: AuthInfo, input: CreateBusinessHoursInput): Promise<BusinessHoursView> {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const columns = await toColumns(trx, auth.organizationId, {
      name: input.name,
      timezone: input.timezone ?? (await organizationTimezone(trx, auth.organizationId)),
      schedules: input.schedules,
      holidays: input.holidays ?? [],
      open: input.open_hours_routing,
      closed: input.closed_hours_routing,
    });
    const now = nowIso();
    const created: BusinessHoursRow = { id: newId(), organization_id: auth.organizationId, ...columns, created_at: now, updated_at: now };
    try {
      await trx.insertInto('business_hours').values(created).execute();
    } catch (err) {
      rethrowNameConflict(err, columns.name);
    }
    return created;
  });
  await ctx.configChanged(auth.organizationId);
  return presentBusinessHours(row, new Date());
}

export async function getBusinessHours(ctx: AppContext, auth: AuthInfo, id: string): Promise<BusinessHoursView> {
  return presentBusinessHours(await requireBusinessHours(ctx.db, auth.organizationId, id), new Date());
}

/** Unpaginated (per the spec): an organization has a handful of these. */
export async function listBusinessHours(ctx: AppContext, auth: AuthInfo, query: ListBusinessHoursQuery): Promise<{ data: BusinessHoursView[] }> {
  const rows = await ctx.db
    .selectFrom('business_hours')
    .selectAll()
    .where('organization_id', '=', auth.organizationId)
    .$if(Boolean(query.search), (q) => q.where(containsInsensitive('name', query.search!)))
    .orderBy('name')
    .orderBy('id')
    .execute();
  const now = new Date();
  return { data: rows.map((r) => presentBusinessHours(r, now)) };
}

export async function updateBusinessHours(ctx: AppContext, auth: AuthInfo, id: string, input: UpdateBusinessHoursInput): Promise<BusinessHoursView> {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const current = await requireBusinessHours(trx, auth.organizationId, id);
    const stored = definitionOf(current);
    // Nested values (schedules, holidays, each routing) are replaced whole, then the result is checked as one.
    const columns = await toColumns(trx, auth.organizationId, {
      name: input.name ?? stored.name,
      timezone: input.timezone ?? stored.timezone,
      schedules: input.schedules ?? stored.schedules,
      holidays: input.holidays ?? stored.holidays,
      open: input.open_hours_routing ?? stored.open,
      closed: input.closed_hours_routing ?? stored.closed,
    });
    const updated: BusinessHoursRow = { ...current, ...columns, updated_at: nowIso() };
    try {
      await trx
        .updateTable('business_hours')
        .set({ ...columns, updated_at: updated.updated_at })
        .where('id', '=', current.id)
        .where('organization_id', '=', auth.organizationId)
        .execute();
    } catch (err) {
      rethrowNameConflict(err, columns.name);
    }
    return updated;
  });
  await ctx.configChanged(auth.organizationId);
  return presentBusinessHours(row, new Date());
}

export async function deleteBusinessHours(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const current = await requireBusinessHours(trx, auth.organizationId, id);
    assertUnreferenced('business hours', await businessHoursReferences(trx, auth.organizationId, current.id));
    await trx.deleteFrom('business_hours').where('id', '=', current.id).where('organization_id', '=', auth.organizationId).execute();
  });
  await ctx.configChanged(auth.organizationId);
}
