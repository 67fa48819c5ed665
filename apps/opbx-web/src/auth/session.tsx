import { authService, setUnauthorizedHandler, storage, type User } from '@opbx/client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';

import { paths } from '../app/paths';
import { keys } from '../data/keys';

/** When the token stops working, so an idle tab signs out on time instead of at its next click. */
const EXPIRES_KEY = 'opbx_token_expires_at';

interface SessionApi {
  user: User | null;
  /** Where a session that just ended sends the user (sign-in with a reason and a return path). */
  exitTo: string | null;
  signIn(email: string, password: string): Promise<User>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; only call below RequireAuth. */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}

function initialUser(): User | null {
  return storage.getToken() ? storage.getUser() : null;
}

const here = () => window.location.pathname + window.location.search;

export function SessionProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [user, setUser] = useState<User | null>(initialUser);
  const [exitTo, setExitTo] = useState<string | null>(null);
  const userRef = useRef(user);
  userRef.current = user;
  const signingOut = useRef(false);

  const endSession = useCallback(
    (to: string) => {
      userRef.current = null;
      // RequireAuth redirects to `exitTo` in the same render that drops the user, so its own
      // "sign in to continue" redirect cannot win the race against this navigation.
      setExitTo(to);
      setUser(null);
      localStorage.removeItem(EXPIRES_KEY);
      void navigate(to, { replace: true });
      // After the protected pages unmount, so nothing refetches with the old cache.
      setTimeout(() => queryClient.clear(), 0);
    },
    [navigate, queryClient],
  );

  // A 401 anywhere (expired or revoked token): back to sign-in, then back here afterwards.
  useEffect(() => {
    setUnauthorizedHandler(() => {
      if (!userRef.current || signingOut.current) return;
      endSession(`${paths.login}?reason=expired&next=${encodeURIComponent(here())}`);
    });
    return () => setUnauthorizedHandler(null);
  }, [endSession]);

  // Signing out (or in as someone else) in another tab applies here too.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== 'opbx_auth_token') return;
      if (!e.newValue && userRef.current) endSession(`${paths.login}?reason=signed_out`);
      else if (e.newValue && e.newValue !== e.oldValue) window.location.reload();
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [endSession]);

  // At expiry, ask the server once: its 401 runs the handler above.
  useEffect(() => {
    if (!user) return;
    const at = Number(localStorage.getItem(EXPIRES_KEY));
    if (!at) return;
    const t = setTimeout(() => void authService.me().catch(() => undefined), Math.min(Math.max(0, at - Date.now()) + 1000, 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [user]);

  // The stored user may be stale (role or extension changed); the server's answer wins.
  const me = useQuery({ queryKey: keys.me, queryFn: authService.me, enabled: Boolean(user), staleTime: 60_000 });
  useEffect(() => {
    if (me.data && userRef.current) {
      storage.setUser(me.data);
      setUser(me.data);
    }
  }, [me.data]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const res = await authService.login({ email, password });
      queryClient.clear();
      storage.setToken(res.access_token);
      storage.setUser(res.user);
      localStorage.setItem(EXPIRES_KEY, String(Date.now() + res.expires_in * 1000));
      queryClient.setQueryData(keys.me, res.user);
      setExitTo(null);
      setUser(res.user);
      return res.user;
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    signingOut.current = true;
    try {
      await authService.logout();
    } catch {
      // The token may already be gone; signing out locally is what matters.
    } finally {
      storage.clearAll();
      signingOut.current = false;
      endSession(`${paths.login}?reason=signed_out`);
    }
  }, [endSession]);

  const value = useMemo(() => ({ user, exitTo, signIn, signOut }), [user, exitTo, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
