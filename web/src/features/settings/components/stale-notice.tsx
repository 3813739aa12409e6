import { isApiError } from '@/lib/api-client';

/** Shown when a save was refused because someone else changed the record first (412 version_mismatch). */
export function StaleNotice({ error, onReload }: { error: unknown; onReload: () => void }) {
  if (!isApiError(error, 'version_mismatch')) return null;
  return (
    <p role="status" className="text-sm">
      Someone changed this while you were editing it.{' '}
      <button type="button" className="font-semibold underline" onClick={onReload}>
        Load their version
      </button>
    </p>
  );
}
