import { memo, useLayoutEffect, useRef, useState, type Ref } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { Link } from 'react-router';
import { LoadMore } from '@/components/load-more';
import type { Lead } from '../api/leads';

/** "no_answer" → "No answer". */
function lastCallName(disposition: string) {
  const words = disposition.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An agent took the lead from a call queue and has not logged the call yet (the lock runs out on its own). */
function onACall(lead: Lead) {
  const until = lead.calls.lockedUntil;
  return !!lead.calls.lockedBy && typeof until === 'string' && Date.parse(until) > Date.now();
}

interface LeadTableProps {
  leads: Lead[];
  statuses: { key: string; name: string }[];
  onStatusChange: (lead: Lead, status: string) => void;
  statusName: (key: string) => string;
  sourceName: (key: string) => string;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

interface LeadRowProps {
  lead: Lead;
  index: number;
  ref: Ref<HTMLTableRowElement>;
  statuses: { key: string; name: string }[];
  onStatusChange: (lead: Lead, status: string) => void;
  statusName: (key: string) => string;
  sourceName: (key: string) => string;
}

/** One lead's row; memoised, so a row that scrolls into view renders alone. */
const LeadRow = memo(function LeadRow({
  lead,
  index,
  ref,
  statuses,
  onStatusChange,
  statusName,
  sourceName,
}: LeadRowProps) {
  return (
    <tr
      ref={ref}
      data-index={index}
      aria-rowindex={index + 2}
      className="border-b border-slate-100 dark:border-slate-800"
    >
      <td className="py-2 pr-4">
        <Link to={`/app/leads/${lead.id}`} className="font-medium text-indigo-700 dark:text-indigo-300">
          {lead.name}
        </Link>
      </td>
      <td className="py-2 pr-4">{lead.phone}</td>
      <td className="truncate py-2 pr-4">{lead.email}</td>
      <td className="py-2 pr-4">
        {statuses.length === 0 ? (
          statusName(lead.status)
        ) : (
          <select
            aria-label={`Status of ${lead.name}`}
            value={lead.status}
            onChange={(event) => onStatusChange(lead, event.target.value)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800"
          >
            {statuses.map((status) => (
              <option key={status.key} value={status.key}>
                {status.name}
              </option>
            ))}
          </select>
        )}
      </td>
      <td className="py-2 pr-4">{sourceName(lead.source)}</td>
      <td className="py-2 pr-4" data-testid="last-call">
        {onACall(lead) ? (
          <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">
            On a call
          </span>
        ) : lead.calls.lastDisposition ? (
          `${lastCallName(lead.calls.lastDisposition)} (${String(lead.calls.attempts)})`
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
});

/** A row's height before it is measured (one line of text and the status select). */
const estimatedRowHeight = 45;

/**
 * The leads so far; the next page loads when the end of the list scrolls into view (or from the button). Only the
 * rows near the viewport are in the page (spacer rows stand for the others), so a list scrolled a thousand rows deep
 * costs what the first screen does: no long task from re-laying out every row above.
 */
export function LeadTable({
  leads,
  statuses,
  onStatusChange,
  statusName,
  sourceName,
  hasMore,
  loadingMore,
  onLoadMore,
}: LeadTableProps) {
  const table = useRef<HTMLTableElement>(null);
  // Where the table's rows start in the document: the window scrolls, and the filters above it can change height.
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      const body = table.current?.tBodies[0];
      if (body) setScrollMargin(Math.round(body.getBoundingClientRect().top + window.scrollY));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    // Anything above that grows or shrinks (the import panel, an alert) resizes the page.
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: leads.length,
    estimateSize: () => estimatedRowHeight,
    overscan: 12,
    scrollMargin,
    getItemKey: (index) => leads[index]?.id ?? index,
  });
  const rows = virtualizer.getVirtualItems();
  const before = rows.length > 0 ? (rows[0]?.start ?? 0) - scrollMargin : 0;
  const after = rows.length > 0 ? virtualizer.getTotalSize() - ((rows.at(-1)?.end ?? 0) - scrollMargin) : 0;

  return (
    <div>
      <table
        ref={table}
        aria-rowcount={leads.length + 1}
        className="w-full table-fixed divide-y divide-slate-200 text-sm dark:divide-slate-700"
      >
        <thead>
          <tr aria-rowindex={1} className="text-left text-slate-600 dark:text-slate-300">
            <th scope="col" className="w-1/5 py-2 pr-4 font-medium">
              Name
            </th>
            <th scope="col" className="w-36 py-2 pr-4 font-medium">
              Phone
            </th>
            <th scope="col" className="w-1/4 py-2 pr-4 font-medium">
              Email
            </th>
            <th scope="col" className="w-40 py-2 pr-4 font-medium">
              Status
            </th>
            <th scope="col" className="w-28 py-2 pr-4 font-medium">
              Source
            </th>
            <th scope="col" className="w-32 py-2 pr-4 font-medium">
              Last call
            </th>
          </tr>
        </thead>
        <tbody>
          {before > 0 && (
            <tr aria-hidden="true" style={{ height: before }}>
              <td colSpan={6} />
            </tr>
          )}
          {rows.map(({ index, key }) => (
            <LeadRow
              key={key}
              ref={virtualizer.measureElement}
              index={index}
              lead={leads[index] as Lead}
              statuses={statuses}
              onStatusChange={onStatusChange}
              statusName={statusName}
              sourceName={sourceName}
            />
          ))}
          {after > 0 && (
            <tr aria-hidden="true" style={{ height: after }}>
              <td colSpan={6} />
            </tr>
          )}
        </tbody>
      </table>
      <LoadMore hasMore={hasMore} loading={loadingMore} onLoadMore={onLoadMore} />
    </div>
  );
}
