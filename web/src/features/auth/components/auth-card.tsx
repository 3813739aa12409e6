import type { ReactNode } from 'react';
import { Link } from 'react-router';

export function AuthCard({
  title,
  children,
  footer,
}: {
  title: string;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4 py-12 dark:bg-slate-950">
      <div className="w-full max-w-md">
        <Link
          to="/"
          className="mb-6 block text-center text-xl font-bold text-indigo-700 dark:text-indigo-300"
        >
          M3CoreCRM
        </Link>
        <div className="rounded-lg bg-white p-8 shadow dark:bg-slate-900">
          <h1 className="mb-6 text-2xl font-semibold text-slate-900 dark:text-slate-100">{title}</h1>
          {children}
        </div>
        <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-400">{footer}</p>
      </div>
    </main>
  );
}
