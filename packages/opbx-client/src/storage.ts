import type { User } from './types.js';

/** The subset of the Web Storage API this helper needs. */
interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const TOKEN_KEY = 'opbx_auth_token';
const USER_KEY = 'opbx_user';

function memoryStore(): KeyValueStore {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
  };
}

/** localStorage when it exists and works (private modes and some runtimes throw on write). */
function detectStore(): KeyValueStore {
  try {
    const ls = (globalThis as { localStorage?: KeyValueStore }).localStorage;
    if (ls) {
      const probe = '__opbx_probe__';
      ls.setItem(probe, probe);
      ls.removeItem(probe);
      return ls;
    }
  } catch {
    // fall through to memory
  }
  return memoryStore();
}

let store: KeyValueStore | undefined;
const backend = () => (store ??= detectStore());

export const storage = {
  getToken(): string | null {
    return backend().getItem(TOKEN_KEY);
  },

  setToken(token: string): void {
    backend().setItem(TOKEN_KEY, token);
  },

  getUser(): User | null {
    const raw = backend().getItem(USER_KEY);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as User;
    } catch {
      // A corrupt entry is as good as none; drop it so it cannot break the next read.
      backend().removeItem(USER_KEY);
      return null;
    }
  },

  setUser(user: User): void {
    backend().setItem(USER_KEY, JSON.stringify(user));
  },

  /** Removes only this package's keys; other data the page keeps in localStorage stays. */
  clearAll(): void {
    backend().removeItem(TOKEN_KEY);
    backend().removeItem(USER_KEY);
  },
};
