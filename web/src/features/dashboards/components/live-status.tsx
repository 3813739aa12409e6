import { useLiveStatus } from '@/lib/use-live';

/** Whether the figures are live: the tab's stream is open, or is being opened again after it dropped. */
export function LiveStatusBadge() {
  const status = useLiveStatus();
  const live = status === 'open';
  const text = live ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <p
      role="status"
      className={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm ${
        live
          ? 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200'
          : 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200'
      }`}
    >
      <span
        aria-hidden="true"
        className={`h-2 w-2 rounded-full ${live ? 'bg-emerald-500' : 'bg-amber-500'}`}
      />
      {text}
    </p>
  );
}
