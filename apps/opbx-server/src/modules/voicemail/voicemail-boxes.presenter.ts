import type { Selectable } from 'kysely';

import type { VoicemailBoxesTable, VoicemailsTable } from '../../db/schema.js';

export type VoicemailBoxRow = Selectable<VoicemailBoxesTable>;
type VoicemailRow = Selectable<VoicemailsTable>;

export interface VoicemailBoxView {
  id: string;
  organization_id: string;
  kind: 'general';
  name: string;
  greeting: string | null;
  message_count: number;
  unread_count: number;
  created_at: string;
  updated_at: string;
}

export function presentVoicemailBox(row: VoicemailBoxRow, counts: { total: number; unread: number }): VoicemailBoxView {
  return {
    id: row.id,
    organization_id: row.organization_id,
    kind: row.kind,
    name: row.name,
    greeting: row.greeting,
    message_count: counts.total,
    unread_count: counts.unread,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export interface VoicemailMessageView {
  id: string;
  box_id: string | null;
  extension_id: string | null;
  call_id: string;
  from_number: string;
  recording_url: string;
  duration: number | null;
  read: boolean;
  read_at: string | null;
  created_at: string;
}

export function presentVoicemail(row: VoicemailRow): VoicemailMessageView {
  return {
    id: row.id,
    box_id: row.box_id,
    extension_id: row.extension_id,
    call_id: row.call_id,
    from_number: row.from_number,
    recording_url: row.recording_url,
    duration: row.duration,
    read: row.read_at !== null,
    read_at: row.read_at,
    created_at: row.created_at,
  };
}
