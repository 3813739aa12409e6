import type { ReactNode } from 'react';

/** The form beside a settings list, headed by what it edits; Cancel closes it. */
export function EditorPanel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section
      aria-label={title}
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 className="mb-4 text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export const tableClass = 'min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800';
export const headCellClass = 'px-3 py-2 text-left font-semibold text-slate-700 dark:text-slate-300';
export const cellClass = 'px-3 py-2 align-top';
export const linkButtonClass = 'font-semibold text-indigo-700 underline dark:text-indigo-300';
