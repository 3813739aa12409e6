import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/button';
import type { Lead } from '../api/leads';

/** "no_answer" → "No answer". */
function lastCallName(disposition: string) {
  const words = disposition.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
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

/** The leads so far; the next page loads when the end of the list scrolls into view (or from the button). */
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
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasMore || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) onLoadMore();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasMore, onLoadMore]);

  return (
    <div>
      <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-700">
        <thead>
          <tr className="text-left text-slate-600 dark:text-slate-300">
            <th scope="col" className="py-2 pr-4 font-medium">
              Name
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Phone
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Email
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Status
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Source
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Last call
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {leads.map((lead) => (
            <tr key={lead.id}>
              <td className="py-2 pr-4">
                <Link
                  to={`/app/leads/${lead.id}`}
                  className="font-medium text-indigo-700 dark:text-indigo-300"
                >
                  {lead.name}
                </Link>
              </td>
              <td className="py-2 pr-4">{lead.phone}</td>
              <td className="py-2 pr-4">{lead.email}</td>
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
                {lead.calls.lastDisposition
                  ? `${lastCallName(lead.calls.lastDisposition)} (${String(lead.calls.attempts)})`
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div ref={sentinel} className="py-4 text-center">
        {hasMore && (
          <Button variant="secondary" onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </Button>
        )}
      </div>
    </div>
  );
}
