import { useQuery } from '@tanstack/react-query';

import { type Colleague, teamKeys, teamService } from '../../data/team';
import { useListParams } from '../../lib/hooks';
import { usePageTitle } from '../../lib/title';
import { usePresence } from '../../realtime/RealtimeProvider';
import { PageHeader } from '../../ui/Card';
import { PresenceBadge } from '../../ui/PresenceBadge';
import { EmptyState } from '../../ui/States';
import { type Column, DataTable } from '../../ui/Table';
import { SearchInput, Toolbar } from '../../ui/Toolbar';

const TYPE_LABEL: Record<Colleague['type'], string> = { user: 'Person', virtual: 'Mailbox / virtual', queue: 'Queue' };

const FILTERS = ['search'] as const;

/** Name or extension number, as typed: "sam", "10", "Riley A". */
function matches(c: Colleague, search: string): boolean {
  const q = search.trim().toLowerCase();
  return !q || c.extension_number.includes(q) || (c.name ?? '').toLowerCase().includes(q);
}

/**
 * Who to call: every colleague's name and extension number, and what they are doing now. Every
 * role reads it (agents cannot list users). Presence starts from the server's record and follows
 * the live `extension.status` events after that.
 */
export default function DirectoryPage() {
  usePageTitle('Directory');
  const [params, setParams] = useListParams(FILTERS);
  const live = usePresence();
  const directory = useQuery({ queryKey: teamKeys.directory, queryFn: teamService.directory });
  const rows = directory.data?.data.filter((c) => matches(c, params.search));
  const columns: Column<Colleague>[] = [
    { key: 'number', header: 'Extension', cell: (c) => <span className="font-mono font-semibold text-zinc-900">{c.extension_number}</span> },
    { key: 'name', header: 'Name', cell: (c) => c.name ?? <span className="text-zinc-600">{TYPE_LABEL[c.type]}</span> },
    {
      key: 'presence',
      header: 'Now',
      cell: (c) => {
        const p = live[c.extension_id] ?? c.presence;
        return <PresenceBadge state={p} />;
      },
    },
  ];
  const total = rows?.length ?? 0;
  return (
    <>
      <PageHeader title="Directory" description="Your colleagues' extensions: dial the number to reach them." />
      <Toolbar>
        <SearchInput label="Search the directory" placeholder="Name or extension" value={params.search} onChange={(v) => setParams({ search: v })} />
      </Toolbar>
      <div data-testid="directory">
        <DataTable
          label="Directory"
          columns={columns}
          rows={rows}
          rowKey={(c) => c.extension_id}
          isLoading={directory.isLoading}
          error={directory.error}
          onRetry={() => void directory.refetch()}
          empty={<EmptyState title={params.search ? 'Nobody matches this search' : 'No colleagues yet'} />}
          footer={
            rows ? (
              <p className="border-t border-zinc-100 px-4 py-2.5 text-xs text-zinc-600" data-testid="directory-count">
                {total} {total === 1 ? 'colleague' : 'colleagues'}
              </p>
            ) : null
          }
        />
      </div>
    </>
  );
}
