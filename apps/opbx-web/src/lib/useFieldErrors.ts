import { useMemo, useState } from 'react';
import { fieldErrors } from './api-error';

/**
 * The server's field errors for the last failed save, minus those the user has since edited:
 * a message disappears as soon as its field changes, instead of lingering until the next save.
 */
export function useFieldErrors(error: unknown) {
  const [cleared, setCleared] = useState<{ error: unknown; prefixes: string[] }>({ error: null, prefixes: [] });
  const all = useMemo(() => fieldErrors(error), [error]);
  const prefixes = cleared.error === error ? cleared.prefixes : [];
  const errors = useMemo(
    () => Object.fromEntries(Object.entries(all).filter(([field]) => !prefixes.some((p) => field === p || field.startsWith(`${p}.`)))),
    [all, prefixes],
  );
  const clear = (...fields: string[]) => {
    if (!error || fields.every((f) => prefixes.includes(f))) return;
    setCleared((prev) => ({ error, prefixes: [...(prev.error === error ? prev.prefixes : []), ...fields] }));
  };
  return { errors, clear };
}
