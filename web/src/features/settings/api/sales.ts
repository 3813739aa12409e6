import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { ifMatch } from './access';

export type LeadStatus = components['schemas']['LeadStatus'];
export type SaveLeadStatus = components['schemas']['SaveLeadStatusRequest'];
export type LeadSource = components['schemas']['LeadSource'];
export type SaveLeadSource = components['schemas']['SaveLeadSourceRequest'];
export type Pipeline = components['schemas']['PipelineInfo'];
export type SavePipeline = components['schemas']['SavePipelineRequest'];
export type CallQueue = components['schemas']['CallQueueInfo'];
export type SaveCallQueue = components['schemas']['SaveCallQueueRequest'];

// The lead pages read the same lists under these keys, so a status added here shows up in their forms at once.
export const leadStatusesQuery = () =>
  queryOptions({
    queryKey: ['lead-statuses'],
    queryFn: async ({ signal }) => (await unwrap(api.GET('/api/v1/lead-statuses', { signal }))).items,
  });

export const leadSourcesQuery = () =>
  queryOptions({
    queryKey: ['lead-sources'],
    queryFn: async ({ signal }) => (await unwrap(api.GET('/api/v1/lead-sources', { signal }))).items,
  });

export const pipelinesQuery = () =>
  queryOptions({
    queryKey: ['settings', 'pipelines'],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/pipelines', { params: { query: { limit: 200 } }, signal }))).items,
  });

export const callQueuesQuery = () =>
  queryOptions({
    queryKey: ['settings', 'call-queues'],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/call-queues', { params: { query: { limit: 200 } }, signal }))).items,
  });

export const useLeadStatuses = () => useQuery(leadStatusesQuery());
export const useLeadSources = () => useQuery(leadSourcesQuery());
export const usePipelines = () => useQuery(pipelinesQuery());
export const useCallQueues = () => useQuery(callQueuesQuery());

export function useAddLeadStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (status: SaveLeadStatus) => unwrap(api.POST('/api/v1/lead-statuses', { body: status })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: leadStatusesQuery().queryKey }),
  });
}

export function useAddLeadSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (source: SaveLeadSource) => unwrap(api.POST('/api/v1/lead-sources', { body: source })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: leadSourcesQuery().queryKey }),
  });
}

export function useSavePipeline() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ pipeline, changes }: { pipeline: Pipeline | undefined; changes: SavePipeline }) =>
      pipeline === undefined
        ? unwrap(api.POST('/api/v1/pipelines', { body: changes }))
        : unwrap(
            api.PATCH('/api/v1/pipelines/{id}', {
              params: { path: { id: pipeline.id }, header: ifMatch(pipeline.version) },
              body: changes,
            }),
          ),
    // The deals board reads pipelines too.
    onSuccess: () =>
      queryClient.invalidateQueries({ predicate: (query) => query.queryKey.includes('pipelines') }),
  });
}

export function useSaveCallQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ queue, changes }: { queue: CallQueue | undefined; changes: SaveCallQueue }) =>
      queue === undefined
        ? unwrap(api.POST('/api/v1/call-queues', { body: changes }))
        : unwrap(
            api.PATCH('/api/v1/call-queues/{id}', {
              params: { path: { id: queue.id }, header: ifMatch(queue.version) },
              body: changes,
            }),
          ),
    onSuccess: () =>
      queryClient.invalidateQueries({ predicate: (query) => query.queryKey.includes('call-queues') }),
  });
}
