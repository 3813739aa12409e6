import { Link } from 'react-router';
import { formatMoney } from '@/lib/format';
import type { LinkedDeal } from '../api/contacts';

/** The deals linked to a contact or a company, as a labelled section. */
export function LinkedDeals({ deals, loading }: { deals: LinkedDeal[] | undefined; loading: boolean }) {
  return (
    <section aria-labelledby="deals-heading" className="max-w-2xl space-y-3">
      <h2 id="deals-heading" className="text-lg font-semibold">
        Deals
      </h2>
      {loading ? (
        <p className="text-sm">Loading the deals…</p>
      ) : !deals || deals.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No deals yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {deals.map((deal) => (
            <li key={deal.id} className="flex items-center justify-between gap-4 py-2">
              <Link to={`/app/deals/${deal.id}`} className="font-medium text-indigo-700 dark:text-indigo-300">
                {deal.title}
              </Link>
              <span className="text-slate-600 dark:text-slate-400">
                {formatMoney(deal.value)} · {deal.status}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
