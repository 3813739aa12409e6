import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { LoadMore } from '@/components/load-more';
import { ActionLink, PageHeader } from '@/components/page-header';
import { usePagedRows } from '@/components/paged-list';
import { formatDateTime } from '@/lib/format';
import { linkedDealsQuery, useCompany, useCompanyContacts, useTimeline } from '../api/contacts';
import { DetailRow } from '../components/detail-row';
import { LinkedDeals } from '../components/linked-deals';
import { TimelineList } from '../components/timeline-list';

export function CompanyDetailRoute() {
  const { id = '' } = useParams();
  const company = useCompany(id);
  const contacts = useCompanyContacts(id);
  const timeline = useTimeline('company', id);
  const deals = useQuery(linkedDealsQuery({ companyId: id }));
  const { rows: people, hasMore, loadingMore, loadMore } = usePagedRows(contacts);

  if (company.isPending) return <p>Loading the company…</p>;
  if (company.isError) return <FormAlert error={company.error} fields={[]} />;

  const c = company.data;
  return (
    <div className="space-y-6">
      <p>
        <Link to="/app/companies" className="text-sm text-indigo-700 dark:text-indigo-300">
          ← Companies
        </Link>
      </p>
      <PageHeader title={c.name}>
        <ActionLink to={`/app/deals/new?company=${c.id}`}>New deal</ActionLink>
        <ActionLink to={`/app/tasks/new?subjectType=company&subjectId=${c.id}`}>New task</ActionLink>
        <ActionLink to={`/app/companies/${c.id}/edit`}>Edit</ActionLink>
      </PageHeader>
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
        <LoadMore hasMore={hasMore} loading={loadingMore} onLoadMore={loadMore} />
      </section>
      <LinkedDeals deals={deals.data} loading={deals.isPending} />
      <TimelineList entries={timeline.data ?? []} />
    </div>
  );
}
