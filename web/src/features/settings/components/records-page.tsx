import type { ReactNode } from 'react';
import { Button } from '@/components/button';
import { PageHeader } from '@/components/page-header';

/** A settings page that lists records: its heading with the "New …" button, then the editor and the list. */
export function RecordsPage({
  title,
  newLabel,
  onNew,
  children,
}: {
  title: string;
  newLabel: string;
  onNew: () => void;
  children: ReactNode;
}) {
  return (
    <div className="space-y-6">
      <PageHeader title={title}>
        <Button onClick={onNew}>{newLabel}</Button>
      </PageHeader>
      {children}
    </div>
  );
}
