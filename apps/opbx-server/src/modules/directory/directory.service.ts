import type { AppContext } from '../../context.js';
import type { PresenceStatus } from '../../db/schema.js';
import type { AuthInfo } from '../../http/auth.js';

/** One colleague: what any member of the organization may know about another. */
interface DirectoryEntry {
  extension_id: string;
  extension_number: string;
  type: 'user' | 'virtual' | 'queue';
  /** The extension's user's name; null for an extension without a user (a mailbox, a queue). */
  name: string | null;
  /** What the extension is doing now; null when nothing has been recorded for it yet. */
  presence: PresenceStatus | null;
}

/** The whole directory is one page: a company has at most a few hundred extensions. */
const MAX_ENTRIES = 2000;

/**
 * The organization's active extensions with their users' names and current presence, in one
 * joined query, for every role (agents cannot list users). No email, no SIP details: a colleague
 * needs a name and a number to dial.
 */
export async function listDirectory(ctx: AppContext, auth: AuthInfo): Promise<{ data: DirectoryEntry[] }> {
  const org = auth.organizationId;
  const rows = await ctx.db
    .selectFrom('extensions as e')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'e.user_id').on('u.organization_id', '=', org))
    .leftJoin('extension_presence as p', (j) => j.onRef('p.extension_id', '=', 'e.id').on('p.organization_id', '=', org))
    .select(['e.id', 'e.extension_number', 'e.type', 'u.name', 'u.status as user_status', 'p.status as presence'])
    .where('e.organization_id', '=', org)
    .where('e.status', '=', 'active')
    .orderBy('e.extension_number')
    .limit(MAX_ENTRIES)
    .execute();
  return {
    data: rows
      // A deactivated user's extension does not ring: not a colleague to call.
      .filter((r) => r.user_status !== 'inactive')
      .map((r) => ({ extension_id: r.id, extension_number: r.extension_number, type: r.type, name: r.name ?? null, presence: r.presence ?? null })),
  };
}
