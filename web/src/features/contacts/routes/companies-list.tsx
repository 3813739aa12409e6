import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { LoadMore } from '@/components/load-more';
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
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = companies;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const rows = companies.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Companies</h1>
        <Link
          to="/app/companies/new"
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
        >
          New company
        </Link>
      </div>
      <SearchBox label="Search companies" value={q} onChange={setQ} />
      <FormAlert error={companies.error} fields={[]} />
      {companies.isPending ? (
        <p>Loading companies…</p>
      ) : rows.length === 0 ? (
        <p>No companies match.</p>
      ) : (
        <div>
          <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-700">
            <thead>
              <tr className="text-left text-slate-600 dark:text-slate-300">
                <th scope="col" className="py-2 pr-4 font-medium">
                  Name
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Domain
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Industry
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
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
            </tbody>
          </table>
          <LoadMore hasMore={hasNextPage} loading={isFetchingNextPage} onLoadMore={loadMore} />
        </div>
      )}
    </div>
  );
}
