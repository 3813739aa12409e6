import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { ifMatch } from './access';

export type ApprovalPolicy = components['schemas']['ApprovalPolicyInfo'];
export type SaveApprovalPolicy = components['schemas']['SaveApprovalPolicyRequest'];
export type ApprovalAction = components['schemas']['ApprovalActionInfo'];
export type ConditionOperator = components['schemas']['ConditionOperator'];
export type NotificationRules = components['schemas']['NotificationRules'];
export type NotificationRule = components['schemas']['NotificationRule'];
export type NotificationChannel = components['schemas']['NotificationChannel'];
export type NotificationRecipient = components['schemas']['NotificationRecipient'];

export const approvalPoliciesQuery = () =>
  queryOptions({
    queryKey: ['settings', 'approval-policies'],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/approval-policies', { params: { query: { limit: 200 } }, signal })))
        .items,
  });

export const approvalActionsQuery = () =>
  queryOptions({
    queryKey: ['settings', 'approval-actions'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/approval-policies/actions', { signal })),
    staleTime: Infinity,
  });

export const notificationRulesQuery = () =>
  queryOptions({
    queryKey: ['settings', 'notification-rules'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/notification-rules', { signal })),
  });

export const useApprovalPolicies = () => useQuery(approvalPoliciesQuery());
export const useApprovalActions = () => useQuery(approvalActionsQuery());
export const useNotificationRules = () => useQuery(notificationRulesQuery());

export function useSaveApprovalPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ policy, changes }: { policy: ApprovalPolicy | undefined; changes: SaveApprovalPolicy }) =>
      policy === undefined
        ? unwrap(api.POST('/api/v1/approval-policies', { body: changes }))
        : unwrap(
            api.PATCH('/api/v1/approval-policies/{id}', {
              params: { path: { id: policy.id }, header: ifMatch(policy.version) },
              body: changes,
            }),
          ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: approvalPoliciesQuery().queryKey }),
  });
}

export function useDeleteApprovalPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (policy: ApprovalPolicy) =>
      unwrap(
        api.DELETE('/api/v1/approval-policies/{id}', {
          params: { path: { id: policy.id }, header: ifMatch(policy.version) },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: approvalPoliciesQuery().queryKey }),
  });
}

export function useSaveNotificationRules() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ current, rules }: { current: NotificationRules; rules: NotificationRule[] }) =>
      unwrap(
        api.PUT('/api/v1/notification-rules', {
          params: { header: ifMatch(current.version) },
          body: { rules },
        }),
      ),
    onSuccess: (saved) => queryClient.setQueryData(notificationRulesQuery().queryKey, saved),
  });
}
