import { api, type CallLogsFilterParams, callLogsService } from '@opbx/client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { keys } from '../../data/keys';

export function useCallLogs(params: CallLogsFilterParams) {
  return useQuery({ queryKey: keys.callLogs.list(params), queryFn: () => callLogsService.getAll(params), placeholderData: keepPreviousData });
}

export function useCallLog(id: string | null) {
  return useQuery({ queryKey: keys.callLogs.one(id ?? ''), queryFn: () => callLogsService.getById(id!), enabled: Boolean(id) });
}

export interface ExportProgress {
  rows: number;
  bytes: number;
}

/**
 * The same request as `callLogsService.export`, read as a stream so the page can show progress
 * (the server streams the CSV without a length; counting rows against the list's total gives a
 * real percentage). It still goes through the shared axios instance: token and 401 handling apply.
 */
export async function exportCallLogs(
  params: CallLogsFilterParams,
  onProgress: (p: ExportProgress) => void,
  signal: AbortSignal,
): Promise<{ blob: Blob; filename: string; rows: number }> {
  const res = await api.get<ReadableStream<Uint8Array> | Blob>('/call-logs/export', { params, responseType: 'stream', adapter: 'fetch', signal, timeout: 0 });
  const disposition = String(res.headers['content-disposition'] ?? '');
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `call-logs-${new Date().toISOString().slice(0, 10)}.csv`;
  const body = res.data;
  if (body instanceof Blob) {
    const text = await body.text();
    return { blob: body, filename, rows: Math.max(0, text.split('\n').length - 2) };
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    onProgress({ rows: Math.max(0, lines - 1), bytes });
  }
  return { blob: new Blob(chunks as BlobPart[], { type: 'text/csv' }), filename, rows: Math.max(0, lines - 1) };
}
