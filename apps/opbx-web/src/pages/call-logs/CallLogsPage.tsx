import type { CallDirection, CallLog, CallLogsFilterParams, CallStatus } from '@opbx/client';
import { useState } from 'react';

import { usePermissions } from '../../auth/permissions';
import { useAllDids, useAllRingGroups, useExtensionNames, useOrgTimezone, usePhoneFormatter } from '../../data/lookups';
import { apiError } from '../../lib/api-error';
import { CALL_STATUSES, CallStatusBadge, DirectionLabel } from '../../lib/calls';
import { cx } from '../../lib/cx';
import { formatDateTime, formatDurationWords } from '../../lib/format';
import { compact, useListParams } from '../../lib/hooks';
import { CALL_OUTCOMES, OutcomeBadge, outcomeOf } from '../../lib/outcomes';
import { usePageTitle } from '../../lib/title';
import { Button } from '../../ui/Button';
import { PageHeader } from '../../ui/Card';
import { inputBase } from '../../ui/Field';
import { Pagination } from '../../ui/Pagination';
import { EmptyState } from '../../ui/States';
import { type Column, DataTable } from '../../ui/Table';
import { FilterSelect, SearchInput, Toolbar } from '../../ui/Toolbar';
import { useCallLogs } from './api';
import { CallLogDrawer } from './CallLogDrawer';
import { ExportButton } from './ExportButton';

const FILTERS = ['from_date', 'to_date', 'direction', 'status', 'outcome', 'extension_id', 'did_id', 'search'] as const;

function DateFilter({ label, value, onChange, min, max }: { label: string; value: string; onChange: (v: string) => void; min?: string; max?: string }) {
  const id = `date-${label.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-zinc-500">
        {label}
      </label>
      <input id={id} type="date" value={value} min={min} max={max} onChange={(e) => onChange(e.target.value)} className={cx(inputBase, 'w-38')} />
    </div>
  );
}

export default function CallLogsPage() {
  const showPhone = usePhoneFormatter();
  usePageTitle('Call logs');
  const perms = usePermissions();
  const tz = useOrgTimezone();
  const names = useExtensionNames();
  const dids = useAllDids();
  const groups = useAllRingGroups();
  const [params, setParams] = useListParams(FILTERS);
  const [selected, setSelected] = useState<CallLog | null>(null);
  const filters: CallLogsFilterParams = compact({
    from_date: params.from_date,
    to_date: params.to_date,
    direction: params.direction as CallDirection | '',
    status: params.status as CallStatus | '',
    // Beyond the spec's filters: the server's call outcome.
    ...({ outcome: params.outcome } as object),
    extension_id: params.extension_id,
    did_id: params.did_id,
    search: params.search,
  });
  const list = useCallLogs({ ...filters, page: params.page, per_page: 25 });
  const filtered = Object.keys(filters).length > 0;
  const clear = () => setParams(Object.fromEntries(FILTERS.map((k) => [k, null])));
  const badFilter = apiError(list.error).status === 422;

  const didLabel = (id: string | null) => {
    const d = id ? dids.data?.find((x) => x.id === id) : undefined;
    return d?.friendly_name;
  };

  const columns: Column<CallLog>[] = [
    {
      key: 'time',
      header: 'Time',
      cell: (c) => (
        <button
          type="button"
          onClick={() => setSelected(c)}
          className="text-left font-medium whitespace-nowrap text-indigo-700 hover:underline"
          aria-label={`Details of the call from ${showPhone(c.from_number)} at ${formatDateTime(c.created_at, tz)}`}
        >
          {formatDateTime(c.created_at, tz)}
        </button>
      ),
    },
    { key: 'direction', header: 'Direction', hideBelow: 'xl', cell: (c) => <DirectionLabel direction={c.direction} /> },
    { key: 'from', header: 'From', cell: (c) => <span className="tabular-nums">{showPhone(c.from_number)}</span> },
    {
      key: 'to',
      header: 'To',
      cell: (c) => (
        <div>
          <span className="tabular-nums">{showPhone(c.to_number)}</span>
          {didLabel(c.did_id) && <p className="text-xs text-zinc-500">{didLabel(c.did_id)}</p>}
        </div>
      ),
    },
    {
      key: 'handled',
      header: 'Handled by',
      hideBelow: 'lg',
      cell: (c) => (
        <span className="text-zinc-600">
          {c.extension_id
            ? `Ext. ${names.label(c.extension_id)}`
            : c.ring_group_id
              ? (groups.data?.find((g) => g.id === c.ring_group_id)?.name ?? 'Ring group')
              : '—'}
        </span>
      ),
    },
    { key: 'outcome', header: 'Outcome', cell: (c) => <OutcomeBadge outcome={outcomeOf(c)} /> },
    { key: 'status', header: 'Status', hideBelow: 'lg', cell: (c) => <CallStatusBadge status={c.status} /> },
    { key: 'duration', header: 'Talk time', align: 'right', cell: (c) => <span className="tabular-nums">{formatDurationWords(c.duration)}</span> },
  ];

  return (
    <>
      <PageHeader
        title="Call logs"
        description={
          perms.manage ? `Every call of your organization. Times in ${tz ?? 'your time zone'}.` : `Calls of your extension. Times in ${tz ?? 'your time zone'}.`
        }
        actions={<ExportButton filters={filters} expected={list.data?.meta.total} />}
      />
      <Toolbar
        actions={
          filtered && (
            <Button size="sm" variant="ghost" onClick={clear}>
              Clear filters
            </Button>
          )
        }
      >
        <DateFilter label="From" value={params.from_date} max={params.to_date || undefined} onChange={(v) => setParams({ from_date: v })} />
        <DateFilter label="To" value={params.to_date} min={params.from_date || undefined} onChange={(v) => setParams({ to_date: v })} />
        <FilterSelect label="Direction" value={params.direction} onChange={(v) => setParams({ direction: v })}>
          <option value="">Both</option>
          <option value="inbound">Inbound</option>
          <option value="outbound">Outbound</option>
        </FilterSelect>
        <FilterSelect label="Outcome" value={params.outcome} onChange={(v) => setParams({ outcome: v })}>
          <option value="">Any outcome</option>
          {CALL_OUTCOMES.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Status" value={params.status} onChange={(v) => setParams({ status: v })}>
          <option value="">Any status</option>
          {CALL_STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </FilterSelect>
        {perms.manage && (
          <FilterSelect label="Extension" value={params.extension_id} onChange={(v) => setParams({ extension_id: v })}>
            <option value="">All extensions</option>
            {(names.extensions.data ?? []).map((e) => (
              <option key={e.id} value={e.id}>
                {names.label(e.id)}
              </option>
            ))}
          </FilterSelect>
        )}
        <FilterSelect label="Phone number" value={params.did_id} onChange={(v) => setParams({ did_id: v })}>
          <option value="">All numbers</option>
          {(dids.data ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {showPhone(d.phone_number)}
              {d.friendly_name ? ` · ${d.friendly_name}` : ''}
            </option>
          ))}
        </FilterSelect>
        <div>
          <span className="mb-1 block text-xs font-medium text-zinc-500" aria-hidden>
            Number
          </span>
          <SearchInput
            label="Search by phone number"
            placeholder="Caller or called number"
            value={params.search}
            onChange={(v) => setParams({ search: v })}
            className="w-52"
          />
        </div>
      </Toolbar>
      <DataTable
        label="Call logs"
        columns={columns}
        rows={badFilter ? [] : list.data?.data}
        rowKey={(c) => c.id}
        isLoading={list.isLoading}
        isFetching={list.isFetching}
        error={badFilter ? undefined : list.error}
        onRetry={() => void list.refetch()}
        empty={
          badFilter ? (
            <EmptyState title="These filters aren't valid">
              {apiError(list.error)
                .details.map((d) => `${d.field}: ${d.message}`)
                .join('; ') || apiError(list.error).message}
            </EmptyState>
          ) : filtered ? (
            <EmptyState title="No calls match these filters">
              <button type="button" className="font-medium text-indigo-600 hover:underline" onClick={clear}>
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState title="No calls yet">Calls appear here as soon as they start.</EmptyState>
          )
        }
        footer={<Pagination meta={badFilter ? undefined : list.data?.meta} onPage={(page) => setParams({ page })} noun="calls" />}
      />
      <CallLogDrawer summary={selected} onClose={() => setSelected(null)} />
    </>
  );
}
