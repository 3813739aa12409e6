export const reportNames = ['pipeline', 'funnel', 'agents', 'inventory', 'activity'] as const;
export type ReportName = (typeof reportNames)[number];

export const reportLabels: Record<ReportName, string> = {
  pipeline: 'Pipeline',
  funnel: 'Lead funnel',
  agents: 'Agents',
  inventory: 'Inventory',
  activity: 'Activity',
};

/** The filters as the page's URL keeps them: dates as yyyy-mm-dd (the browser's day), ids as given. */
export interface ReportFilter {
  from: string;
  to: string;
  ownerId: string;
  groupId: string;
  projectId: string;
}

const filterKeys = ['from', 'to', 'ownerId', 'groupId', 'projectId'] as const;

export function isReportName(value: string | null): value is ReportName {
  return (reportNames as readonly string[]).includes(value ?? '');
}

export function filterFromSearch(search: URLSearchParams): ReportFilter {
  const filter: ReportFilter = { from: '', to: '', ownerId: '', groupId: '', projectId: '' };
  for (const key of filterKeys) filter[key] = search.get(key) ?? '';
  return filter;
}

/**
 * The API's query for the filters: `from` is the start of its day and `to` the end of its day (the whole day
 * counts), both in the browser's time zone; empty filters are left out.
 */
export function reportQuery(filter: ReportFilter): Record<string, string> {
  const query: Record<string, string> = {};
  const day = (value: string, end: boolean) => {
    const [y, m, d] = value.split('-').map(Number);
    if (!y || !m || !d) return null;
    const date = end ? new Date(y, m - 1, d + 1) : new Date(y, m - 1, d);
    return date.toISOString();
  };
  const from = filter.from ? day(filter.from, false) : null;
  const to = filter.to ? day(filter.to, true) : null;
  if (from) query.from = from;
  if (to) query.to = to;
  if (filter.ownerId) query.ownerId = filter.ownerId;
  if (filter.groupId) query.groupId = filter.groupId;
  if (filter.projectId) query.projectId = filter.projectId;
  return query;
}
