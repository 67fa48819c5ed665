/**
 * Where the client keeps its tokens. Pluggable so the same client runs in a browser (localStorage, kept
 * across reloads), in Node (memory) or anywhere else (a keychain, an encrypted file, a cookie bridge).
 */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const ACCESS_TOKEN_KEY = 'warp_access_token';
export const REFRESH_TOKEN_KEY = 'warp_refresh_token';
export const CUSTOMER_ID_KEY = 'warp_customer_id';

export function memoryStorage(): TokenStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
  };
}

/** localStorage when it exists and works (private modes and some runtimes throw on write), else memory. */
export function defaultStorage(): TokenStorage {
  try {
    const ls = (globalThis as { localStorage?: TokenStorage }).localStorage;
    if (ls) {
      const probe = '__warp_probe__';
      ls.setItem(probe, probe);
      ls.removeItem(probe);
      return ls;
    }
  } catch {
    // fall through to memory
  }
  return memoryStorage();
}
