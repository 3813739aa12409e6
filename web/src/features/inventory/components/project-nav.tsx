import { NavLink } from 'react-router';

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-1.5 text-sm font-medium ${
    isActive
      ? 'bg-indigo-600 text-white'
      : 'border border-slate-300 text-slate-800 hover:bg-slate-50 dark:border-slate-600 dark:text-slate-100 dark:hover:bg-slate-800'
  }`;

/** The views of one project: its page, availability board, unit list and map. */
export function ProjectNav({ projectId }: { projectId: string }) {
  const base = `/app/inventory/projects/${projectId}`;
  return (
    <nav aria-label="Project views" className="flex flex-wrap gap-2">
      <NavLink end to={base} className={linkClass}>
        Overview
      </NavLink>
      <NavLink to={`${base}/board`} className={linkClass}>
        Availability board
      </NavLink>
      <NavLink end to={`/app/inventory/units?projectId=${projectId}`} className={linkClass}>
        Units
      </NavLink>
      <NavLink to={`${base}/map`} className={linkClass}>
        Map
      </NavLink>
    </nav>
  );
}
