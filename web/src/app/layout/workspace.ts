import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

export const workspaceQuery = () =>
  queryOptions({
    queryKey: ['tenant'],
    queryFn: () => unwrap(api.GET('/api/v1/tenant', {})),
    staleTime: 300_000,
  });

export const useWorkspace = () => useQuery(workspaceQuery());
