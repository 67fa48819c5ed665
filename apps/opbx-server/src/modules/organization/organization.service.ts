import { conflict, hashPassword, invalidField, isUniqueViolation, newId, notFound, nowIso } from '@opbx/platform';
import type { Selectable } from 'kysely';

import type { AppContext } from '../../context.js';
import type { OrganizationsTable } from '../../db/schema.js';
import { publishSessionsEnded } from '../auth/session-events.js';
import { loadOutboundPolicy } from '../outbound-policy/outbound-policy.service.js';
import { createGeneralBox } from '../voicemail/voicemail-boxes.service.js';
import type { UpdateOrganizationInput } from './organization.schema.js';

interface OrganizationSettings {
  default_caller_id?: string;
  voicemail_enabled?: boolean;
  recording_enabled?: boolean;
}

export function parseSettings(raw: string): OrganizationSettings {
  try {
    return JSON.parse(raw) as OrganizationSettings;
  } catch {
    return {};
  }
}

function presentOrganization(row: Selectable<OrganizationsTable>) {
  const s = parseSettings(row.settings);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    timezone: row.timezone,
    settings: {
      ...(s.default_caller_id ? { default_caller_id: s.default_caller_id } : {}),
      voicemail_enabled: s.voicemail_enabled ?? true,
      recording_enabled: s.recording_enabled ?? false,
    },
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

async function requireOrganization(ctx: AppContext, id: string) {
  const row = await ctx.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Organization');
  return row;
}

/**
 * The organization's country (ISO 3166-1): what "national" means for it, as its outbound policy
 * decides (saved, else the country of most of its numbers). Every role reads it here, so the
 * console can write the organization's own numbers in national format.
 */
async function withCountry(ctx: AppContext, organizationId: string, presented: ReturnType<typeof presentOrganization>) {
  return { ...presented, country: (await loadOutboundPolicy(ctx.db, organizationId)).policy.country };
}

export async function getOrganization(ctx: AppContext, organizationId: string) {
  return withCountry(ctx, organizationId, presentOrganization(await requireOrganization(ctx, organizationId)));
}

export async function updateOrganization(ctx: AppContext, organizationId: string, input: UpdateOrganizationInput) {
  const current = await requireOrganization(ctx, organizationId);
  const callerId = input.settings?.default_caller_id;
  if (callerId && callerId !== parseSettings(current.settings).default_caller_id) await requireOwnNumber(ctx, organizationId, callerId);
  const settings = { ...parseSettings(current.settings) };
  if (input.settings) {
    for (const [key, value] of Object.entries(input.settings)) {
      // null clears a setting back to its default.
      if (value === null) delete settings[key as keyof OrganizationSettings];
      else (settings as Record<string, unknown>)[key] = value;
    }
  }
  const patch = {
    name: input.name ?? current.name,
    timezone: input.timezone ?? current.timezone,
    settings: JSON.stringify(settings),
    updated_at: nowIso(),
  };
  await ctx.db.updateTable('organizations').set(patch).where('id', '=', organizationId).execute();
  await ctx.configChanged(organizationId);
  return withCountry(ctx, organizationId, presentOrganization({ ...current, ...patch }));
}

/**
 * The default caller ID must be one of the organization's own numbers: presenting a number it does
 * not hold is spoofing (carriers reject or flag it under STIR/SHAKEN). A value saved before this
 * rule may stay while other settings change; only a new value is checked.
 */
async function requireOwnNumber(ctx: AppContext, organizationId: string, number: string) {
  const did = await ctx.db.selectFrom('dids').select('id').where('organization_id', '=', organizationId).where('phone_number', '=', number).executeTakeFirst();
  if (!did) throw invalidField('settings.default_caller_id', 'must be one of your phone numbers');
}

interface NewOrganization {
  name: string;
  timezone?: string;
  ownerEmail: string;
  ownerPassword: string;
  ownerName?: string;
}

/** Creates an organization with its first owner in one transaction (CLI and demo seed). */
export async function createOrganization(ctx: AppContext, input: NewOrganization): Promise<{ organization_id: string; user_id: string }> {
  const organizationId = newId();
  const userId = newId();
  const now = nowIso();
  const passwordHash = await hashPassword(input.ownerPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('organizations')
      .values({ id: organizationId, name: input.name, status: 'active', timezone: input.timezone ?? 'UTC', settings: '{}', created_at: now, updated_at: now })
      .execute();
    try {
      await trx
        .insertInto('users')
        .values({
          id: userId,
          organization_id: organizationId,
          email: input.ownerEmail.toLowerCase(),
          name: input.ownerName ?? 'Owner',
          password_hash: passwordHash,
          role: 'owner',
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('The email address is already in use', [{ field: 'owner_email', message: 'is already in use' }]);
      throw err;
    }
    await trx.insertInto('config_versions').values({ organization_id: organizationId, version: 1 }).execute();
    await createGeneralBox(trx, organizationId, now);
  });
  return { organization_id: organizationId, user_id: userId };
}

/**
 * Suspends (`inactive`) or resumes (`active`) an organization, for operators (the CLI). A
 * suspended organization routes no call and dials nothing, its webhooks are acknowledged and
 * ignored, and no one of it can sign in. Suspension also revokes every session of its users (so
 * resuming revives none, and live WebSocket subscriptions end now). Routing snapshots and cached
 * requests keys are dropped at once through the configuration bus.
 */
export async function setOrganizationStatus(ctx: AppContext, organizationId: string, status: OrganizationsTable['status']) {
  const current = await requireOrganization(ctx, organizationId);
  const updated_at = nowIso();
  const signedIn = await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('organizations').set({ status, updated_at }).where('id', '=', organizationId).execute();
    if (status === 'active') return [];
    const live = await trx
      .selectFrom('api_tokens')
      .select('user_id')
      .distinct()
      .where('organization_id', '=', organizationId)
      .where('revoked_at', 'is', null)
      .execute();
    await trx.updateTable('api_tokens').set({ revoked_at: updated_at }).where('organization_id', '=', organizationId).where('revoked_at', 'is', null).execute();
    return live.map((t) => t.user_id);
  });
  await ctx.configChanged(organizationId);
  for (const userId of signedIn) await publishSessionsEnded(ctx, { organization_id: organizationId, user_id: userId, reason: 'revoked' });
  return presentOrganization({ ...current, status, updated_at });
}
