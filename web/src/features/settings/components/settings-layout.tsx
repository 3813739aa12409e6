import { NavLink, Outlet } from 'react-router';
import { settingsPagesFor, useMyGrants } from '../api/access';

/** The settings section: its own side menu of the pages the caller may use, and the open page beside it. */
export function SettingsLayout() {
  const pages = settingsPagesFor(useMyGrants());
  return (
    <div className="flex flex-col gap-6 md:flex-row">
      {pages.length > 0 && (
        <nav aria-label="Settings" className="w-full shrink-0 md:w-56">
          <p className="mb-2 px-2 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">
            Settings
          </p>
          <ul className="space-y-1">
            {pages.map((page) => (
              <li key={page.path}>
                <NavLink
                  to={`/app/settings/${page.path}`}
                  className={({ isActive }) =>
                    `block rounded-md px-2 py-1.5 text-sm ${
                      isActive
                        ? 'bg-indigo-50 font-semibold text-indigo-700 dark:bg-indigo-950 dark:text-indigo-200'
                        : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
                    }`
                  }
                >
                  {page.name}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div className="min-w-0 flex-1">
        <Outlet />
      </div>
    </div>
  );
}
