import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { ifMatch } from './access';

export type Workspace = components['schemas']['TenantInfo'];
export type WorkspaceSettings = components['schemas']['TenantSettings'];

export const workspaceQuery = () =>
  queryOptions({
    queryKey: ['settings', 'workspace'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/tenant', { signal })),
  });

export const useWorkspace = () => useQuery(workspaceQuery());

/** Saves the workspace's name and settings (PATCH /tenant with If-Match). */
export function useSaveWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      version,
      name,
      settings,
    }: {
      version: number | string;
      name: string;
      settings: WorkspaceSettings;
    }) =>
      unwrap(api.PATCH('/api/v1/tenant', { params: { header: ifMatch(version) }, body: { name, settings } })),
    onSuccess: (saved) => queryClient.setQueryData(workspaceQuery().queryKey, saved),
  });
}
