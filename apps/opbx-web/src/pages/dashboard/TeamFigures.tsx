import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';

import { paths } from '../../app/paths';
import { usePermissions } from '../../auth/permissions';
import { type AgentFigures, type CallFigures, type FiguresPeriod, type RingGroupFigures, teamKeys, teamService } from '../../data/team';
import { formatDurationWords } from '../../lib/format';
import { useRealtimeStatus } from '../../realtime/RealtimeProvider';
import { Card, CardHeader } from '../../ui/Card';
import { EmptyState } from '../../ui/States';
import { type Column, DataTable } from '../../ui/Table';
import { Segmented } from '../../ui/Toolbar';

const PERIODS = [
  { value: 'day', label: '24 hours' },
  { value: 'week', label: '7 days' },
  { value: 'month', label: '30 days' },
] as const satisfies ReadonlyArray<{ value: FiguresPeriod; label: string }>;

/** The four figures every row shows, after its own name column. */
function figureColumns<T extends CallFigures>(): Column<T>[] {
  const n = (v: number) => <span className="tabular-nums">{v}</span>;
  return [
    { key: 'calls', header: 'Calls', align: 'right', cell: (r) => n(r.calls) },
    { key: 'answered', header: 'Answered', align: 'right', cell: (r) => n(r.answered) },
    { key: 'missed', header: 'Missed', align: 'right', cell: (r) => n(r.missed) },
    {
      key: 'talk',
      header: 'Avg talk',
      align: 'right',
      cell: (r) => <span className="tabular-nums">{r.answered > 0 ? formatDurationWords(r.average_talk_time) : '—'}</span>,
    },
  ];
}

/**
 * Per-extension and per-ring-group figures (calls, answered, missed, average talk) over the same
 * rolling windows as the chart. An agent sees their own extension and the groups of their calls.
 */
export function TeamFigures() {
  const [period, setPeriod] = useState<FiguresPeriod>('day');
  const realtime = useRealtimeStatus();
  const { manage } = usePermissions();
  const poll = realtime === 'live' ? false : 60_000;
  const agents = useQuery({
    queryKey: teamKeys.agents(period),
    queryFn: () => teamService.agents(period),
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  const groups = useQuery({
    queryKey: teamKeys.ringGroups(period),
    queryFn: () => teamService.ringGroups(period),
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  const agentColumns: Column<AgentFigures>[] = [
    {
      key: 'extension',
      header: 'Extension',
      cell: (r) => (
        <Link to={paths.extension(r.extension_id)} className="text-indigo-700 hover:underline">
          <span className="font-mono font-semibold">{r.extension_number}</span>
          {r.name && <span className="text-zinc-700"> {r.name}</span>}
        </Link>
      ),
    },
    ...figureColumns<AgentFigures>(),
  ];
  const groupColumns: Column<RingGroupFigures>[] = [
    {
      key: 'group',
      header: 'Ring group',
      cell: (r) =>
        manage ? (
          <Link to={paths.ringGroup(r.ring_group_id)} className="font-medium text-indigo-700 hover:underline">
            {r.name}
          </Link>
        ) : (
          r.name
        ),
    },
    ...figureColumns<RingGroupFigures>(),
  ];
  const zone = agents.data?.timezone;
  return (
    <Card aria-labelledby="team-title">
      <CardHeader
        id="team-title"
        title={manage ? 'Extensions and ring groups' : 'Your extension'}
        description={`Calls, answered, missed and average talk time${zone ? ` · ${zone}` : ''}`}
        actions={<Segmented label="Figures period" value={period} onChange={setPeriod} options={PERIODS} />}
      />
      <div className="grid gap-4 p-4 lg:grid-cols-2">
        <div data-testid="agent-figures" className="min-w-0">
          <DataTable
            label="Calls per extension"
            columns={agentColumns}
            rows={agents.data?.data}
            rowKey={(r) => r.extension_id}
            isLoading={agents.isLoading}
            isFetching={agents.isFetching}
            error={agents.error}
            onRetry={() => void agents.refetch()}
            empty={<EmptyState title="No extensions yet" />}
          />
        </div>
        <div data-testid="ring-group-figures" className="min-w-0">
          <DataTable
            label="Calls per ring group"
            columns={groupColumns}
            rows={groups.data?.data}
            rowKey={(r) => r.ring_group_id}
            isLoading={groups.isLoading}
            isFetching={groups.isFetching}
            error={groups.error}
            onRetry={() => void groups.refetch()}
            empty={<EmptyState title={manage ? 'No ring groups yet' : 'No ring group calls in this period'} />}
          />
        </div>
      </div>
    </Card>
  );
}
