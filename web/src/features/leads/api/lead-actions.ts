import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import { apiErrorFrom } from '@/lib/problem';
import type { Disposition } from '@/lib/dispositions';
import type { components } from '@/types/api.gen';
import { leadQuery } from './leads';

export type Conversion = components['schemas']['LeadConversion'];

/** After an action the lead, the lists and the lead's timeline are read again. */
function useRefreshLead() {
  const queryClient = useQueryClient();
  return (id: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: leadQuery(id).queryKey }),
      queryClient.invalidateQueries({ queryKey: ['leads', 'list'] }),
      queryClient.invalidateQueries({ queryKey: ['timeline', 'lead', id] }),
    ]);
}

export function useLogLeadCall(id: string) {
  const refresh = useRefreshLead();
  return useMutation({
    mutationFn: (call: {
      disposition: Disposition;
      durationSeconds: number;
      notes: string;
      callbackAt: string | null;
    }) =>
      unwrap(
        api.POST('/api/v1/leads/{id}/calls', {
          params: { path: { id } },
          body: {
            disposition: call.disposition,
            durationSeconds: call.durationSeconds,
            ...(call.notes.trim() ? { notes: call.notes.trim() } : {}),
            ...(call.callbackAt ? { callbackAt: call.callbackAt } : {}),
          },
        }),
      ),
    onSuccess: () => refresh(id),
  });
}

export function useAddLeadTask(id: string) {
  const refresh = useRefreshLead();
  return useMutation({
    mutationFn: (task: {
      title: string;
      dueAt: string;
      assigneeId: string;
      priority: 'low' | 'normal' | 'high';
    }) => unwrap(api.POST('/api/v1/tasks', { body: { ...task, subject: { type: 'lead', id } } })),
    onSuccess: () => refresh(id),
  });
}

/** Gives the lead to a user; an approval policy may hold it (202), which the caller is told about. */
export function useAssignLead(id: string) {
  const refresh = useRefreshLead();
  return useMutation({
    mutationFn: async (ownerId: string) => {
      const { error, response } = await api.POST('/api/v1/leads/{id}/assign', {
        params: { path: { id } },
        body: { ownerId },
      });
      if (!response.ok) throw apiErrorFrom(response, error);
      return { pending: response.status === 202 };
    },
    onSuccess: () => refresh(id),
  });
}

export function useConvertLead(id: string) {
  const refresh = useRefreshLead();
  return useMutation({
    mutationFn: (request: {
      companyName: string;
      deal: { pipelineId: string; title: string; value: { amount: number; currency: string } } | null;
    }) =>
      unwrap(
        api.POST('/api/v1/leads/{id}/convert', {
          params: { path: { id } },
          body: {
            ...(request.companyName.trim() ? { companyName: request.companyName.trim() } : {}),
            ...(request.deal ? { deal: request.deal } : {}),
          },
        }),
      ),
    onSuccess: () => refresh(id),
  });
}

export const pipelinesQuery = () =>
  queryOptions({
    queryKey: ['pipelines'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/pipelines', {}))).items,
    staleTime: 300_000,
  });

export const usePipelines = () => useQuery(pipelinesQuery());
