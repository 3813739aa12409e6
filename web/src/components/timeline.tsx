import { isApiError } from '@/lib/api-client';
import { describeEntry, useTimeline } from '@/lib/timeline';
import { FormAlert } from './form-alert';

/** A record's history, newest first; it follows live changes through the timeline query's invalidation. */
export function Timeline({ type, id, heading = 'History' }: { type: string; id: string; heading?: string }) {
  const timeline = useTimeline(type, id);
  return (
    <section aria-labelledby={`timeline-${id}`} className="space-y-3">
      <h2 id={`timeline-${id}`} className="text-lg font-semibold">
        {heading}
      </h2>
      {isApiError(timeline.error, 'not_found') ? (
        // An agent handed a lead by a call queue may call it without reading its history.
        <p className="text-sm text-slate-600 dark:text-slate-400">You cannot see this record's history.</p>
      ) : (
        <FormAlert error={timeline.error} fields={[]} />
      )}
      {timeline.isError ? null : timeline.isPending ? (
        <p>Loading the history…</p>
      ) : timeline.data.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Nothing yet.</p>
      ) : (
        <ol className="space-y-2" data-testid="timeline">
          {timeline.data.map((entry, index) => {
            const { title, detail } = describeEntry(entry);
            const at = typeof entry.at === 'string' ? new Date(entry.at) : null;
            return (
              <li
                key={`${entry.kind}-${String(entry.at)}-${index}`}
                className="rounded-md border border-slate-200 bg-white p-3 text-sm dark:border-slate-700 dark:bg-slate-900"
              >
                <p className="font-medium">{title}</p>
                {detail && <p className="text-slate-700 dark:text-slate-300">{detail}</p>}
                {at && (
                  <p className="text-xs text-slate-600 dark:text-slate-400">
                    <time dateTime={at.toISOString()}>{at.toLocaleString()}</time>
                  </p>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
