import { useCallback, useMemo, type ReactNode } from 'react';
import { LoadMore } from './load-more';

/** What a keyset-paged list's infinite query gives a page: the pages so far and how to ask for the next. */
interface PagedQuery<T> {
  data: { pages: { items: T[] }[] } | undefined;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** The rows of every page read so far, and the next page on demand (never twice at once). */
export function usePagedRows<T>({ data, hasNextPage, isFetchingNextPage, fetchNextPage }: PagedQuery<T>) {
  const rows = useMemo(() => data?.pages.flatMap((page) => page.items) ?? [], [data]);
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  return { rows, hasMore: hasNextPage, loadingMore: isFetchingNextPage, loadMore };
}

interface PagedTableProps {
  /** The column headings, in order. */
  columns: string[];
  /** While the first page is on its way. */
  pending: boolean;
  pendingText: string;
  /** With no row to show. */
  empty: boolean;
  emptyText: string;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  /** The rows: one <tr> each. */
  children: ReactNode;
}

/** A list page's table: its headings, a word while loading or when nothing matches, more rows as it scrolls. */
export function PagedTable({
  columns,
  pending,
  pendingText,
  empty,
  emptyText,
  hasMore,
  loadingMore,
  onLoadMore,
  children,
}: PagedTableProps) {
  if (pending) return <p>{pendingText}</p>;
  if (empty) return <p>{emptyText}</p>;
  return (
    <div>
      <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-700">
        <thead>
          <tr className="text-left text-slate-600 dark:text-slate-300">
            {columns.map((column) => (
              <th key={column} scope="col" className="py-2 pr-4 font-medium">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">{children}</tbody>
      </table>
      <LoadMore hasMore={hasMore} loading={loadingMore} onLoadMore={onLoadMore} />
    </div>
  );
}
