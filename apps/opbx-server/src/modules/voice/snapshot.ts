import type { Kysely } from 'kysely';

import type { Database } from '../../db/schema.js';
import { type CompiledSchedule, compileSchedule } from '../business-hours/schedule.js';
import { parseSettings } from '../organization/organization.service.js';
import { loadOutboundPolicy } from '../outbound-policy/outbound-policy.service.js';
import type { OutboundPolicy } from '../outbound-policy/policy.js';

/**
 * Everything routing needs for one organization, loaded in a handful of queries and then
 * read from memory by the pure router. Rebuilt when the organization's configuration changes.
 */
export type Target =
  | { type: 'extension'; id: string }
  | { type: 'ring_group'; id: string }
  | { type: 'business_hours'; id: string }
  | { type: 'voicemail'; extensionId: string | null }
  | { type: 'hangup' };

export interface ExtensionNode {
  id: string;
  number: string;
  type: 'user' | 'virtual' | 'queue';
  active: boolean;
  /** null when the extension has no user assigned. */
  userActive: boolean | null;
  voicemail: boolean;
  forwarding: { destination: string; onNoAnswer: boolean } | null;
  /** The assigned user's name, for the live board (not used by routing). */
  name?: string;
}

export interface RingGroupNode {
  id: string;
  name: string;
  strategy: 'simultaneous' | 'round_robin' | 'sequential';
  timeout: number;
  active: boolean;
  /** Ordered by priority, then extension number. */
  members: string[];
  fallback: Target;
}

export interface BusinessHoursNode {
  id: string;
  name: string;
  timezone: string;
  schedules: Array<{ day_of_week: number; open_time: string; close_time: string }>;
  holidays: Array<{ date: string; name: string }>;
  /** Pre-parsed once per snapshot so the hot path evaluates without parsing. */
  compiled: CompiledSchedule;
  open: Target;
  closed: Target;
}

export interface DidNode {
  id: string;
  number: string;
  active: boolean;
  target: Target;
  greeting: string | null;
  fallbackExtensionId: string | null;
}

export interface RoutingSnapshot {
  organizationId: string;
  /** false while the organization is suspended: nothing is routed. */
  active: boolean;
  timezone: string;
  defaultCallerId: string | null;
  /** Where its extensions may call and forward to (toll fraud); applied at route time. */
  outboundPolicy: OutboundPolicy;
  voicemailEnabled: boolean;
  recordingEnabled: boolean;
  /** The organization's general mailbox: voicemail routing that names no extension records here. */
  generalBox?: { id: string; greeting: string | null };
  dids: Map<string, DidNode>;
  didsById: Map<string, DidNode>;
  extensions: Map<string, ExtensionNode>;
  extensionsByNumber: Map<string, ExtensionNode>;
  ringGroups: Map<string, RingGroupNode>;
  businessHours: Map<string, BusinessHoursNode>;
}

function parseJson<T>(raw: string, fallback: T): T {
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

export async function loadSnapshot(db: Kysely<Database>, organizationId: string): Promise<RoutingSnapshot | undefined> {
  const org = await db.selectFrom('organizations').selectAll().where('id', '=', organizationId).executeTakeFirst();
  if (!org) return undefined;
  const [extensions, users, groups, members, hours, dids, generalBox] = await Promise.all([
    db.selectFrom('extensions').selectAll().where('organization_id', '=', organizationId).execute(),
    db.selectFrom('users').select(['id', 'status', 'name']).where('organization_id', '=', organizationId).execute(),
    db.selectFrom('ring_groups').selectAll().where('organization_id', '=', organizationId).execute(),
    db.selectFrom('ring_group_members').selectAll().where('organization_id', '=', organizationId).execute(),
    db.selectFrom('business_hours').selectAll().where('organization_id', '=', organizationId).execute(),
    db.selectFrom('dids').selectAll().where('organization_id', '=', organizationId).execute(),
    db.selectFrom('voicemail_boxes').select(['id', 'greeting']).where('organization_id', '=', organizationId).where('kind', '=', 'general').executeTakeFirst(),
  ]);
  const settings = parseSettings(org.settings);
  const { policy: outboundPolicy } = await loadOutboundPolicy(
    db,
    organizationId,
    dids.map((d) => d.phone_number),
  );
  const userStatus = new Map(users.map((u) => [u.id, u.status === 'active']));
  const userName = new Map(users.map((u) => [u.id, u.name]));

  const snapshot: RoutingSnapshot = {
    organizationId,
    active: org.status === 'active',
    timezone: org.timezone,
    defaultCallerId: settings.default_caller_id ?? null,
    outboundPolicy,
    voicemailEnabled: settings.voicemail_enabled ?? true,
    recordingEnabled: settings.recording_enabled ?? false,
    ...(generalBox ? { generalBox } : {}),
    dids: new Map(),
    didsById: new Map(),
    extensions: new Map(),
    extensionsByNumber: new Map(),
    ringGroups: new Map(),
    businessHours: new Map(),
  };
  for (const e of extensions) {
    const node: ExtensionNode = {
      id: e.id,
      number: e.extension_number,
      type: e.type,
      active: e.status === 'active',
      userActive: e.user_id ? (userStatus.get(e.user_id) ?? false) : null,
      voicemail: Boolean(e.voicemail_enabled),
      forwarding:
        e.forwarding_enabled && e.forwarding_destination ? { destination: e.forwarding_destination, onNoAnswer: Boolean(e.forwarding_on_no_answer) } : null,
      ...(e.user_id && userName.has(e.user_id) ? { name: userName.get(e.user_id)! } : {}),
    };
    snapshot.extensions.set(node.id, node);
    snapshot.extensionsByNumber.set(node.number, node);
  }
  const membersByGroup = new Map<string, Array<{ id: string; priority: number; number: string }>>();
  for (const m of members) {
    const list = membersByGroup.get(m.ring_group_id) ?? [];
    list.push({ id: m.extension_id, priority: m.priority, number: snapshot.extensions.get(m.extension_id)?.number ?? '' });
    membersByGroup.set(m.ring_group_id, list);
  }
  for (const g of groups) {
    const ordered = (membersByGroup.get(g.id) ?? []).sort((a, b) => a.priority - b.priority || a.number.localeCompare(b.number));
    snapshot.ringGroups.set(g.id, {
      id: g.id,
      name: g.name,
      strategy: g.strategy,
      timeout: g.timeout,
      active: g.status === 'active',
      members: ordered.map((m) => m.id),
      fallback:
        g.fallback_type === 'extension' && g.fallback_extension_id
          ? { type: 'extension', id: g.fallback_extension_id }
          : g.fallback_type === 'voicemail'
            ? { type: 'voicemail', extensionId: g.fallback_extension_id }
            : { type: 'hangup' },
    });
  }
  for (const h of hours) {
    const schedules = parseJson(h.schedules, []);
    const holidays = parseJson(h.holidays, []);
    snapshot.businessHours.set(h.id, {
      id: h.id,
      name: h.name,
      timezone: h.timezone,
      schedules,
      holidays,
      compiled: compileSchedule({ timezone: h.timezone, schedules, holidays }),
      open: h.open_type === 'ring_group' ? { type: 'ring_group', id: h.open_ring_group_id! } : { type: 'extension', id: h.open_extension_id! },
      closed:
        h.closed_type === 'ring_group'
          ? { type: 'ring_group', id: h.closed_ring_group_id! }
          : h.closed_type === 'extension'
            ? { type: 'extension', id: h.closed_extension_id! }
            : h.closed_type === 'voicemail'
              ? { type: 'voicemail', extensionId: h.closed_extension_id }
              : { type: 'hangup' },
    });
  }
  for (const d of dids) {
    const target: Target =
      d.routing_type === 'extension'
        ? { type: 'extension', id: d.extension_id! }
        : d.routing_type === 'ring_group'
          ? { type: 'ring_group', id: d.ring_group_id! }
          : d.routing_type === 'business_hours'
            ? { type: 'business_hours', id: d.business_hours_id! }
            : { type: 'voicemail', extensionId: d.extension_id };
    const node: DidNode = {
      id: d.id,
      number: d.phone_number,
      active: d.status === 'active',
      target,
      greeting: d.voicemail_greeting,
      fallbackExtensionId: d.fallback_extension_id,
    };
    snapshot.dids.set(node.number, node);
    snapshot.didsById.set(node.id, node);
  }
  return snapshot;
}
