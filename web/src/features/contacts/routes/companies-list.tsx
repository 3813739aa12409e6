import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { ActionLink, PageHeader } from '@/components/page-header';
import { PagedTable, usePagedRows } from '@/components/paged-list';
import { useCompanies } from '../api/contacts';
import { SearchBox } from '../components/search-box';

/** The companies, searched by name (?q= in the URL), more as the list scrolls. */
export function CompaniesListRoute() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const companies = useCompanies(q);
  const setQ = useCallback(
    (next: string) => setParams(next ? { q: next } : {}, { replace: true }),
    [setParams],
  );
  const { rows, hasMore, loadingMore, loadMore } = usePagedRows(companies);

  return (
    <div className="space-y-6">
      <PageHeader title="Companies">
        <ActionLink to="/app/companies/new" variant="primary">
          New company
        </ActionLink>
      </PageHeader>
      <SearchBox label="Search companies" value={q} onChange={setQ} />
      <FormAlert error={companies.error} fields={[]} />
      <PagedTable
        columns={['Name', 'Domain', 'Industry']}
        pending={companies.isPending}
        pendingText="Loading companies…"
        empty={rows.length === 0}
        emptyText="No companies match."
        hasMore={hasMore}
        loadingMore={loadingMore}
        onLoadMore={loadMore}
      >
        {rows.map((company) => (
          <tr key={company.id}>
            <td className="py-2 pr-4">
              <Link
                to={`/app/companies/${company.id}`}
                className="font-medium text-indigo-700 dark:text-indigo-300"
              >
                {company.name}
              </Link>
            </td>
            <td className="py-2 pr-4">{company.domain}</td>
            <td className="py-2 pr-4">{company.industry}</td>
          </tr>
        ))}
      </PagedTable>
    </div>
  );
}
