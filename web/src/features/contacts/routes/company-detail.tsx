import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { LoadMore } from '@/components/load-more';
import { formatDateTime } from '@/lib/format';
import { useCompany, useCompanyContacts, useTimeline } from '../api/contacts';
import { DetailRow } from '../components/detail-row';
import { TimelineList } from '../components/timeline-list';

export function CompanyDetailRoute() {
  const { id = '' } = useParams();
  const company = useCompany(id);
  const contacts = useCompanyContacts(id);
  const timeline = useTimeline('company', id);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = contacts;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  if (company.isPending) return <p>Loading the company…</p>;
  if (company.isError) return <FormAlert error={company.error} fields={[]} />;

  const c = company.data;
  const people = contacts.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="space-y-6">
      <p>
        <Link to="/app/companies" className="text-sm text-indigo-700 dark:text-indigo-300">
          ← Companies
        </Link>
      </p>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">{c.name}</h1>
        <div className="flex gap-3">
          <Link
            to={`/app/deals/new?company=${c.id}`}
            className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold dark:border-slate-600"
          >
            New deal
          </Link>
          <Link
            to={`/app/tasks/new?subjectType=company&subjectId=${c.id}`}
            className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold dark:border-slate-600"
          >
            New task
          </Link>
          <Link
            to={`/app/companies/${c.id}/edit`}
            className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold dark:border-slate-600"
          >
            Edit
          </Link>
        </div>
      </div>
      <dl className="max-w-2xl divide-y divide-slate-100 dark:divide-slate-800">
        <DetailRow term="Domain">{c.domain}</DetailRow>
        <DetailRow term="Industry">{c.industry}</DetailRow>
        <DetailRow term="Created">{formatDateTime(c.createdAt)}</DetailRow>
      </dl>
      <section aria-labelledby="company-contacts" className="max-w-2xl space-y-3">
        <h2 id="company-contacts" className="text-lg font-semibold">
          Contacts
        </h2>
        {contacts.isPending ? (
          <p>Loading contacts…</p>
        ) : people.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No contacts at this company yet.</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {people.map((person) => (
              <li key={person.id}>
                <Link
                  to={`/app/contacts/${person.id}`}
                  className="text-indigo-700 underline dark:text-indigo-300"
                >
                  {`${person.firstName} ${person.lastName}`.trim()}
                </Link>
                {person.emails[0] ? ` · ${person.emails[0]}` : ''}
              </li>
            ))}
          </ul>
        )}
        <LoadMore hasMore={hasNextPage} loading={isFetchingNextPage} onLoadMore={loadMore} />
      </section>
      <TimelineList entries={timeline.data ?? []} />
    </div>
  );
}
