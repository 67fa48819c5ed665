import { nowIso } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import type { PresenceStatus } from '../../db/schema.js';
import { CALLS_TOPIC, type PresenceBusMessage } from './call-store.js';

/**
 * Presence that changes outside a call: an extension deactivated (or deleted) is `offline`, one
 * reactivated is `idle`. Stored (unless the extension is gone) and announced like call presence.
 */
export async function announceExtensionPresence(
  ctx: AppContext,
  organizationId: string,
  extensionId: string,
  status: PresenceStatus,
  stored = true,
): Promise<void> {
  if (stored) {
    await ctx.db
      .insertInto('extension_presence')
      .values({ extension_id: extensionId, organization_id: organizationId, status, current_call_id: null, updated_at: nowIso() })
      .onConflict((oc) => oc.column('extension_id').doUpdateSet({ status, current_call_id: null, updated_at: nowIso() }))
      .execute();
  }
  const message: PresenceBusMessage = {
    organization_id: organizationId,
    type: 'presence',
    presence: [{ extension_id: extensionId, status, current_call_id: null }],
  };
  await ctx.bus.publish(CALLS_TOPIC, message);
}
