import { formatDateTime } from '@/lib/format';
import type { components } from '@/types/api.gen';

type Entry = components['schemas']['TimelineEntry'];

/** A record's timeline, newest first, as a labelled section. */
export function TimelineList({ entries }: { entries: Entry[] }) {
  return (
    <section aria-labelledby="timeline-heading" className="max-w-2xl space-y-3">
      <h2 id="timeline-heading" className="text-lg font-semibold">
        Timeline
      </h2>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Nothing yet.</p>
      ) : (
        <ol className="space-y-1 text-sm">
          {entries.map((entry, index) => (
            <li key={`${String(entry.at)}-${String(index)}`}>
              <span className="text-slate-600 dark:text-slate-400">{formatDateTime(entry.at)}</span> ·{' '}
              {entry.type.replaceAll('_', ' ').replaceAll('.', ' ')}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
