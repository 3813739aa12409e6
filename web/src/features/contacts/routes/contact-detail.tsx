import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { ActionLink, PageHeader } from '@/components/page-header';
import { formatDateTime } from '@/lib/format';
import { companyQuery, linkedDealsQuery, useContact, useTimeline } from '../api/contacts';
import { ContactCallForm } from '../components/contact-call-form';
import { DetailRow } from '../components/detail-row';
import { LinkedDeals } from '../components/linked-deals';
import { TimelineList } from '../components/timeline-list';

export function ContactDetailRoute() {
  const { id = '' } = useParams();
  const contact = useContact(id);
  const timeline = useTimeline('contact', id);
  const deals = useQuery(linkedDealsQuery({ contactId: id }));
  const companyId = contact.data?.companyId;
  const company = useQuery({ ...companyQuery(companyId ?? ''), enabled: !!companyId });

  if (contact.isPending) return <p>Loading the contact…</p>;
  if (contact.isError) return <FormAlert error={contact.error} fields={[]} />;

  const c = contact.data;
  const name = `${c.firstName} ${c.lastName}`.trim();
  return (
    <div className="space-y-6">
      <p>
        <Link to="/app/contacts" className="text-sm text-indigo-700 dark:text-indigo-300">
          ← Contacts
        </Link>
      </p>
      <PageHeader title={name}>
        <ActionLink to={`/app/deals/new?contact=${c.id}${c.companyId ? `&company=${c.companyId}` : ''}`}>
          New deal
        </ActionLink>
        <ActionLink to={`/app/tasks/new?subjectType=contact&subjectId=${c.id}`}>New task</ActionLink>
        <ActionLink to={`/app/contacts/${c.id}/edit`}>Edit</ActionLink>
      </PageHeader>
      <dl className="max-w-2xl divide-y divide-slate-100 dark:divide-slate-800">
        <DetailRow term="Emails">{c.emails.length > 0 ? c.emails.join(', ') : null}</DetailRow>
        <DetailRow term="Phones">{c.phones.length > 0 ? c.phones.join(', ') : null}</DetailRow>
        <DetailRow term="Company">
          {companyId ? (
            <Link to={`/app/companies/${companyId}`} className="text-indigo-700 dark:text-indigo-300">
              {company.data?.name ?? 'Company'}
            </Link>
          ) : null}
        </DetailRow>
        <DetailRow term="Created">{formatDateTime(c.createdAt)}</DetailRow>
      </dl>
      <LinkedDeals deals={deals.data} loading={deals.isPending} />
      <ContactCallForm contactId={c.id} />
      <TimelineList entries={timeline.data ?? []} />
    </div>
  );
}
