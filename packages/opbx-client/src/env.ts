/** Vite's `import.meta.env` as this package reads it; absent under plain Node. */
interface ViteImportMeta {
  env?: Record<string, string | boolean | undefined>;
}

/**
 * A `VITE_*` variable, or undefined outside Vite. The cast keeps the literal `import.meta.env`
 * in the emitted code, which is what Vite injects (dev) or replaces (build).
 */
export function viteEnv(name: string): string | undefined {
  const value = (import.meta as ViteImportMeta).env?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** True in a browser (or a DOM test environment), false in Node. */
export const hasWindow = (): boolean => typeof window !== 'undefined';
