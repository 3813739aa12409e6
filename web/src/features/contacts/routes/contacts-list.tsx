import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { ActionLink, PageHeader } from '@/components/page-header';
import { PagedTable, usePagedRows } from '@/components/paged-list';
import { useCompanyChoices, useContacts } from '../api/contacts';
import { SearchBox } from '../components/search-box';

const linkClass = 'font-medium text-indigo-700 dark:text-indigo-300';

/** The contacts, searched by name, phone or email (?q= in the URL), more as the list scrolls. */
export function ContactsListRoute() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const contacts = useContacts(q);
  const companies = useCompanyChoices();
  const setQ = useCallback(
    (next: string) => setParams(next ? { q: next } : {}, { replace: true }),
    [setParams],
  );
  const { rows, hasMore, loadingMore, loadMore } = usePagedRows(contacts);
  const companyName = (id: string | null) =>
    id ? companies.data?.find((c) => c.id === id)?.name : undefined;

  return (
    <div className="space-y-6">
      <PageHeader title="Contacts">
        <ActionLink to="/app/contacts/new" variant="primary">
          New contact
        </ActionLink>
      </PageHeader>
      <SearchBox label="Search contacts" value={q} onChange={setQ} />
      <FormAlert error={contacts.error} fields={[]} />
      <PagedTable
        columns={['Name', 'Email', 'Phone', 'Company']}
        pending={contacts.isPending}
        pendingText="Loading contacts…"
        empty={rows.length === 0}
        emptyText="No contacts match."
        hasMore={hasMore}
        loadingMore={loadingMore}
        onLoadMore={loadMore}
      >
        {rows.map((contact) => (
          <tr key={contact.id}>
            <td className="py-2 pr-4">
              <Link to={`/app/contacts/${contact.id}`} className={linkClass}>
                {`${contact.firstName} ${contact.lastName}`.trim()}
              </Link>
            </td>
            <td className="py-2 pr-4">{contact.emails[0]}</td>
            <td className="py-2 pr-4">{contact.phones[0]}</td>
            <td className="py-2 pr-4">
              {contact.companyId && (
                <Link to={`/app/companies/${contact.companyId}`} className={linkClass}>
                  {companyName(contact.companyId) ?? 'Company'}
                </Link>
              )}
            </td>
          </tr>
        ))}
      </PagedTable>
    </div>
  );
}
