import type { Selectable } from 'kysely';

import type { DidsTable } from '../../db/schema.js';

export type DidRow = Selectable<DidsTable>;

interface DidRoutingConfig {
  extension_id?: string;
  ring_group_id?: string;
  business_hours_id?: string;
  fallback_extension_id?: string;
  voicemail_greeting?: string;
}

export interface DidView {
  id: string;
  organization_id: string;
  phone_number: string;
  friendly_name?: string;
  routing_type: DidRow['routing_type'];
  routing_config: DidRoutingConfig;
  status: DidRow['status'];
  cloudonix_config?: { dnid?: string; voice_application_id?: string };
  created_at: string;
  updated_at: string;
}

/** Keeps only the keys whose value is set, as the spec's optional fields expect. */
function setKeys<T extends Record<string, string | null>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== '')) as { [K in keyof T]?: string };
}

/** Allowlist of the spec's DIDNumber; optional parts appear only when they hold something. */
export function presentDid(row: DidRow): DidView {
  const cloudonix = setKeys({ dnid: row.cloudonix_dnid, voice_application_id: row.cloudonix_voice_application_id });
  return {
    id: row.id,
    organization_id: row.organization_id,
    phone_number: row.phone_number,
    ...(row.friendly_name ? { friendly_name: row.friendly_name } : {}),
    routing_type: row.routing_type,
    routing_config: setKeys({
      extension_id: row.extension_id,
      ring_group_id: row.ring_group_id,
      business_hours_id: row.business_hours_id,
      fallback_extension_id: row.fallback_extension_id,
      voicemail_greeting: row.voicemail_greeting,
    }),
    status: row.status,
    ...(Object.keys(cloudonix).length ? { cloudonix_config: cloudonix } : {}),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
