import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import { apiErrorFrom } from '@/lib/problem';
import type { Disposition } from '@/lib/dispositions';
import type { components } from '@/types/api.gen';

export type CallQueue = components['schemas']['CallQueueInfo'];
export type CalledLead = components['schemas']['LeadInfo'];
export { dispositions, type Disposition } from '@/lib/dispositions';

export const callQueuesQuery = () =>
  queryOptions({
    queryKey: ['call-queues'],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/call-queues', { params: { query: { limit: 200 } }, signal }))).items,
    staleTime: 60_000,
  });

const meQuery = () =>
  queryOptions({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/api/v1/me', {})), staleTime: 60_000 });

const groupsQuery = () =>
  queryOptions({
    queryKey: ['groups'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/groups', { params: { query: { limit: 200 } } }))).items,
    staleTime: 300_000,
  });

/**
 * The queues the caller takes leads from: those of the groups they belong to, or every queue for someone who
 * holds leads.assign at scope all (the API lets them take from any queue).
 */
export function useCallQueues() {
  const queues = useQuery(callQueuesQuery());
  const me = useQuery(meQuery());
  const groups = useQuery(groupsQuery());
  const pending = queues.isPending || me.isPending || groups.isPending;
  let data: CallQueue[] | undefined;
  if (!pending && queues.data) {
    const userId = me.data?.user.id;
    const anyQueue = me.data?.permissions['leads.assign'] === 'all';
    const mine = new Set(
      (groups.data ?? [])
        .filter((group) => userId && group.memberIds.includes(userId))
        .map((group) => group.id),
    );
    data = anyQueue ? queues.data : queues.data.filter((queue) => mine.has(queue.groupId));
  }
  return { data, isPending: pending, error: queues.error ?? me.error ?? groups.error };
}

/** Takes the queue's next due lead, locked to the caller; null when none is due (204). */
export function useNextLead() {
  return useMutation({
    mutationFn: async (queueId: string): Promise<CalledLead | null> => {
      const { data, error, response } = await api.POST('/api/v1/call-queues/{id}/next', {
        params: { path: { id: queueId } },
      });
      if (response.status === 204) return null;
      if (!response.ok) throw apiErrorFrom(response, error);
      return data ?? null;
    },
  });
}

export interface LoggedCall {
  leadId: string;
  disposition: Disposition;
  durationSeconds: number;
  notes: string;
  /** ISO time, for a callback only. */
  callbackAt: string | null;
  /** One per lead taken: a second click of Save (or a retry after a lost answer) logs the call once. */
  idempotencyKey: string;
}

/** Logs the call on the lead (an activity), which also ends the lock and schedules the retry or callback. */
export function useLogCall() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (call: LoggedCall) =>
      unwrap(
        api.POST('/api/v1/leads/{id}/calls', {
          params: { path: { id: call.leadId }, header: { 'Idempotency-Key': call.idempotencyKey } },
          body: {
            disposition: call.disposition,
            durationSeconds: call.durationSeconds,
            ...(call.notes.trim() ? { notes: call.notes.trim() } : {}),
            ...(call.callbackAt ? { callbackAt: call.callbackAt } : {}),
          },
        }),
      ),
    onSuccess: (lead) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['leads'] }),
        queryClient.invalidateQueries({ queryKey: ['timeline', 'lead', lead.id] }),
      ]),
  });
}
