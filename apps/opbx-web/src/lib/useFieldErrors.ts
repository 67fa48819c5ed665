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
  /** `onChange` and `error` for a text field or select: editing it clears its server error. */
  const bind = <T extends string = string>(field: string, set: (value: T) => void) => ({
    error: errors[field],
    onChange: (e: { target: { value: string } }) => {
      set(e.target.value as T);
      clear(field);
    },
  });
  return { errors, clear, bind };
}
