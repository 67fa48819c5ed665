import { apiError, unclaimedDetails } from '../lib/api-error';
import { Alert } from './States';

/**
 * The summary above a form after a failed save: the server's message, plus any detail that no
 * field below shows (field errors themselves appear next to their controls).
 */
export function FormError({ error, claimed, remaining }: { error: unknown; claimed: (field: string) => boolean; remaining?: Record<string, string> }) {
  if (!error) return null;
  const info = apiError(error);
  const rest = unclaimedDetails(error, claimed);
  // Every highlighted field has been edited since: nothing left to summarise.
  if (remaining && info.status === 422 && rest.length === 0 && info.details.length > 0 && Object.keys(remaining).length === 0) return null;
  const fieldCount = info.details.length - rest.length;
  const title = info.status === 422 ? (fieldCount > 0 && rest.length === 0 ? 'Check the highlighted fields.' : 'Some values need attention.') : info.message;
  return (
    <Alert tone="error" title={title}>
      {info.status === 422 && info.details.length === 0 && <p>{info.message}</p>}
      {rest.length > 0 && (
        <ul className="list-disc space-y-0.5 pl-5">
          {rest.map((d, i) => (
            <li key={i}>
              {d.field ? <span className="font-mono text-xs">{d.field}</span> : null}
              {d.field ? ': ' : ''}
              {d.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
