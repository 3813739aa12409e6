import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import { useLiveStatus } from '@/lib/use-live';

export const unreadCountQuery = () =>
  queryOptions({
    queryKey: ['notifications', 'unread-count'],
    queryFn: async () => Number((await unwrap(api.GET('/api/v1/notifications/unread-count', {}))).count),
  });

/**
 * The unread count, read again when a notification.created event arrives (the shell's live sync invalidates
 * ['notifications']); polled every 30 s only while the live stream is not open.
 */
export function useUnreadCount() {
  const live = useLiveStatus();
  return useQuery({ ...unreadCountQuery(), refetchInterval: live === 'open' ? false : 30_000 });
}
