import type { Selectable } from 'kysely';

import type { AppContext } from '../../context.js';
import type { ExtensionsTable } from '../../db/schema.js';

export type ExtensionRow = Selectable<ExtensionsTable>;

export interface ExtensionView {
  id: string;
  organization_id: string;
  user_id: string | null;
  extension_number: string;
  type: ExtensionRow['type'];
  status: ExtensionRow['status'];
  sip_config: { username: string; domain: string };
  voicemail_enabled: boolean;
  call_forwarding: { enabled: boolean; destination?: string; on_no_answer: boolean } | null;
  created_at: string;
  updated_at: string;
}

/** Allowlist: the SIP password never leaves through this presenter. */
export function presentExtension(row: ExtensionRow, ctx: Pick<AppContext, 'config'>): ExtensionView {
  const forwarding =
    row.forwarding_enabled || row.forwarding_destination
      ? {
          enabled: Boolean(row.forwarding_enabled),
          ...(row.forwarding_destination ? { destination: row.forwarding_destination } : {}),
          on_no_answer: Boolean(row.forwarding_on_no_answer),
        }
      : null;
  return {
    id: row.id,
    organization_id: row.organization_id,
    user_id: row.user_id,
    extension_number: row.extension_number,
    type: row.type,
    status: row.status,
    sip_config: { username: row.sip_username, domain: row.sip_domain ?? ctx.config.OPBX_SIP_DOMAIN },
    voicemail_enabled: Boolean(row.voicemail_enabled),
    call_forwarding: forwarding,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
