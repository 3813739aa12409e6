import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { ifMatch } from './access';

type Schemas = components['schemas'];
export type IntegrationName = 'email' | 'infobip' | 'voip';
export type IntegrationView =
  Schemas['EmailSettingsView'] | Schemas['InfobipSettingsView'] | Schemas['VoipSettingsView'];
export type Billing = Schemas['BillingView'];

/** The stored settings of one integration, secrets shown only as `{ set }`. */
export const integrationQuery = (name: IntegrationName) =>
  queryOptions({
    queryKey: ['settings', 'integrations', name],
    queryFn: ({ signal }): Promise<IntegrationView> => {
      switch (name) {
        case 'email':
          return unwrap(api.GET('/api/v1/integrations/email', { signal }));
        case 'infobip':
          return unwrap(api.GET('/api/v1/integrations/infobip', { signal }));
        case 'voip':
          return unwrap(api.GET('/api/v1/integrations/voip', { signal }));
      }
    },
  });

export const useIntegration = (name: IntegrationName) => useQuery(integrationQuery(name));

/** Replaces an integration's settings (PUT with If-Match); a secret left null keeps the stored one. */
export function useSaveIntegration(name: IntegrationName) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ version, body }: { version: number | string; body: Record<string, unknown> }) => {
      const params = { header: ifMatch(version) };
      switch (name) {
        case 'email':
          return unwrap(api.PUT('/api/v1/integrations/email', { params, body }));
        case 'infobip':
          return unwrap(api.PUT('/api/v1/integrations/infobip', { params, body }));
        case 'voip':
          return unwrap(api.PUT('/api/v1/integrations/voip', { params, body }));
      }
    },
    onSuccess: (saved: IntegrationView) => queryClient.setQueryData(integrationQuery(name).queryKey, saved),
  });
}

export const billingQuery = () =>
  queryOptions({
    queryKey: ['settings', 'billing'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/billing', { signal })),
  });

export const useBilling = () => useQuery(billingQuery());

/** Opens Stripe Checkout for a plan, or the Billing Portal: the server answers the session's URL to go to. */
export function useBillingSession() {
  return useMutation({
    mutationFn: (target: { checkout: string } | 'portal') =>
      target === 'portal'
        ? unwrap(api.POST('/api/v1/billing/portal', {}))
        : unwrap(api.POST('/api/v1/billing/checkout', { body: { plan: target.checkout } })),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}
