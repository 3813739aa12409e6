import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

export const unreadCountQuery = () =>
  queryOptions({
    queryKey: ['notifications', 'unread-count'],
    queryFn: async () => Number((await unwrap(api.GET('/api/v1/notifications/unread-count', {}))).count),
    // Polled until the live stream drives it (part 2 of the web dashboard).
    refetchInterval: 30_000,
  });

export const useUnreadCount = () => useQuery(unreadCountQuery());
