import { conflict, type ErrorDetail } from '@opbx/platform';
import type { Kysely } from 'kysely';

import type { Database } from '../../db/schema.js';

// What each referrer is, for the console's links (`used_by`, beyond the spec's `field` and `message`).
const ringGroup = (g: { id: string; name: string }) => ({ type: 'ring_group', id: g.id, name: g.name });
const did = (d: { id: string; phone_number: string }) => ({ type: 'did', id: d.id, name: d.phone_number });
const businessHours = (h: { id: string; name: string }) => ({ type: 'business_hours', id: h.id, name: h.name });

/**
 * Everything that can point at a resource. Deleting (or renumbering) something still referenced
 * is a 409 naming each referrer, so no route, fallback or forward is ever left dangling.
 */
export async function extensionReferences(
  db: Kysely<Database>,
  organizationId: string,
  extension: { id: string; extension_number: string },
): Promise<ErrorDetail[]> {
  const [members, fallbacks, dids, hours, forwards] = await Promise.all([
    db
      .selectFrom('ring_group_members as m')
      .innerJoin('ring_groups as g', 'g.id', 'm.ring_group_id')
      .select(['g.id', 'g.name'])
      .where('m.organization_id', '=', organizationId)
      .where('m.extension_id', '=', extension.id)
      .execute(),
    db
      .selectFrom('ring_groups')
      .select(['id', 'name'])
      .where('organization_id', '=', organizationId)
      .where('fallback_extension_id', '=', extension.id)
      .execute(),
    db
      .selectFrom('dids')
      .select(['id', 'phone_number', 'extension_id'])
      .where('organization_id', '=', organizationId)
      .where((eb) => eb.or([eb('extension_id', '=', extension.id), eb('fallback_extension_id', '=', extension.id)]))
      .execute(),
    db
      .selectFrom('business_hours')
      .select(['id', 'name'])
      .where('organization_id', '=', organizationId)
      .where((eb) => eb.or([eb('open_extension_id', '=', extension.id), eb('closed_extension_id', '=', extension.id)]))
      .execute(),
    db
      .selectFrom('extensions')
      .select(['id', 'extension_number'])
      .where('organization_id', '=', organizationId)
      .where('forwarding_destination', '=', extension.extension_number)
      .where('id', '!=', extension.id)
      .execute(),
  ]);
  return [
    ...members.map((g) => ({ field: 'ring_groups', message: `Member of ring group "${g.name}"`, used_by: ringGroup(g) })),
    ...fallbacks.map((g) => ({ field: 'ring_groups', message: `Fallback of ring group "${g.name}"`, used_by: ringGroup(g) })),
    ...dids.map((d) => ({
      field: 'dids',
      message: d.extension_id === extension.id ? `Routing target of phone number ${d.phone_number}` : `Fallback of phone number ${d.phone_number}`,
      used_by: did(d),
    })),
    ...hours.map((h) => ({ field: 'business_hours', message: `Routing target of business hours "${h.name}"`, used_by: businessHours(h) })),
    ...forwards.map((e) => ({
      field: 'extensions',
      message: `Call forwarding destination of extension ${e.extension_number}`,
      used_by: { type: 'extension', id: e.id, name: e.extension_number },
    })),
  ];
}

export async function ringGroupReferences(db: Kysely<Database>, organizationId: string, ringGroupId: string): Promise<ErrorDetail[]> {
  const [dids, hours] = await Promise.all([
    db.selectFrom('dids').select(['id', 'phone_number']).where('organization_id', '=', organizationId).where('ring_group_id', '=', ringGroupId).execute(),
    db
      .selectFrom('business_hours')
      .select(['id', 'name'])
      .where('organization_id', '=', organizationId)
      .where((eb) => eb.or([eb('open_ring_group_id', '=', ringGroupId), eb('closed_ring_group_id', '=', ringGroupId)]))
      .execute(),
  ]);
  return [
    ...dids.map((d) => ({ field: 'dids', message: `Routing target of phone number ${d.phone_number}`, used_by: did(d) })),
    ...hours.map((h) => ({ field: 'business_hours', message: `Routing target of business hours "${h.name}"`, used_by: businessHours(h) })),
  ];
}

export async function businessHoursReferences(db: Kysely<Database>, organizationId: string, businessHoursId: string): Promise<ErrorDetail[]> {
  const dids = await db
    .selectFrom('dids')
    .select(['id', 'phone_number'])
    .where('organization_id', '=', organizationId)
    .where('business_hours_id', '=', businessHoursId)
    .execute();
  return dids.map((d) => ({ field: 'dids', message: `Routing target of phone number ${d.phone_number}`, used_by: did(d) }));
}

export function assertUnreferenced(what: string, details: ErrorDetail[]): void {
  if (details.length) throw conflict(`The ${what} is in use and cannot be deleted: ${details.map((d) => d.message).join('; ')}`, details);
}
