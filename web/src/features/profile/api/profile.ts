import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import { sessionStore } from '@/lib/session';

export const meQuery = () =>
  queryOptions({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/api/v1/me', {})) });

export const useMe = () => useQuery(meQuery());

export function useUpdateName() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(api.PATCH('/api/v1/me', { body: { name } })),
    onSuccess: (user) => {
      const session = sessionStore.get();
      if (session) sessionStore.set({ ...session, user: { ...session.user, name: user.name } });
      return queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
}

/**
 * Changes the password. The server signs every other session out and gives this one a new access token (its
 * refresh token stays as it was).
 */
export function useChangePassword() {
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) =>
      unwrap(api.POST('/api/v1/me/password', { body: input })),
    onSuccess: (token) => {
      const session = sessionStore.get();
      if (session) {
        sessionStore.set({
          ...session,
          accessToken: token.accessToken,
          expiresAt: Date.now() + Number(token.expiresIn) * 1000,
        });
      }
    },
  });
}
