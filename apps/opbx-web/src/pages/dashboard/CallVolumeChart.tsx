import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { type CallVolume, extraService } from '../../data/extra';
import { keys } from '../../data/keys';
import { formatBucket } from '../../lib/datetime';
import { useRealtimeStatus } from '../../realtime/RealtimeProvider';
import { Card, CardHeader } from '../../ui/Card';
import { ErrorState, LoadingBlock } from '../../ui/States';
import { Segmented } from '../../ui/Toolbar';

type Period = CallVolume['period'];
const PERIODS = [
  { value: 'day', label: '24 hours' },
  { value: 'week', label: '7 days' },
  { value: 'month', label: '30 days' },
] as const satisfies ReadonlyArray<{ value: Period; label: string }>;

export function CallVolumeChart() {
  const [period, setPeriod] = useState<Period>('day');
  const realtime = useRealtimeStatus();
  const volume = useQuery({
    queryKey: keys.dashboard.volume(period),
    queryFn: () => extraService.callVolume(period),
    placeholderData: keepPreviousData,
    refetchInterval: realtime === 'live' ? false : 60_000,
  });
  // Axis labels in the app's one clock (the server's label is always 24-hour).
  const rows = (volume.data?.data ?? []).map((b) => ({
    ...b,
    label: formatBucket(b.bucket, period === 'day' ? 'hour' : 'day', volume.data?.timezone),
    other: Math.max(0, b.total - b.answered - b.missed),
  }));
  const totals = rows.reduce((t, b) => ({ total: t.total + b.total, answered: t.answered + b.answered, missed: t.missed + b.missed }), {
    total: 0,
    answered: 0,
    missed: 0,
  });
  const unit = period === 'day' ? 'per hour' : 'per day';
  return (
    <Card aria-labelledby="volume-title">
      <CardHeader
        id="volume-title"
        title="Call volume"
        description={
          volume.data
            ? `${totals.total} ${totals.total === 1 ? 'call' : 'calls'} ${unit === 'per hour' ? 'in the last 24 hours' : `in the last ${period === 'week' ? 7 : 30} days`} · ${volume.data.timezone}`
            : `Calls ${unit}`
        }
        actions={<Segmented label="Period" value={period} onChange={setPeriod} options={PERIODS} />}
      />
      <div className="h-64 px-2 pt-4 pb-2" data-testid="call-volume">
        {volume.isLoading ? (
          <LoadingBlock label="Loading chart…" />
        ) : volume.error && !volume.data ? (
          <ErrorState error={volume.error} onRetry={() => void volume.refetch()} />
        ) : (
          <>
            <p className="sr-only">
              {totals.total} calls, {totals.answered} answered, {totals.missed} missed, {unit}.
            </p>
            <div aria-hidden className="relative size-full">
              {totals.total === 0 && <p className="absolute inset-x-0 top-1/3 z-10 text-center text-sm text-zinc-500">No calls in this period yet</p>}
              <ResponsiveContainer width="100%" height="100%">
                {/* No keyboard layer: the chart is hidden from assistive tech (the summary above reads it), so it must hold no tab stop. */}
                <BarChart
                  data={rows}
                  margin={{ top: 4, right: 8, bottom: 0, left: -16 }}
                  barCategoryGap={period === 'month' ? 2 : 4}
                  accessibilityLayer={false}
                >
                  <CartesianGrid vertical={false} stroke="#f1f1f4" />
                  <XAxis
                    dataKey="label"
                    tickLine={false}
                    axisLine={false}
                    tick={{ fontSize: 11, fill: '#71717a' }}
                    interval="preserveStartEnd"
                    minTickGap={16}
                  />
                  <YAxis allowDecimals={false} tickLine={false} axisLine={false} tick={{ fontSize: 11, fill: '#71717a' }} width={40} />
                  <Tooltip cursor={{ fill: '#f4f4f5' }} contentStyle={{ borderRadius: 8, border: '1px solid #e4e4e7', fontSize: 12 }} />
                  {/* Legend words in text colour (the series colours are too light for text); the dots carry the colour. */}
                  <Legend
                    iconType="circle"
                    iconSize={8}
                    wrapperStyle={{ fontSize: 12 }}
                    formatter={(value: string) => <span className="text-zinc-700">{value}</span>}
                  />
                  <Bar dataKey="answered" name="Answered" stackId="calls" fill="#4f46e5" />
                  <Bar dataKey="missed" name="Missed" stackId="calls" fill="#f59e0b" />
                  <Bar dataKey="other" name="Other" stackId="calls" fill="#d4d4d8" radius={[3, 3, 0, 0]} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </>
        )}
      </div>
    </Card>
  );
}
