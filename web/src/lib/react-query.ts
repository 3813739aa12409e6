import { QueryClient, type Query } from '@tanstack/react-query';
import { ApiError } from './problem';

/** When each query last started to fetch (performance.now()), so that a resync can tell older reads from newer. */
const fetchStartedAt = new WeakMap<object, number>();

/** True when the query's data (or the fetch under way) was asked for before `since`, or never fetched here. */
export function readBefore(query: Query, since: number): boolean {
  return (fetchStartedAt.get(query) ?? Number.NEGATIVE_INFINITY) < since;
}

export function createQueryClient() {
  const client = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Client errors (400-499) will not go away by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  });
  client.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'fetch')
      fetchStartedAt.set(event.query, performance.now());
  });
  return client;
}
