import { Link } from 'react-router';

import { paths } from '../app/paths';
import type { ErrorDetail } from '../lib/api-error';

type UsedBy = NonNullable<ErrorDetail['used_by']>;

/** Where the console shows each kind of record the server names in a "still in use" conflict. */
function pathOf(used: UsedBy): string | null {
  switch (used.type) {
    case 'ring_group':
      return paths.ringGroup(used.id);
    case 'business_hours':
      return paths.businessHoursOne(used.id);
    case 'extension':
      return paths.extension(used.id);
    case 'did':
      // Phone numbers are edited in a drawer on their list: the search finds the one.
      return `${paths.phoneNumbers}?${new URLSearchParams({ search: used.name })}`;
    default:
      return null;
  }
}

/** One line of "In use by": the server's sentence, with the record it names as a link to it. */
export function UsedByItem({ detail }: { detail: ErrorDetail }) {
  const to = detail.used_by ? pathOf(detail.used_by) : null;
  if (!detail.used_by || !to) return <>{detail.message}</>;
  return (
    <>
      {detail.message} ·{' '}
      <Link to={to} data-testid="used-by-link" className="font-medium text-indigo-700 underline hover:text-indigo-900">
        Open {detail.used_by.name}
      </Link>
    </>
  );
}
