import type { AppContext } from '../context.js';
import type { AuthInfo } from '../http/auth.js';
import { createBusinessHours } from '../modules/business-hours/business-hours.service.js';
import { putCloudonixSettings } from '../modules/cloudonix/cloudonix.service.js';
import { createDid } from '../modules/dids/dids.service.js';
import { createExtension } from '../modules/extensions/extensions.service.js';
import { createOrganization } from '../modules/organization/organization.service.js';
import { createRingGroup } from '../modules/ring-groups/ring-groups.service.js';
import { createUser } from '../modules/users/users.service.js';
import { DEMO_CLOUDONIX, DEMO_LOGIN } from './constants.js';

export { DEMO_CLOUDONIX, DEMO_LOGIN };

/**
 * A small but complete PBX: three people with extensions, a sales ring group, office hours
 * that route to it, and three phone numbers. Built through the same services as the API.
 */
export async function seedDemo(
  ctx: AppContext,
  options: { baseUrl?: string; onlyIntoEmpty?: boolean } = {},
): Promise<{ created: boolean; organization_id?: string; refused?: 'not_empty' }> {
  const exists = await ctx.db.selectFrom('users').select('id').where('email', '=', DEMO_LOGIN.email).executeTakeFirst();
  if (exists) return { created: false };
  // A known password and requests key have no place beside real tenants (`serve --demo`).
  if (options.onlyIntoEmpty && (await ctx.db.selectFrom('organizations').select('id').limit(1).executeTakeFirst())) {
    return { created: false, refused: 'not_empty' };
  }
  const org = await createOrganization(ctx, {
    name: 'Acme Demo Co',
    timezone: 'America/New_York',
    ownerEmail: DEMO_LOGIN.email,
    ownerPassword: DEMO_LOGIN.password,
    ownerName: 'Dana Demo',
  });
  const auth: AuthInfo = { userId: org.user_id, organizationId: org.organization_id, role: 'owner', tokenId: '', tokenHash: '' };

  const owner = await createExtension(ctx, auth, { extension_number: '101', type: 'user', user_id: org.user_id });
  const alex = await createUser(ctx, auth, { name: 'Alex Admin', email: 'alex@opbx.local', password: 'demo1234', role: 'admin', extension_number: '102' });
  const sam = await createUser(ctx, auth, { name: 'Sam Agent', email: 'sam@opbx.local', password: 'demo1234', role: 'agent', extension_number: '103' });
  const riley = await createUser(ctx, auth, { name: 'Riley Agent', email: 'riley@opbx.local', password: 'demo1234', role: 'agent', extension_number: '104' });
  const lobby = await createExtension(ctx, auth, { extension_number: '200', type: 'virtual', voicemail_enabled: true });

  const sales = await createRingGroup(ctx, auth, {
    name: 'Sales',
    strategy: 'simultaneous',
    timeout: 25,
    members: [alex, sam, riley].map((u, i) => ({ extension_id: u.extension!.id, priority: i + 1 })),
    fallback_action: { type: 'voicemail' },
  });
  const support = await createRingGroup(ctx, auth, {
    name: 'Support',
    strategy: 'round_robin',
    timeout: 20,
    members: [sam, riley].map((u, i) => ({ extension_id: u.extension!.id, priority: i + 1 })),
    fallback_action: { type: 'extension', extension_id: owner.id },
  });
  const hours = await createBusinessHours(ctx, auth, {
    name: 'Office hours',
    timezone: 'America/New_York',
    schedules: [1, 2, 3, 4, 5].map((day) => ({ day_of_week: day, open_time: '09:00', close_time: '17:00' })),
    holidays: [
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2027-01-01', name: "New Year's Day" },
    ],
    open_hours_routing: { type: 'ring_group', ring_group_id: sales.id },
    closed_hours_routing: { type: 'voicemail', extension_id: lobby.id },
  });
  await createDid(ctx, auth, {
    phone_number: '+15550100001',
    friendly_name: 'Main line',
    routing_type: 'business_hours',
    routing_config: { business_hours_id: hours.id },
  });
  await createDid(ctx, auth, {
    phone_number: '+15550100002',
    friendly_name: 'Support line',
    routing_type: 'ring_group',
    routing_config: { ring_group_id: support.id },
  });
  await createDid(ctx, auth, {
    phone_number: '+15550100003',
    friendly_name: "Dana's direct line",
    routing_type: 'extension',
    routing_config: { extension_id: owner.id },
  });
  await putCloudonixSettings(ctx, org.organization_id, {
    domain_uuid: DEMO_CLOUDONIX.domainUuid,
    domain_name: DEMO_CLOUDONIX.domainName,
    requests_key: DEMO_CLOUDONIX.requestsKey,
    webhook_base_url: options.baseUrl ?? `http://localhost:${ctx.config.PORT || 8000}`,
  });
  return { created: true, organization_id: org.organization_id };
}
