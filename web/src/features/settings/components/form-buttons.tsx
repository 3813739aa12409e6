import type { ReactNode } from 'react';
import { Button } from '@/components/button';

/** An editor's row of buttons: Create or Save (named after what it edits), Cancel, then any others such as Delete. */
export function FormButtons({
  what,
  isNew,
  pending,
  onCancel,
  children,
}: {
  what: string;
  isNew: boolean;
  pending: boolean;
  onCancel: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap gap-3">
      <Button type="submit" disabled={pending}>
        {isNew ? `Create ${what}` : `Save ${what}`}
      </Button>
      <Button variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      {children}
    </div>
  );
}
