import type { RingGroupRow, RingGroupWithMembers } from './ring-groups.queries.js';

export interface RingGroupView {
  id: string;
  organization_id: string;
  name: string;
  strategy: RingGroupRow['strategy'];
  timeout: number;
  members: { extension_id: string; priority: number }[];
  fallback_action?: { type: NonNullable<RingGroupRow['fallback_type']>; extension_id?: string };
  status: RingGroupRow['status'];
  created_at: string;
  updated_at: string;
}

/**
 * Allowlist: `rotation` is routing state, not configuration, and never leaves.
 * A group without a fallback omits `fallback_action` (the spec marks it optional) rather than
 * inventing `{type:'hangup'}`: what the admin saved is what they read back.
 */
export function presentRingGroup(group: RingGroupWithMembers): RingGroupView {
  return {
    id: group.id,
    organization_id: group.organization_id,
    name: group.name,
    strategy: group.strategy,
    timeout: group.timeout,
    members: group.members.map((m) => ({ extension_id: m.extension_id, priority: m.priority })),
    ...(group.fallback_type
      ? { fallback_action: { type: group.fallback_type, ...(group.fallback_extension_id ? { extension_id: group.fallback_extension_id } : {}) } }
      : {}),
    status: group.status,
    created_at: group.created_at,
    updated_at: group.updated_at,
  };
}
