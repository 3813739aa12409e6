import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, sessionFromTokens, unwrap } from '@/lib/api-client';
import { sessionStore } from '@/lib/session';
import type { components } from '@/types/api.gen';

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
    onSuccess: (created) => startSession(queryClient, created.tenant.id, created),
  });
}

export interface LoginInput {
  workspace: string;
  email: string;
  password: string;
}

/** What the password bought: a session, or, when the workspace asks for a code by SMS, the challenge to answer with it. */
export type LoginResult =
  | { workspace: string; pair: TokenPair; challenge?: undefined }
  | { workspace: string; challenge: SecondFactorChallenge; pair?: undefined };

type TokenPair = components['schemas']['TokenPair'];
export type SecondFactorChallenge = components['schemas']['SecondFactorChallenge'];

function startSession(queryClient: QueryClient, workspace: string, pair: TokenPair) {
  queryClient.clear();
  const { id, name, email } = pair.user;
  sessionStore.set(sessionFromTokens(workspace, pair, { id, name, email }));
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: LoginInput): Promise<LoginResult> => {
      const workspace = input.workspace.trim().toLowerCase();
      const answer = await unwrap(
        api.POST('/api/v1/auth/login', {
          params: { header: { 'X-Tenant-Id': workspace } },
          body: { email: input.email, password: input.password },
        }),
      );
      return 'challenge' in answer ? { workspace, challenge: answer } : { workspace, pair: answer };
    },
    onSuccess: ({ workspace, pair }) => {
      if (pair) startSession(queryClient, workspace, pair);
    },
  });
}

/** Answers the login's challenge with the code sent by SMS; signs in on success. */
export function useCompleteSecondFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { workspace: string; challenge: string; code: string }) => {
      const pair = await unwrap(
        api.POST('/api/v1/auth/login/second-factor', {
          body: { challenge: input.challenge, code: input.code.trim() },
        }),
      );
      return { workspace: input.workspace, pair };
    },
    onSuccess: ({ workspace, pair }) => startSession(queryClient, workspace, pair),
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
