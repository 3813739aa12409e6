import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

export type Channel = 'email' | 'mobile';

/** The signed-in user (the same query key as the profile page, so both show one answer). */
export const meQuery = () =>
  queryOptions({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/api/v1/me', {})) });

export const useMe = () => useQuery(meQuery());

/** Sends a code through the notification channels (to the address or number on the profile). */
export function useRequestCode(channel: Channel) {
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/auth/verify/{channel}/request', {
          params: { path: { channel } },
        }),
      ),
  });
}

export function useConfirmCode(channel: Channel) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) =>
      unwrap(
        api.POST('/api/v1/auth/verify/{channel}/confirm', {
          params: { path: { channel } },
          body: { code },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
}
