import type { CallLog } from '@opbx/client';

import { useAllDids, useAllRingGroups, useExtensionNames, useOrgTimezone, usePhoneFormatter } from '../../data/lookups';
import { CallStatusBadge, DirectionLabel } from '../../lib/calls';
import { formatDateTime, formatDurationWords } from '../../lib/format';
import { DescriptionList } from '../../ui/Card';
import { Drawer } from '../../ui/Dialogs';
import { ErrorState, LoadingBlock } from '../../ui/States';
import { useCallLog } from './api';

export function CallLogDrawer({ summary, onClose }: { summary: CallLog | null; onClose: () => void }) {
  const showPhone = usePhoneFormatter();
  const tz = useOrgTimezone();
  const names = useExtensionNames();
  const dids = useAllDids();
  const groups = useAllRingGroups();
  const detail = useCallLog(summary?.id ?? null);
  const call = detail.data ?? summary;
  const did = call?.did_id ? dids.data?.find((d) => d.id === call.did_id) : undefined;
  const group = call?.ring_group_id ? groups.data?.find((g) => g.id === call.ring_group_id) : undefined;
  return (
    <Drawer
      open={Boolean(summary)}
      onOpenChange={(o) => !o && onClose()}
      title={call ? `Call from ${showPhone(call.from_number)}` : 'Call'}
      description={call ? formatDateTime(call.created_at, tz) : undefined}
      width="max-w-xl"
    >
      {!call ? (
        <LoadingBlock />
      ) : (
        <div className="space-y-5" data-testid="call-detail">
          <DescriptionList
            items={[
              { term: 'Status', value: <CallStatusBadge status={call.status} /> },
              { term: 'Direction', value: <DirectionLabel direction={call.direction} /> },
              { term: 'From', value: <span className="tabular-nums">{showPhone(call.from_number)}</span> },
              { term: 'To', value: <span className="tabular-nums">{showPhone(call.to_number)}</span> },
              {
                term: 'Phone number',
                value: did ? `${showPhone(did.phone_number)}${did.friendly_name ? ` · ${did.friendly_name}` : ''}` : call.did_id ? 'Deleted number' : '—',
              },
              { term: 'Ring group', value: group?.name ?? (call.ring_group_id ? 'Deleted ring group' : '—') },
              { term: 'Extension', value: call.extension_id ? names.label(call.extension_id) : '—' },
              { term: 'Started', value: formatDateTime(call.created_at, tz) },
              { term: 'Answered', value: formatDateTime(call.answer_time, tz) },
              { term: 'Ended', value: formatDateTime(call.end_time, tz) },
              { term: 'Talk time', value: formatDurationWords(call.duration) },
              {
                term: 'Recording',
                value: call.recording_url ? (
                  <div className="space-y-1">
                    <audio controls preload="none" src={call.recording_url} className="h-8 w-full" aria-label="Call recording" />
                    <a href={call.recording_url} target="_blank" rel="noreferrer" className="text-xs font-medium text-indigo-600 hover:underline">
                      Open recording
                    </a>
                  </div>
                ) : (
                  '—'
                ),
              },
              { term: 'Call ID', value: <span className="font-mono text-xs break-all">{call.call_id}</span> },
            ]}
          />
          {detail.error && !detail.data ? (
            <ErrorState error={detail.error} onRetry={() => void detail.refetch()} title="Couldn't load the full record" />
          ) : detail.isLoading ? (
            <LoadingBlock label="Loading the call record…" className="py-4" />
          ) : detail.data?.cloudonix_cdr ? (
            <details className="rounded-md border border-zinc-200">
              <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-zinc-700 hover:bg-zinc-50">Raw call record (CDR)</summary>
              <pre className="max-h-80 overflow-auto border-t border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs text-zinc-700">
                {JSON.stringify(detail.data.cloudonix_cdr, null, 2)}
              </pre>
            </details>
          ) : (
            <p className="text-xs text-zinc-500">No CDR received from Cloudonix for this call yet.</p>
          )}
        </div>
      )}
    </Drawer>
  );
}
