import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

/** A clock that ticks every `ms` (live durations). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

type ListState<K extends string> = Record<K, string> & { page: number };

type ListPatch<K extends string> = Partial<Record<K | 'page', string | number | null>>;

/**
 * List filters live in the URL, so a filtered page can be shared, reloaded and navigated back to.
 * Changing any filter returns to page 1. The third value says whether any filter is set and
 * clears them all.
 */
export function useListParams<K extends string>(keys: readonly K[]): [ListState<K>, (patch: ListPatch<K>) => void, { active: boolean; clear: () => void }] {
  const [params, setParams] = useSearchParams();
  // react-router's functional update reads the params of the last render, so two changes before
  // the next render (a debounced search landing just after a filter click) lost the first one.
  // Updates build on the newest params we know of: the last one we set, until the URL moves on.
  const latest = useRef(params);
  const rendered = useRef(params);
  if (rendered.current !== params) rendered.current = latest.current = params;
  const state = useMemo(() => {
    const out = { page: Math.max(1, Number(params.get('page')) || 1) } as ListState<K>;
    for (const k of keys) (out as Record<string, string | number>)[k] = params.get(k) ?? '';
    return out;
  }, [params, keys.join(',')]);
  const update = (patch: ListPatch<K>) => {
    const next = new URLSearchParams(latest.current);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === '' || (k === 'page' && Number(v) <= 1)) next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    latest.current = next;
    setParams(next, { replace: true });
  };
  const filters = {
    active: keys.some((k) => state[k] !== ''),
    clear: () => update(Object.fromEntries(keys.map((k) => [k, null])) as ListPatch<K>),
  };
  return [state, update, filters];
}

/** Drops empty strings so they are not sent as filters. */
export function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], ''> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)) as { [K in keyof T]?: Exclude<T[K], ''> };
}
