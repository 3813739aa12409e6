import { NavLink, Outlet } from 'react-router';
import { AwaitingApprovalsBadge } from '@/features/approvals/components/awaiting-badge';
import { NotificationBell } from '@/features/notifications/components/notification-bell';
import { canOpenSettings, useMyGrants } from '@/features/settings/api/access';
import { TaskDueAlerts } from '@/features/tasks/components/task-due-alerts';
import { useLiveQuerySync } from '../live-sync';
import { GlobalSearch } from './global-search';
import { sections } from './sections';
import { ThemeSwitch } from './theme-switch';
import { UserMenu } from './user-menu';
import { useWorkspace } from './workspace';

/** The signed-in frame: the sidebar (navigation landmark) and the top bar around each /app page. */
export function AppShell() {
  const workspace = useWorkspace();
  useLiveQuerySync();
  // Settings is for administrators only; until GET /me answers, it stays hidden rather than flickering in and out.
  const grants = useMyGrants();
  const visible = sections.filter((section) => section.path !== '/app/settings' || canOpenSettings(grants));
  return (
    <div className="flex min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <nav
        aria-label="Main"
        className="w-56 shrink-0 border-r border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      >
        <p className="mb-6 px-2 text-lg font-bold text-indigo-700 dark:text-indigo-300">M3CoreCRM</p>
        <ul className="space-y-1">
          {visible.map((section) => (
            <li key={section.path}>
              <NavLink
                to={section.path}
                className={({ isActive }) =>
                  `block rounded-md px-2 py-1.5 text-sm font-medium ${
                    isActive
                      ? 'bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-200'
                      : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
                  }`
                }
              >
                {section.name}
                {section.path === '/app/approvals' && <AwaitingApprovalsBadge />}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center gap-4 border-b border-slate-200 bg-white px-6 py-3 dark:border-slate-800 dark:bg-slate-900">
          <p className="shrink-0 font-semibold" data-testid="workspace-name">
            {workspace.data?.name ?? ''}
          </p>
          <GlobalSearch />
          <ThemeSwitch />
          <NotificationBell />
          <UserMenu />
        </header>
        <main id="main" className="flex-1 p-6">
          <Outlet />
        </main>
        <TaskDueAlerts />
      </div>
    </div>
  );
}
