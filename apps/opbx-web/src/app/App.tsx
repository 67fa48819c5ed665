import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense } from 'react';
import { BrowserRouter, Link, Route, Routes } from 'react-router';

import { RequireAuth, RequireRole } from '../auth/RequireAuth';
import { SessionProvider } from '../auth/session';
import { SignInPage } from '../auth/SignInPage';
import { AppShell } from '../layout/AppShell';
import { PageHeader } from '../ui/Card';
import { EmptyState, LoadingBlock } from '../ui/States';
import { ToastProvider } from '../ui/Toast';
import { paths } from './paths';
import { createQueryClient } from './queryClient';

// Each page is its own chunk; the dashboard's chart library loads only with the dashboard.
const DashboardPage = lazy(() => import('../pages/dashboard/DashboardPage'));
const UsersPage = lazy(() => import('../pages/users/UsersPage'));
const ExtensionsPage = lazy(() => import('../pages/extensions/ExtensionsPage'));
const ExtensionPage = lazy(() => import('../pages/extensions/ExtensionPage'));
const PhoneNumbersPage = lazy(() => import('../pages/phone-numbers/PhoneNumbersPage'));
const RingGroupsPage = lazy(() => import('../pages/ring-groups/RingGroupsPage'));
const RingGroupPage = lazy(() => import('../pages/ring-groups/RingGroupPage'));
const BusinessHoursPage = lazy(() => import('../pages/business-hours/BusinessHoursPage'));
const BusinessHoursEditPage = lazy(() => import('../pages/business-hours/BusinessHoursEditPage'));
const CallLogsPage = lazy(() => import('../pages/call-logs/CallLogsPage'));
const SettingsPage = lazy(() => import('../pages/settings/SettingsPage'));
const CloudonixPage = lazy(() => import('../pages/cloudonix/CloudonixPage'));
const CallPathPage = lazy(() => import('../pages/call-path/CallPathPage'));
const ProfilePage = lazy(() => import('../pages/profile/ProfilePage'));
const DirectoryPage = lazy(() => import('../pages/directory/DirectoryPage'));

const queryClient = createQueryClient();

const page = (node: ReactNode) => <Suspense fallback={<LoadingBlock />}>{node}</Suspense>;

function NotFound() {
  return (
    <>
      {/* A page of its own, with a main heading like every other page. */}
      <PageHeader title="Page not found" />
      <div className="rounded-lg border border-zinc-200 bg-white">
        <EmptyState
          title="Nothing at this address"
          action={
            <Link to={paths.dashboard} className="text-sm font-medium text-indigo-600 hover:underline">
              Go to the dashboard
            </Link>
          }
        >
          The link may be old, or the item was deleted.
        </EmptyState>
      </div>
    </>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <BrowserRouter>
          <SessionProvider>
            <Routes>
              <Route path={paths.login} element={<SignInPage />} />
              <Route
                element={
                  <RequireAuth>
                    <AppShell />
                  </RequireAuth>
                }
              >
                <Route index element={page(<DashboardPage />)} />
                <Route
                  path="users"
                  element={page(
                    <RequireRole roles={['owner', 'admin']}>
                      <UsersPage />
                    </RequireRole>,
                  )}
                />
                <Route path="extensions" element={page(<ExtensionsPage />)} />
                <Route path="extensions/:id" element={page(<ExtensionPage />)} />
                <Route path="phone-numbers" element={page(<PhoneNumbersPage />)} />
                <Route path="ring-groups" element={page(<RingGroupsPage />)} />
                <Route path="ring-groups/:id" element={page(<RingGroupPage />)} />
                <Route path="business-hours" element={page(<BusinessHoursPage />)} />
                <Route path="business-hours/:id" element={page(<BusinessHoursEditPage />)} />
                <Route path="call-logs" element={page(<CallLogsPage />)} />
                <Route path="settings" element={page(<SettingsPage />)} />
                <Route path="profile" element={page(<ProfilePage />)} />
                <Route path="directory" element={page(<DirectoryPage />)} />
                <Route
                  path="cloudonix"
                  element={page(
                    <RequireRole roles={['owner', 'admin']}>
                      <CloudonixPage />
                    </RequireRole>,
                  )}
                />
                <Route
                  path="call-path"
                  element={page(
                    <RequireRole roles={['owner', 'admin']}>
                      <CallPathPage />
                    </RequireRole>,
                  )}
                />
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </SessionProvider>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
