import type { ReactNode } from 'react';

export function DetailRow({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-2">
      <dt className="text-sm font-medium text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="col-span-2 text-sm">{children ?? '—'}</dd>
    </div>
  );
}
