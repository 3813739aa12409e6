import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { cleanFilter, type LeadFilter } from './leads';

export type ImportReport = components['schemas']['ImportReport'];

/** Downloads the filtered list as CSV (the API streams it; the bearer token rules out a plain link). */
export async function exportLeads(filter: LeadFilter) {
  const blob = await unwrap(
    api.GET('/api/v1/leads/export.csv', { params: { query: cleanFilter(filter) }, parseAs: 'blob' }),
  );
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `leads-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** Sends a CSV file as it is (text/csv); the answer reports each row that was not imported. */
export function useImportLeads() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) =>
      unwrap(
        api.POST('/api/v1/leads/import', {
          body: await file.text(),
          bodySerializer: (body: string) => body,
          headers: { 'Content-Type': 'text/csv' },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['leads', 'list'] }),
  });
}
