import * as Dialog from '@radix-ui/react-dialog';
import { type ComponentType, useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';

import { paths } from '../app/paths';
import { usePermissions } from '../auth/permissions';
import { useSession, useUser } from '../auth/session';
import { useOrganization } from '../data/lookups';
import { cx } from '../lib/cx';
import { RealtimeProvider } from '../realtime/RealtimeProvider';
import {
  BookIcon,
  ClockIcon,
  HashIcon,
  HomeIcon,
  KeyIcon,
  LayersIcon,
  ListIcon,
  LogOutIcon,
  MenuIcon,
  PhoneIcon,
  PhoneOutgoingIcon,
  SettingsIcon,
  UsersIcon,
  VoicemailIcon,
  XIcon,
} from '../ui/icons';

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ className?: string }>;
  end?: boolean;
}

function NavSection({ title, items }: { title?: string; items: NavItem[] }) {
  return (
    <div className="space-y-0.5">
      {title && <p className="px-2.5 pt-4 pb-1 text-[11px] font-semibold tracking-wider text-zinc-600 uppercase">{title}</p>}
      {items.map(({ to, label, icon: Icon, end }) => (
        <NavLink
          key={to}
          to={to}
          end={end}
          className={({ isActive }) =>
            cx(
              'flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors',
              isActive ? 'bg-white text-zinc-900 shadow-sm ring-1 ring-zinc-200' : 'text-zinc-600 hover:bg-zinc-200/60 hover:text-zinc-900',
            )
          }
        >
          <Icon className="size-4 shrink-0 opacity-80" />
          {label}
        </NavLink>
      ))}
    </div>
  );
}

const ROLE_LABEL = { owner: 'Owner', admin: 'Admin', agent: 'Agent' } as const;

function Sidebar() {
  const user = useUser();
  const perms = usePermissions();
  const { signOut } = useSession();
  const org = useOrganization();
  const main: NavItem[] = [
    { to: paths.dashboard, label: 'Dashboard', icon: HomeIcon, end: true },
    { to: paths.callLogs, label: 'Call logs', icon: ListIcon },
    { to: paths.directory, label: 'Directory', icon: BookIcon },
    ...(perms.ownExtensionId && !perms.manage ? [{ to: paths.extension(perms.ownExtensionId), label: 'My extension', icon: VoicemailIcon }] : []),
  ];
  const config: NavItem[] = [
    { to: paths.extensions, label: 'Extensions', icon: HashIcon, end: !perms.manage && Boolean(perms.ownExtensionId) },
    { to: paths.phoneNumbers, label: 'Phone numbers', icon: PhoneIcon },
    { to: paths.ringGroups, label: 'Ring groups', icon: LayersIcon },
    { to: paths.businessHours, label: 'Business hours', icon: ClockIcon },
    ...(perms.manage ? [{ to: paths.callPath, label: 'Test a call', icon: PhoneOutgoingIcon }] : []),
  ];
  const admin: NavItem[] = [
    ...(perms.manage ? [{ to: paths.users, label: 'Users', icon: UsersIcon }] : []),
    ...(perms.manage ? [{ to: paths.cloudonix, label: 'Cloudonix', icon: KeyIcon }] : []),
    { to: paths.settings, label: 'Settings', icon: SettingsIcon },
  ];
  return (
    <>
      <div className="flex h-14 items-center gap-2.5 px-4">
        <img src="/favicon.svg" alt="" className="size-7" />
        <div className="min-w-0">
          <p className="text-sm leading-tight font-semibold text-zinc-900">OPBX</p>
          <p className="truncate text-xs leading-tight text-zinc-600">{org.data?.name ?? ' '}</p>
        </div>
      </div>
      <nav aria-label="Main" className="flex-1 overflow-y-auto px-2 pb-4">
        <NavSection items={main} />
        <NavSection title="Configuration" items={config} />
        <NavSection title="Organization" items={admin} />
      </nav>
      <div className="border-t border-zinc-200 p-3">
        <div className="flex items-center gap-2.5">
          <span aria-hidden className="flex size-8 items-center justify-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700">
            {user.name
              .split(/\s+/)
              .map((p) => p[0])
              .join('')
              .slice(0, 2)
              .toUpperCase()}
          </span>
          <div className="min-w-0 flex-1">
            <p className="truncate text-sm font-medium text-zinc-900" data-testid="current-user">
              {user.name}
            </p>
            <p className="truncate text-xs text-zinc-600">
              {ROLE_LABEL[user.role]} · {user.email}
            </p>
          </div>
        </div>
        <NavLink
          to={paths.profile}
          className="mt-3 flex w-full items-center justify-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium text-zinc-700 ring-1 ring-zinc-200 hover:bg-white hover:text-zinc-900"
        >
          <UsersIcon className="size-4" />
          Your profile
        </NavLink>
        <button
          type="button"
          onClick={() => void signOut()}
          className="mt-2 flex w-full items-center justify-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium text-zinc-600 ring-1 ring-zinc-200 hover:bg-white hover:text-zinc-900"
        >
          <LogOutIcon className="size-4" />
          Sign out
        </button>
      </div>
    </>
  );
}

/**
 * Desktop: the navigation is a column beside the page. The aside stretches with the page (its
 * background and border run to the bottom); the inner column sticks, so the navigation stays in
 * view while long pages scroll.
 */
function DesktopSidebar() {
  return (
    <aside className="hidden w-60 shrink-0 border-r border-zinc-200 bg-zinc-100/70 md:block">
      <div className="sticky top-0 flex h-screen flex-col">
        <Sidebar />
      </div>
    </aside>
  );
}

/** Phones and small tablets: a top bar whose menu button opens the same navigation as a panel. */
function MobileBar() {
  const [open, setOpen] = useState(false);
  const { pathname } = useLocation();
  const org = useOrganization();
  // Following a link closes the menu.
  useEffect(() => setOpen(false), [pathname]);
  return (
    <div className="sticky top-0 z-30 flex h-12 items-center gap-2 border-b border-zinc-200 bg-white/95 px-3 backdrop-blur md:hidden">
      <Dialog.Root open={open} onOpenChange={setOpen}>
        <Dialog.Trigger asChild>
          <button
            type="button"
            className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium text-zinc-800 ring-1 ring-zinc-300 hover:bg-zinc-50"
            aria-label="Open menu"
          >
            <MenuIcon className="size-5" />
            Menu
          </button>
        </Dialog.Trigger>
        <Dialog.Portal>
          <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/30 animate-fade-in" />
          <Dialog.Content
            aria-describedby={undefined}
            className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col bg-zinc-50 shadow-2xl outline-none"
          >
            <Dialog.Title className="sr-only">Menu</Dialog.Title>
            <Dialog.Close asChild>
              <button type="button" aria-label="Close menu" className="absolute top-3 right-3 rounded-md p-1 text-zinc-600 hover:bg-zinc-200">
                <XIcon className="size-5" />
              </button>
            </Dialog.Close>
            <Sidebar />
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
      <p className="min-w-0 truncate text-sm font-semibold text-zinc-900">{org.data?.name ?? 'OPBX'}</p>
    </div>
  );
}

/** Moves focus to the page on client-side navigation, as a full page load would for screen readers. */
function useFocusOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: false });
  }, [pathname]);
}

export function AppShell() {
  useFocusOnNavigate();
  return (
    <RealtimeProvider>
      <a href="#main" className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2">
        Skip to content
      </a>
      <div className="flex min-h-screen">
        <DesktopSidebar />
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 outline-none">
          <MobileBar />
          <div className="mx-auto max-w-7xl px-4 py-5 sm:px-6 sm:py-6 lg:px-8">
            <Outlet />
          </div>
        </main>
      </div>
    </RealtimeProvider>
  );
}
