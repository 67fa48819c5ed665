import type { AppContext } from '../../context.js';
import type { Role } from '../../http/auth.js';

export interface Member {
  role: Role;
  active: boolean;
  /** The user's own extension (agents see only its calls); null when none is assigned. */
  extensionId: string | null;
}

/** How long a loaded directory is trusted when no configuration change said otherwise. */
const TTL_MS = 10_000;

/**
 * Who may see which live call: each organization's users with role, status and extension, loaded
 * on demand in two queries and dropped on any configuration change (and after 10 s), so a role
 * change or a reassigned extension narrows what a socket receives without re-subscribing.
 */
export class MemberDirectory {
  private readonly cache = new Map<string, { at: number; members: Promise<Map<string, Member>> }>();

  constructor(private readonly ctx: Pick<AppContext, 'db'>) {}

  get(organizationId: string): Promise<Map<string, Member>> {
    const hit = this.cache.get(organizationId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.members;
    const members = this.load(organizationId);
    this.cache.set(organizationId, { at: Date.now(), members });
    members.catch(() => this.cache.delete(organizationId));
    return members;
  }

  invalidate(organizationId: string): void {
    this.cache.delete(organizationId);
  }

  private async load(organizationId: string): Promise<Map<string, Member>> {
    const [users, extensions] = await Promise.all([
      this.ctx.db.selectFrom('users').select(['id', 'role', 'status']).where('organization_id', '=', organizationId).execute(),
      this.ctx.db.selectFrom('extensions').select(['id', 'user_id']).where('organization_id', '=', organizationId).where('user_id', 'is not', null).execute(),
    ]);
    const extensionOf = new Map(extensions.map((e) => [e.user_id!, e.id]));
    return new Map(users.map((u) => [u.id, { role: u.role, active: u.status === 'active', extensionId: extensionOf.get(u.id) ?? null }]));
  }
}
