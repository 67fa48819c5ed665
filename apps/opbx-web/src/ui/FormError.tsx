import { useEffect, useRef } from 'react';

import { apiError, fieldLabel, unclaimedDetails } from '../lib/api-error';
import { Alert } from './States';

/**
 * The summary above a form after a failed save: the server's message, which fields need a change
 * (by their labels, never API paths), and any detail that no field below shows. Each new error
 * moves focus to the first highlighted field, or to this summary when no field is highlighted.
 */
export function FormError({ error, claimed, remaining }: { error: unknown; claimed: (field: string) => boolean; remaining?: Record<string, string> }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!error || !ref.current) return;
    // After React has painted the fields' aria-invalid.
    const id = requestAnimationFrame(() => {
      const form = ref.current?.closest('form');
      const first = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
      (first ?? ref.current)?.focus();
    });
    return () => cancelAnimationFrame(id);
  }, [error]);
  if (!error) return null;
  const info = apiError(error);
  const rest = unclaimedDetails(error, claimed);
  // Every highlighted field has been edited since: nothing left to summarise.
  if (remaining && info.status === 422 && rest.length === 0 && info.details.length > 0 && Object.keys(remaining).length === 0) return null;
  const highlighted = [
    ...new Set(info.details.filter((d) => d.field && claimed(d.field) && (!remaining || d.field in remaining)).map((d) => fieldLabel(d.field))),
  ];
  const fieldCount = info.details.length - rest.length;
  const title = info.status === 422 ? (fieldCount > 0 && rest.length === 0 ? 'Check the highlighted fields.' : 'Some values need attention.') : info.message;
  return (
    <div ref={ref} tabIndex={-1} className="outline-none" data-testid="form-error">
      <Alert tone="error" title={title}>
        {info.status === 422 && info.details.length === 0 && <p>{info.message}</p>}
        {highlighted.length > 0 && <p>Fields to change: {highlighted.join(', ')}.</p>}
        {rest.length > 0 && (
          <ul className="list-disc space-y-0.5 pl-5">
            {rest.map((d, i) => (
              <li key={i}>
                {d.field ? `${fieldLabel(d.field)}: ` : ''}
                {d.message}
              </li>
            ))}
          </ul>
        )}
      </Alert>
    </div>
  );
}
