import type { Extension, User } from '@opbx/client';

import { useUser } from './session';

/** What the signed-in user may do; mirrors the server's role table (the server still enforces it). */
export interface Permissions {
  role: User['role'];
  /** Owners and admins manage the PBX configuration and users. */
  manage: boolean;
  owner: boolean;
  /** The user's own extension id, if they have one. */
  ownExtensionId: string | null;
  /** May change voicemail and forwarding of this extension. */
  editForwarding(ext: Pick<Extension, 'id' | 'user_id'>): boolean;
  /** Admins may not edit or delete owners, nor grant the owner role. */
  manageUser(target: Pick<User, 'role' | 'id'>): boolean;
}

export function permissionsFor(user: User): Permissions {
  const manage = user.role === 'owner' || user.role === 'admin';
  return {
    role: user.role,
    manage,
    owner: user.role === 'owner',
    ownExtensionId: user.extension?.id ?? null,
    editForwarding: (ext) => manage || ext.user_id === user.id,
    manageUser: (target) => manage && (user.role === 'owner' || target.role !== 'owner'),
  };
}

export function usePermissions(): Permissions {
  return permissionsFor(useUser());
}
