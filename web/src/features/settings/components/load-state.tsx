import type { ReactNode } from 'react';
import { FormAlert } from '@/components/form-alert';
import { ApiError } from '@/lib/problem';

/** What a settings page shows when the API refused to let the caller read it (403 forbidden). */
export function PermissionDenied({ error }: { error: ApiError }) {
  return (
    <div className="space-y-3" data-testid="permission-denied">
      <h1 className="text-2xl font-semibold">You don&apos;t have permission</h1>
      <p className="text-slate-700 dark:text-slate-300">
        {error.detail ?? error.title} Ask an administrator of this workspace for access.
      </p>
    </div>
  );
}

/**
 * A settings page's data while it loads or when it failed; the page itself once every query has data. A 403 from
 * any of them becomes the permission page instead of the page.
 */
export function LoadState({
  queries,
  what,
  children,
}: {
  queries: { isPending: boolean; error: unknown }[];
  what: string;
  children: () => ReactNode;
}) {
  const denied = queries.find((query) => query.error instanceof ApiError && query.error.status === 403);
  if (denied) return <PermissionDenied error={denied.error as ApiError} />;
  const failed = queries.find((query) => query.error);
  if (failed) return <FormAlert error={failed.error} fields={[]} />;
  if (queries.some((query) => query.isPending)) return <p role="status">Loading {what}…</p>;
  return <>{children()}</>;
}
