import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { withDealMoved, withDealSaved } from '../utils/board';

export type Deal = components['schemas']['DealInfo'];
export type SaveDeal = components['schemas']['SaveDealRequest'];
export type Pipeline = components['schemas']['PipelineInfo'];
export type ApprovalTicket = components['schemas']['ApprovalTicket'];
export type DealStatus = Deal['status'];

/** A board shows at most this many deals of a stage set (pages of 200, read one after another). */
const boardLimit = 1000;

export const pipelinesQuery = () =>
  queryOptions({
    queryKey: ['pipelines'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/pipelines', { params: { query: { limit: 200 } } }))).items,
    staleTime: 300_000,
  });

export const usePipelines = () => useQuery(pipelinesQuery());

/** Every deal of one pipeline in one status, for the board: its columns need all of them, not a page. */
export const boardQuery = (pipelineId: string, status: DealStatus) =>
  queryOptions({
    queryKey: ['deals', 'board', pipelineId, status],
    queryFn: async ({ signal }) => {
      const deals: Deal[] = [];
      let cursor: string | null = null;
      do {
        const page: components['schemas']['PageOfDealInfo'] = await unwrap(
          api.GET('/api/v1/deals', {
            params: { query: { pipelineId, status, limit: 200, ...(cursor ? { cursor } : {}) } },
            signal,
          }),
        );
        deals.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null && deals.length < boardLimit);
      return deals;
    },
    enabled: pipelineId !== '',
  });

export const useBoard = (pipelineId: string, status: DealStatus) => useQuery(boardQuery(pipelineId, status));

export const dealQuery = (id: string) =>
  queryOptions({
    queryKey: ['deals', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/deals/{id}', { params: { path: { id } }, signal })),
  });

export const useDeal = (id: string) => useQuery(dealQuery(id));

/** Saves an open deal's fields, fenced by the version it was read at: someone else's change in between is a 412. */
export function useUpdateDeal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ deal, changes }: { deal: Deal; changes: SaveDeal }) =>
      unwrap(
        api.PATCH('/api/v1/deals/{id}', {
          params: { path: { id: deal.id }, header: { 'If-Match': `"${String(deal.version)}"` } },
          body: changes,
        }),
      ),
    onSuccess: (updated) => {
      queryClient.setQueryData(dealQuery(updated.id).queryKey, updated);
      return queryClient.invalidateQueries({ queryKey: ['deals'] });
    },
  });
}

/**
 * Moves a deal to another stage. The board shows the move at once; if the server refuses it (or cannot be
 * reached), the card goes back where it was and the error is the mutation's.
 */
export function useMoveDeal(pipelineId: string) {
  const queryClient = useQueryClient();
  const key = boardQuery(pipelineId, 'open').queryKey;
  return useMutation({
    mutationFn: ({ deal, stageId }: { deal: Deal; stageId: string }) =>
      unwrap(api.POST('/api/v1/deals/{id}/move', { params: { path: { id: deal.id } }, body: { stageId } })),
    onMutate: async ({ deal, stageId }) => {
      // A board read still under way would overwrite the optimistic move with what was there before.
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData(key);
      queryClient.setQueryData(key, (deals) => withDealMoved(deals ?? [], deal.id, stageId));
      return { before };
    },
    onError: (_error, _move, context) => {
      if (context?.before) queryClient.setQueryData(key, context.before);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(key, (deals) => withDealSaved(deals ?? [], saved, 'open'));
      queryClient.setQueryData(dealQuery(saved.id).queryKey, saved);
    },
  });
}

/** Whether an action was done (the deal as it is now) or is waiting for approval (the ticket). */
export type DealActionResult = { done: Deal } | { pending: ApprovalTicket };

function resultOf(answer: Deal | ApprovalTicket): DealActionResult {
  return 'approvalId' in answer ? { pending: answer } : { done: answer };
}

function useDealAction<T>(send: (deal: Deal, input: T) => Promise<Deal | ApprovalTicket>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ deal, input }: { deal: Deal; input: T }) => resultOf(await send(deal, input)),
    onSuccess: (result, { deal }) => {
      if ('done' in result) queryClient.setQueryData(dealQuery(deal.id).queryKey, result.done);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: ['deals'] }),
        queryClient.invalidateQueries({ queryKey: ['approvals', 'deal'] }),
      ]);
    },
  });
}

export const useWinDeal = () =>
  useDealAction((deal, reason: string | null) =>
    unwrap(api.POST('/api/v1/deals/{id}/win', { params: { path: { id: deal.id } }, body: { reason } })),
  );

export const useLoseDeal = () =>
  useDealAction((deal, reason: string) =>
    unwrap(api.POST('/api/v1/deals/{id}/lose', { params: { path: { id: deal.id } }, body: { reason } })),
  );

export const useDiscountDeal = () =>
  useDealAction((deal, discountPercent: number) =>
    unwrap(
      api.POST('/api/v1/deals/{id}/discount', {
        params: { path: { id: deal.id } },
        body: { discountPercent },
      }),
    ),
  );

export function useCreateDeal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deal: SaveDeal) => unwrap(api.POST('/api/v1/deals', { body: deal })),
    onSuccess: (created) => {
      queryClient.setQueryData(dealQuery(created.id).queryKey, created);
      return queryClient.invalidateQueries({ queryKey: ['deals', 'board'] });
    },
  });
}

/** Approval requests about a deal still waiting for a decision: the deal shows them as "awaiting approval". */
export const pendingApprovalsQuery = (dealId: string) =>
  queryOptions({
    queryKey: ['approvals', 'deal', dealId],
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api.GET('/api/v1/approvals', {
            params: { query: { subjectType: 'deal', subjectId: dealId, status: 'pending' } },
            signal,
          }),
        )
      ).items,
  });

export const usePendingApprovals = (dealId: string) => useQuery(pendingApprovalsQuery(dealId));

/**
 * One approval request, under the approvals pages' key: the deal follows the request it just sent until it is
 * decided (approval events make ['approvals'] stale, so the outcome shows without a reload).
 */
export const approvalRequestQuery = (id: string) =>
  queryOptions({
    queryKey: ['approvals', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/approvals/{id}', { params: { path: { id } }, signal })),
  });

/** The deals with an approval request waiting (the first 200 requests): their cards say "Awaiting approval". */
export const dealsAwaitingApprovalQuery = () =>
  queryOptions({
    queryKey: ['approvals', 'deal', 'board'],
    queryFn: async ({ signal }) => {
      const page = await unwrap(
        api.GET('/api/v1/approvals', {
          params: { query: { subjectType: 'deal', status: 'pending', limit: 200 } },
          signal,
        }),
      );
      return new Set(page.items.map((approval) => approval.subject.id));
    },
  });

export const useDealsAwaitingApproval = () => useQuery(dealsAwaitingApprovalQuery());

/** The records a deal links, for their names: each is read on its own (the detail page shows a handful). */
export const contactNameQuery = (id: string) =>
  queryOptions({
    queryKey: ['contacts', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } }, signal })),
  });

export const companyNameQuery = (id: string) =>
  queryOptions({
    queryKey: ['companies', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/companies/{id}', { params: { path: { id } }, signal })),
  });

export const leadNameQuery = (id: string) =>
  queryOptions({
    queryKey: ['leads', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/leads/{id}', { params: { path: { id } }, signal })),
  });

export const unitQuery = (id: string) =>
  queryOptions({
    queryKey: ['units', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/units/{id}', { params: { path: { id } }, signal })),
  });

/** The first 200 contacts and companies by name, for the pickers of the deal form. */
export const contactChoicesQuery = () =>
  queryOptions({
    queryKey: ['contacts', 'choices'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/contacts', { params: { query: { limit: 200, sort: 'name' } } }))).items,
    staleTime: 60_000,
  });

export const companyChoicesQuery = () =>
  queryOptions({
    queryKey: ['companies', 'choices'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/companies', { params: { query: { limit: 200, sort: 'name' } } }))).items,
    staleTime: 60_000,
  });

export const tenantCurrencyQuery = () =>
  queryOptions({
    queryKey: ['tenant'],
    queryFn: () => unwrap(api.GET('/api/v1/tenant', {})),
    staleTime: 300_000,
    select: (tenant) => tenant.settings.currency,
  });

/** The newest entries of a deal's timeline (stage moves, field changes, activities, tasks, approvals). */
export const timelineQuery = (dealId: string) =>
  queryOptions({
    queryKey: ['timeline', 'deal', dealId],
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api.GET('/api/v1/entities/{type}/{id}/timeline', {
            params: { path: { type: 'deal', id: dealId }, query: { limit: 20 } },
            signal,
          }),
        )
      ).items,
  });
