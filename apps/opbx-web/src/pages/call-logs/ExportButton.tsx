import type { CallLogsFilterParams } from '@opbx/client';
import { useRef, useState } from 'react';

import { apiError } from '../../lib/api-error';
import { formatBytes, formatNumber } from '../../lib/format';
import { Button } from '../../ui/Button';
import { DownloadIcon } from '../../ui/icons';
import { useToast } from '../../ui/Toast';
import { exportCallLogs, type ExportProgress } from './api';

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** CSV of every call matching the current filters (not only this page), with live progress. */
export function ExportButton({ filters, expected }: { filters: CallLogsFilterParams; expected: number | undefined }) {
  const toast = useToast();
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const controller = useRef<AbortController | null>(null);

  const start = async () => {
    const abort = new AbortController();
    controller.current = abort;
    setProgress({ rows: 0, bytes: 0 });
    try {
      const result = await exportCallLogs(filters, setProgress, abort.signal);
      download(result.blob, result.filename);
      toast.success(`Exported ${formatNumber(result.rows)} ${result.rows === 1 ? 'call' : 'calls'} to ${result.filename}.`);
    } catch (err) {
      if (!abort.signal.aborted) toast.error(`Export failed: ${apiError(err).message}`);
    } finally {
      controller.current = null;
      setProgress(null);
    }
  };

  if (!progress) {
    return (
      <Button icon={<DownloadIcon />} onClick={() => void start()} title="Download every call matching the filters as CSV">
        Export CSV
      </Button>
    );
  }
  const pct = expected ? Math.min(100, Math.round((progress.rows / Math.max(expected, 1)) * 100)) : undefined;
  return (
    <div className="flex items-center gap-3" data-testid="export-progress">
      <div className="w-44">
        <div
          role="progressbar"
          aria-label="Export progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-valuetext={`${formatNumber(progress.rows)} calls exported`}
          className="h-1.5 overflow-hidden rounded-full bg-zinc-200"
        >
          <div
            className={pct === undefined ? 'h-full w-1/3 animate-pulse bg-indigo-500' : 'h-full bg-indigo-500 transition-[width]'}
            style={pct === undefined ? undefined : { width: `${pct}%` }}
          />
        </div>
        <p className="mt-1 text-xs text-zinc-500 tabular-nums">
          Exporting {formatNumber(progress.rows)}
          {expected !== undefined ? ` of ${formatNumber(expected)}` : ''} · {formatBytes(progress.bytes)}
        </p>
      </div>
      <Button size="sm" variant="ghost" onClick={() => controller.current?.abort()}>
        Cancel
      </Button>
    </div>
  );
}
