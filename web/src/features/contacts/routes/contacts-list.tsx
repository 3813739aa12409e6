import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { LoadMore } from '@/components/load-more';
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
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = contacts;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const rows = contacts.data?.pages.flatMap((page) => page.items) ?? [];
  const companyName = (id: string | null) =>
    id ? companies.data?.find((c) => c.id === id)?.name : undefined;

  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Contacts</h1>
        <Link
          to="/app/contacts/new"
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
        >
          New contact
        </Link>
      </div>
      <SearchBox label="Search contacts" value={q} onChange={setQ} />
      <FormAlert error={contacts.error} fields={[]} />
      {contacts.isPending ? (
        <p>Loading contacts…</p>
      ) : rows.length === 0 ? (
        <p>No contacts match.</p>
      ) : (
        <div>
          <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-700">
            <thead>
              <tr className="text-left text-slate-600 dark:text-slate-300">
                <th scope="col" className="py-2 pr-4 font-medium">
                  Name
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Email
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Phone
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Company
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
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
            </tbody>
          </table>
          <LoadMore hasMore={hasNextPage} loading={isFetchingNextPage} onLoadMore={loadMore} />
        </div>
      )}
    </div>
  );
}
