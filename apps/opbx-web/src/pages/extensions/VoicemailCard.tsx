import { useState } from 'react';

import { useOrgTimezone, usePhoneFormatter } from '../../data/lookups';
import { formatDateTime, formatDurationWords } from '../../lib/format';
import { Card, CardHeader } from '../../ui/Card';
import { VoicemailIcon } from '../../ui/icons';
import { Pagination } from '../../ui/Pagination';
import { EmptyState, ErrorState, LoadingBlock } from '../../ui/States';
import { useVoicemails } from './api';

export function VoicemailCard({ extensionId, enabled }: { extensionId: string; enabled: boolean }) {
  const showPhone = usePhoneFormatter();
  const tz = useOrgTimezone();
  const [page, setPage] = useState(1);
  const list = useVoicemails(extensionId, page, true);
  const rows = list.data?.data ?? [];
  return (
    <Card aria-labelledby="voicemail-title">
      <CardHeader
        id="voicemail-title"
        title="Voicemail"
        description={enabled ? 'Messages left for this extension, newest first.' : 'Voicemail is off for this extension; older messages stay here.'}
      />
      <div data-testid="voicemails">
        {list.isLoading ? (
          <LoadingBlock className="py-8" label="Loading messages…" />
        ) : list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="No messages" icon={<VoicemailIcon className="size-6" />}>
            New voicemail appears here.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {rows.map((v) => (
              <li key={v.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm">
                <div className="min-w-0">
                  <p className="font-medium text-zinc-900">{showPhone(v.from_number)}</p>
                  <p className="text-xs text-zinc-500">
                    {formatDateTime(v.created_at, tz)} · {formatDurationWords(v.duration)}
                  </p>
                </div>
                {v.recording_url ? (
                  <div className="flex items-center gap-3">
                    <audio controls preload="none" src={v.recording_url} className="h-8 w-56" aria-label={`Voicemail from ${showPhone(v.from_number)}`} />
                    <a href={v.recording_url} target="_blank" rel="noreferrer" className="text-xs font-medium text-indigo-600 hover:underline">
                      Open recording
                    </a>
                  </div>
                ) : (
                  <span className="text-xs text-zinc-500">No recording</span>
                )}
              </li>
            ))}
          </ul>
        )}
        <Pagination meta={list.data?.meta} onPage={setPage} noun="messages" />
      </div>
    </Card>
  );
}
