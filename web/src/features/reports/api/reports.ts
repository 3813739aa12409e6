import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { reportQuery, type ReportFilter, type ReportName } from '../utils/filters';

export type ReportView = components['schemas']['ReportView'];
export type ReportColumn = components['schemas']['ReportColumn'];

export const reportViewQuery = (name: ReportName, filter: ReportFilter) =>
  queryOptions({
    queryKey: ['reports', name, filter],
    // The JSON answer: the generated type also allows the CSV and PDF bodies, which this call does not ask for.
    queryFn: async ({ signal }) =>
      (await unwrap(
        api.GET('/api/v1/reports/{name}', { params: { path: { name }, query: reportQuery(filter) }, signal }),
      )) as ReportView,
    placeholderData: keepPreviousData,
  });

export const useReport = (name: ReportName, filter: ReportFilter) => useQuery(reportViewQuery(name, filter));

/** The file name the server gave (Content-Disposition), or one made of the report's name. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '');
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition ?? '');
  return plain?.[1] ?? fallback;
}

/**
 * Downloads the report as CSV or PDF. The API wants the bearer token, which a plain link cannot send, so the file
 * is fetched and handed to the browser as a blob.
 */
export async function downloadReport(name: ReportName, filter: ReportFilter, format: 'csv' | 'pdf') {
  const { data, response } = await api.GET('/api/v1/reports/{name}', {
    params: { path: { name }, query: { ...reportQuery(filter), format } },
    parseAs: 'blob',
  });
  const blob = await unwrap(Promise.resolve({ data, response, error: undefined }));
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileNameOf(response.headers.get('Content-Disposition'), `${name}.${format}`);
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
