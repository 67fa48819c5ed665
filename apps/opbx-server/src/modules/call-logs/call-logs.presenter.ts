import type { CallLogRow } from '../call-records/calls.ingest.js';
import type { RoutingSnapshot } from '../voice/snapshot.js';

export interface CallLogView {
  id: string;
  organization_id: string;
  call_id: string;
  direction: CallLogRow['direction'];
  from_number: string;
  to_number: string;
  did_id: string | null;
  extension_id: string | null;
  ring_group_id: string | null;
  status: CallLogRow['status'];
  /** Beyond the spec: how the call turned out (answered, voicemail, missed, busy, failed, abandoned); null while it rings. */
  outcome: CallLogRow['outcome'];
  answer_time: string | null;
  end_time: string | null;
  duration: number | null;
  recording_url: string | null;
  cloudonix_cdr?: Record<string, unknown>;
  /** Only on calls the outbound policy refused: which rule (`international_not_allowed`, `premium_not_allowed`, …). */
  blocked_reason?: string;
  created_at: string;
  updated_at: string;
}

/** The spec's CallLog. The raw CDR is included on request (detail view), not in lists and events. */
export function presentCallLog(row: CallLogRow, options: { withCdr?: boolean } = {}): CallLogView {
  const view: CallLogView = {
    id: row.id,
    organization_id: row.organization_id,
    call_id: row.call_id,
    direction: row.direction,
    from_number: row.from_number,
    to_number: row.to_number,
    did_id: row.did_id,
    extension_id: row.extension_id,
    ring_group_id: row.ring_group_id,
    status: row.status,
    outcome: row.outcome,
    answer_time: row.answer_time,
    end_time: row.end_time,
    duration: row.duration,
    recording_url: row.recording_url,
    ...(row.blocked_reason ? { blocked_reason: row.blocked_reason } : {}),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
  if (options.withCdr && row.cloudonix_cdr) {
    try {
      view.cloudonix_cdr = JSON.parse(row.cloudonix_cdr) as Record<string, unknown>;
    } catch {
      // A CDR that was cut at the storage limit is no longer JSON; leave it out.
    }
  }
  return view;
}

interface LiveCallView {
  call_id: string;
  from_number: string;
  to_number: string;
  did_number?: string;
  did_id?: string;
  extension_number?: string;
  extension_id?: string;
  /** Beyond the spec: the extension's user's name. */
  extension_name?: string;
  ring_group_name?: string;
  ring_group_id?: string;
  status: CallLogRow['status'];
  /** Beyond the spec, as on CallLog: null while it rings, `answered` once someone took it. */
  outcome: CallLogRow['outcome'];
  duration: number;
  started_at: string;
  /**
   * Beyond the spec: the extension that took an answered inbound call (a ring group's member once
   * one answers). Absent while ringing, on outbound calls, and when nobody can be named.
   */
  answered_by?: { extension_id: string; extension_number?: string; name?: string };
}

/** The spec's LiveCall: names come from the in-memory routing snapshot, not extra queries. */
export function presentLiveCall(row: CallLogRow, snap: RoutingSnapshot | undefined, now = Date.now()): LiveCallView {
  const ext = row.extension_id ? snap?.extensions.get(row.extension_id) : undefined;
  const group = row.ring_group_id ? snap?.ringGroups.get(row.ring_group_id) : undefined;
  const didNumber = row.did_id ? snap?.didsById.get(row.did_id)?.number : undefined;
  const since = Date.parse(row.answer_time ?? row.created_at);
  // The journal files an answered call under the extension that took it (see call-store's answeredBy).
  const answered = row.direction === 'inbound' && row.outcome === 'answered';
  return {
    call_id: row.call_id,
    from_number: row.from_number,
    to_number: row.to_number,
    ...(row.did_id ? { did_id: row.did_id } : {}),
    ...(didNumber ? { did_number: didNumber } : {}),
    ...(row.extension_id ? { extension_id: row.extension_id } : {}),
    ...(ext ? { extension_number: ext.number } : {}),
    ...(ext?.name ? { extension_name: ext.name } : {}),
    ...(row.ring_group_id ? { ring_group_id: row.ring_group_id } : {}),
    ...(group ? { ring_group_name: group.name } : {}),
    status: row.status,
    outcome: row.outcome,
    duration: Number.isFinite(since) ? Math.max(0, Math.floor((now - since) / 1000)) : 0,
    started_at: row.created_at,
    ...(answered && row.extension_id
      ? { answered_by: { extension_id: row.extension_id, ...(ext ? { extension_number: ext.number } : {}), ...(ext?.name ? { name: ext.name } : {}) } }
      : {}),
  };
}
