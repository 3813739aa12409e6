import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { Disposition } from '@/lib/dispositions';
import type { components } from '@/types/api.gen';

export type Contact = components['schemas']['ContactInfo'];
export type SaveContact = components['schemas']['SaveContactRequest'];
export type Company = components['schemas']['CompanyInfo'];
export type SaveCompany = components['schemas']['SaveCompanyRequest'];

const pageSize = 50;

/** Keyset paging: each page asks for the rows after the previous page's cursor. */
export const contactsQuery = (q: string) =>
  infiniteQueryOptions({
    queryKey: ['contacts', 'list', q],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/contacts', {
          params: {
            query: { limit: pageSize, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const companiesQuery = (q: string) =>
  infiniteQueryOptions({
    queryKey: ['companies', 'list', q],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/companies', {
          params: {
            query: { limit: pageSize, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const useContacts = (q: string) => useInfiniteQuery(contactsQuery(q));
export const useCompanies = (q: string) => useInfiniteQuery(companiesQuery(q));

export const contactQuery = (id: string) =>
  queryOptions({
    queryKey: ['contacts', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } }, signal })),
  });

export const companyQuery = (id: string) =>
  queryOptions({
    queryKey: ['companies', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/companies/{id}', { params: { path: { id } }, signal })),
  });

export const useContact = (id: string) => useQuery(contactQuery(id));
export const useCompany = (id: string) => useQuery(companyQuery(id));

/** The first 200 companies by name: the contact form's choices and the list's company names. */
export const companyChoicesQuery = () =>
  queryOptions({
    queryKey: ['companies', 'choices'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/companies', { params: { query: { limit: 200, sort: 'name' } } }))).items,
    staleTime: 60_000,
  });

export const useCompanyChoices = () => useQuery(companyChoicesQuery());

export const companyContactsQuery = (companyId: string) =>
  infiniteQueryOptions({
    // Under 'contacts', so that a saved contact refreshes the company pages' lists too.
    queryKey: ['contacts', 'company', companyId],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/companies/{id}/contacts', {
          params: {
            path: { id: companyId },
            query: { limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const useCompanyContacts = (companyId: string) => useInfiniteQuery(companyContactsQuery(companyId));

/** The newest entries of a record's timeline: activities, tasks, field changes, approvals. */
export const timelineQuery = (type: 'contact' | 'company', id: string) =>
  queryOptions({
    queryKey: ['timeline', type, id],
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api.GET('/api/v1/entities/{type}/{id}/timeline', {
            params: { path: { type, id }, query: { limit: 20 } },
            signal,
          }),
        )
      ).items,
  });

export const useTimeline = (type: 'contact' | 'company', id: string) => useQuery(timelineQuery(type, id));

/** Logs a call to the contact; its timeline is read again to show it. */
export function useLogContactCall(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (call: { disposition: Disposition; durationSeconds: number; notes: string }) =>
      unwrap(
        api.POST('/api/v1/contacts/{id}/calls', {
          params: { path: { id } },
          body: {
            disposition: call.disposition,
            durationSeconds: call.durationSeconds,
            ...(call.notes.trim() ? { notes: call.notes.trim() } : {}),
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: timelineQuery('contact', id).queryKey }),
  });
}

export function useCreateContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (contact: SaveContact) => unwrap(api.POST('/api/v1/contacts', { body: contact })),
    onSuccess: (created) => {
      queryClient.setQueryData(contactQuery(created.id).queryKey, created);
      return queryClient.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
}

/** Saves changes fenced by the version they were made on: someone else's change in between is a 412. */
export function useUpdateContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ contact, changes }: { contact: Contact; changes: SaveContact }) =>
      unwrap(
        api.PATCH('/api/v1/contacts/{id}', {
          params: { path: { id: contact.id }, header: { 'If-Match': `"${String(contact.version)}"` } },
          body: changes,
        }),
      ),
    onSuccess: (updated) => {
      queryClient.setQueryData(contactQuery(updated.id).queryKey, updated);
      return queryClient.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
}

export function useCreateCompany() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (company: SaveCompany) => unwrap(api.POST('/api/v1/companies', { body: company })),
    onSuccess: (created) => {
      queryClient.setQueryData(companyQuery(created.id).queryKey, created);
      return queryClient.invalidateQueries({ queryKey: ['companies'] });
    },
  });
}

export function useUpdateCompany() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ company, changes }: { company: Company; changes: SaveCompany }) =>
      unwrap(
        api.PATCH('/api/v1/companies/{id}', {
          params: { path: { id: company.id }, header: { 'If-Match': `"${String(company.version)}"` } },
          body: changes,
        }),
      ),
    onSuccess: (updated) => {
      queryClient.setQueryData(companyQuery(updated.id).queryKey, updated);
      return queryClient.invalidateQueries({ queryKey: ['companies'] });
    },
  });
}

export type LinkedDeal = components['schemas']['DealInfo'];

/** A contact's or a company's deals, newest first (the first 100): the deals feature's list, filtered by the link. */
export const linkedDealsQuery = (link: { contactId: string } | { companyId: string }) =>
  queryOptions({
    queryKey: ['deals', 'linked', link],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/deals', { params: { query: { ...link, limit: 100 } }, signal }))).items,
  });
