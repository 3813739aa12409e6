import type { StatusCounts } from '../api/inventory';
import { unitStatuses } from '../utils/status';
import './unit-status.css';

const countOf = {
  available: 'available',
  on_hold: 'onHold',
  reserved: 'reserved',
  sold: 'sold',
} as const;

/** What each colour and mark means, with the count of each status when given. */
export function StatusLegend({ counts }: { counts?: StatusCounts }) {
  return (
    <ul aria-label="Legend" className="flex flex-wrap gap-3 text-sm">
      {unitStatuses.map((entry) => (
        <li
          key={entry.status}
          data-status={entry.status}
          className="unit-status flex items-center gap-2 rounded border-2 px-2 py-1"
        >
          <span aria-hidden="true">{entry.mark}</span>
          <span>
            {entry.label}
            {counts ? `: ${String(counts[countOf[entry.status]])}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** A unit's status as a word with its mark and colour. */
export function StatusBadge({ status }: { status: keyof typeof countOf }) {
  const entry = unitStatuses.find((s) => s.status === status) ?? unitStatuses[0]!;
  return (
    <span
      data-status={entry.status}
      className="unit-status inline-flex items-center gap-1 rounded border-2 px-2 py-0.5 text-xs font-semibold"
    >
      <span aria-hidden="true">{entry.mark}</span>
      {entry.label}
    </span>
  );
}
