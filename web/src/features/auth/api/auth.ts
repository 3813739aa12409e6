import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, sessionFromTokens, unwrap } from '@/lib/api-client';
import { sessionStore } from '@/lib/session';

export interface SignUpInput {
  name: string;
  slug: string;
  owner: { name: string; email: string; password: string };
}

/** Creates the workspace and its owner, who is signed in at once. */
export function useSignUp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SignUpInput) => unwrap(api.POST('/api/v1/tenants', { body: input })),
    onSuccess: (created) => {
      queryClient.clear();
      const { id, name, email } = created.user;
      sessionStore.set(sessionFromTokens(created.tenant.id, created, { id, name, email }));
    },
  });
}

export interface LoginInput {
  workspace: string;
  email: string;
  password: string;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: LoginInput) => {
      const workspace = input.workspace.trim().toLowerCase();
      const pair = await unwrap(
        api.POST('/api/v1/auth/login', {
          params: { header: { 'X-Tenant-Id': workspace } },
          body: { email: input.email, password: input.password },
        }),
      );
      return { workspace, pair };
    },
    onSuccess: ({ workspace, pair }) => {
      queryClient.clear();
      const { id, name, email } = pair.user;
      sessionStore.set(sessionFromTokens(workspace, pair, { id, name, email }));
    },
  });
}

/** Revokes this session's refresh tokens on the server, then forgets them here, whatever the server said. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await api.POST('/api/v1/auth/logout', {});
      } catch {
        // Offline: the tokens are forgotten here all the same; the refresh token expires on its own.
      }
    },
    onSettled: () => {
      sessionStore.set(null);
      queryClient.clear();
    },
  });
}
