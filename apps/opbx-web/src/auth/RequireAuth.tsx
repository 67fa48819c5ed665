import type { UserRole } from '@opbx/client';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';

import { paths } from '../app/paths';
import { EmptyState } from '../ui/States';
import { useSession } from './session';

export function RequireAuth({ children }: { children: ReactNode }) {
  const { user, exitTo } = useSession();
  const location = useLocation();
  if (!user) {
    if (exitTo) return <Navigate to={exitTo} replace />;
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? paths.login : `${paths.login}?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** Pages only some roles may open; others get an explanation rather than a broken page. */
export function RequireRole({ roles, children }: { roles: UserRole[]; children: ReactNode }) {
  const { user } = useSession();
  if (!user || !roles.includes(user.role)) {
    return (
      <div className="rounded-lg border border-zinc-200 bg-white">
        <EmptyState title="You don't have access to this page">Ask an owner or admin of your organization if you need it.</EmptyState>
      </div>
    );
  }
  return <>{children}</>;
}
