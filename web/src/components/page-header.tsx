import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** A page's heading with its actions beside it. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="flex items-center justify-between">
      <h1 className="text-2xl font-semibold">{title}</h1>
      {children && <div className="flex items-center gap-3">{children}</div>}
    </div>
  );
}

const looks = {
  primary: 'rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500',
  secondary: 'rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold dark:border-slate-600',
};

/** A link that looks like a button: a page's "New …" and "Edit". */
export function ActionLink({
  to,
  variant = 'secondary',
  children,
}: {
  to: string;
  variant?: keyof typeof looks;
  children: ReactNode;
}) {
  return (
    <Link to={to} className={looks[variant]}>
      {children}
    </Link>
  );
}
