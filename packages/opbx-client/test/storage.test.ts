import { beforeAll, describe, expect, it } from 'vitest';

import { storage, type User } from '../src/index.js';

/** A Web Storage stand-in; installed before the helper's first use, which is when it picks a backend. */
const backing = new Map<string, string>();
beforeAll(() => {
  (globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (key: string) => backing.get(key) ?? null,
    setItem: (key: string, value: string) => void backing.set(key, String(value)),
    removeItem: (key: string) => void backing.delete(key),
  };
});

const user: User = {
  id: '0190e4a5-0000-7000-8000-000000000001',
  organization_id: '0190e4a5-0000-7000-8000-000000000002',
  email: 'dana@example.test',
  name: 'Dana',
  role: 'owner',
  status: 'active',
  extension: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

describe('storage over localStorage', () => {
  it('keeps the token and user in localStorage and clears only its own keys', () => {
    backing.set('theme', 'dark');
    storage.setToken('opbx_token');
    storage.setUser(user);
    expect(backing.get('opbx_auth_token')).toBe('opbx_token');
    expect(JSON.parse(backing.get('opbx_user')!)).toEqual(user);
    expect(storage.getToken()).toBe('opbx_token');
    expect(storage.getUser()).toEqual(user);

    storage.clearAll();
    expect(storage.getToken()).toBeNull();
    expect(storage.getUser()).toBeNull();
    expect(backing.get('theme')).toBe('dark');
  });

  it('treats a corrupt stored user as none', () => {
    backing.set('opbx_user', '{not json');
    expect(storage.getUser()).toBeNull();
    expect(backing.has('opbx_user')).toBe(false);
  });
});
