import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';

export type Lead = components['schemas']['LeadInfo'];
export type SaveLead = components['schemas']['SaveLeadRequest'];

export interface LeadFilter {
  q?: string;
  status?: string;
  source?: string;
  ownerId?: string;
  groupId?: string;
}

const pageSize = 50;

/** Drops empty filters, so that the query key and the URL only name what is set. */
export function cleanFilter(filter: LeadFilter): LeadFilter {
  return Object.fromEntries(
    Object.entries(filter).filter(([, value]) => typeof value === 'string' && value !== ''),
  );
}

/** Keyset paging: each page asks for the rows after the previous page's cursor. */
export const leadsQuery = (filter: LeadFilter) =>
  infiniteQueryOptions({
    queryKey: ['leads', 'list', cleanFilter(filter)],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/leads', {
          params: {
            query: {
              ...cleanFilter(filter),
              limit: pageSize,
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const useLeads = (filter: LeadFilter) => useInfiniteQuery(leadsQuery(filter));

export const leadQuery = (id: string) =>
  queryOptions({
    queryKey: ['leads', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/leads/{id}', { params: { path: { id } }, signal })),
  });

export const useLead = (id: string) => useQuery(leadQuery(id));

export function useCreateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (lead: SaveLead) => unwrap(api.POST('/api/v1/leads', { body: lead })),
    onSuccess: (created) => {
      queryClient.setQueryData(leadQuery(created.id).queryKey, created);
      return queryClient.invalidateQueries({ queryKey: ['leads', 'list'] });
    },
  });
}

/** Saves changes to a lead, fenced by the version it was read at: someone else's change in between is a 412. */
export function useUpdateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ lead, changes }: { lead: Lead; changes: SaveLead }) =>
      unwrap(
        api.PATCH('/api/v1/leads/{id}', {
          params: { path: { id: lead.id }, header: { 'If-Match': `"${String(lead.version)}"` } },
          body: changes,
        }),
      ),
    onSuccess: (updated) => {
      if ('id' in updated) {
        queryClient.setQueryData(leadQuery(updated.id).queryKey, updated);
      }
      return queryClient.invalidateQueries({ queryKey: ['leads'] });
    },
  });
}

export const leadStatusesQuery = () =>
  queryOptions({
    queryKey: ['lead-statuses'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/lead-statuses', {}))).items,
    staleTime: 300_000,
  });

export const leadSourcesQuery = () =>
  queryOptions({
    queryKey: ['lead-sources'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/lead-sources', {}))).items,
    staleTime: 300_000,
  });

/** The people a lead can be owned by (the first 200 active users). */
export const ownersQuery = () =>
  queryOptions({
    queryKey: ['users', 'owners'],
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/v1/users', {
            params: { query: { status: 'active', limit: 200, sort: 'name' } },
          }),
        )
      ).items,
    staleTime: 300_000,
  });

/** The tenant's groups (teams), for the group filter. */
export const groupsQuery = () =>
  queryOptions({
    queryKey: ['groups'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/groups', { params: { query: { limit: 200 } } }))).items,
    staleTime: 300_000,
  });

export const useGroups = () => useQuery(groupsQuery());
export const useLeadStatuses = () => useQuery(leadStatusesQuery());
export const useLeadSources = () => useQuery(leadSourcesQuery());
export const useOwners = () => useQuery(ownersQuery());
