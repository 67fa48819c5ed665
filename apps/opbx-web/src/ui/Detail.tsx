import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { apiError } from '../lib/api-error';
import { Button } from './Button';
import { Card, PageHeader } from './Card';
import { ArrowLeftIcon } from './icons';
import { EmptyState, ErrorState } from './States';

/** The way back from a record's page to its list. */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link to={to} className="inline-flex items-center gap-1 text-sm text-zinc-500 hover:text-zinc-900">
      <ArrowLeftIcon className="size-3.5" /> {children}
    </Link>
  );
}

/** A record's page when the record did not load: "doesn't exist" for a 404, else the error and a retry. */
export function MissingRecord({
  title,
  back,
  notFound,
  gone = 'It may have been deleted.',
  error,
  onRetry,
}: {
  title: string;
  back: ReactNode;
  notFound: string;
  gone?: string;
  error: unknown;
  onRetry: () => void;
}) {
  return (
    <>
      <PageHeader title={title} back={back} />
      <Card>{apiError(error).status === 404 ? <EmptyState title={notFound}>{gone}</EmptyState> : <ErrorState error={error} onRetry={onRetry} />}</Card>
    </>
  );
}

/** Cancel and submit at the foot of a full-page form. */
export function PageFormActions({ onCancel, pending, submitLabel }: { onCancel: () => void; pending: boolean; submitLabel: string }) {
  return (
    <div className="flex justify-end gap-2 border-t border-zinc-200 pt-4">
      <Button onClick={onCancel}>Cancel</Button>
      <Button type="submit" variant="primary" loading={pending}>
        {submitLabel}
      </Button>
    </div>
  );
}
