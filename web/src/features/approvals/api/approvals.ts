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

export type Approval = components['schemas']['ApprovalInfo'];
export type ApprovalStatus = components['schemas']['ApprovalStatus'];

/** Whose requests the inbox lists: those waiting for the caller's decision, or those the caller asked for. */
export type Mine = 'awaiting' | 'requested';

export interface ApprovalFilter {
  mine: Mine;
  status?: ApprovalStatus;
}

const pageSize = 50;

/** Keyset paging: each page asks for the requests after the previous page's cursor. */
export const approvalsQuery = ({ mine, status }: ApprovalFilter) =>
  infiniteQueryOptions({
    queryKey: ['approvals', 'list', mine, status ?? ''],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/approvals', {
          params: {
            query: {
              mine,
              limit: pageSize,
              ...(status ? { status } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const useApprovals = (filter: ApprovalFilter) => useInfiniteQuery(approvalsQuery(filter));

/** Counted up to this many: the sidebar shows "99+" past it. */
const countLimit = 100;

/** How many pending requests wait for the caller's decision (the sidebar's badge). */
export const awaitingCountQuery = () =>
  queryOptions({
    queryKey: ['approvals', 'awaiting-count'],
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api.GET('/api/v1/approvals', {
            params: { query: { mine: 'awaiting', status: 'pending', limit: countLimit } },
            signal,
          }),
        )
      ).items.length,
  });

export const useAwaitingCount = () => useQuery(awaitingCountQuery());

export const approvalQuery = (id: string) =>
  queryOptions({
    queryKey: ['approvals', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/approvals/{id}', { params: { path: { id } }, signal })),
  });

export const useApproval = (id: string) => useQuery(approvalQuery(id));

/** A user's name for the people of a request (GET /users/{id} needs no permission beyond being signed in). */
export const userNameQuery = (id: string) =>
  queryOptions({
    queryKey: ['users', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id } }, signal })),
    staleTime: 300_000,
    select: (user) => user.name,
  });

/** The name of the deal or lead a request is about (its title, or the lead's name); null for other records. */
export const subjectNameQuery = (subject: Approval['subject']) =>
  queryOptions({
    queryKey: ['approvals', 'subject-name', subject.type, subject.id],
    queryFn: async ({ signal }) => {
      const path = { params: { path: { id: subject.id } }, signal };
      if (subject.type === 'deal') return (await unwrap(api.GET('/api/v1/deals/{id}', path))).title;
      if (subject.type === 'lead') return (await unwrap(api.GET('/api/v1/leads/{id}', path))).name;
      return null;
    },
    staleTime: 60_000,
  });

export type Decision = 'approve' | 'reject' | 'cancel';

/**
 * Approves, rejects or cancels a request. Approve and reject name the level the caller saw, so that a decision
 * someone else took meanwhile is a 409 level_changed rather than a decision on a level the caller never read.
 */
export function useDecideApproval() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      approval,
      decision,
      comment,
    }: {
      approval: Approval;
      decision: Decision;
      comment: string;
    }) => {
      const params = { path: { id: approval.id } };
      const text = comment.trim() === '' ? null : comment.trim();
      if (decision === 'cancel')
        return unwrap(api.POST('/api/v1/approvals/{id}/cancel', { params, body: { comment: text } }));
      const body = { comment: text, level: Number(approval.currentLevel) };
      return decision === 'approve'
        ? unwrap(api.POST('/api/v1/approvals/{id}/approve', { params, body }))
        : unwrap(api.POST('/api/v1/approvals/{id}/reject', { params, body }));
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(approvalQuery(saved.id).queryKey, saved);
      return queryClient.invalidateQueries({ queryKey: ['approvals'] });
    },
  });
}
