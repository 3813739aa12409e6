import { useCallback, useMemo, useState } from 'react';
import { Button } from '@/components/button';
import { Link, useSearchParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { usePagedRows } from '@/components/paged-list';
import {
  cleanFilter,
  useLeads,
  useLeadSources,
  useLeadStatuses,
  useUpdateLead,
  type Lead,
  type LeadFilter,
} from '../api/leads';
import { exportLeads } from '../api/lead-csv';
import { LeadFilters } from '../components/lead-filters';
import { LeadImport } from '../components/lead-import';
import { LeadTable } from '../components/lead-table';

const filterKeys = ['q', 'status', 'source', 'ownerId', 'groupId'] as const;

/** The lead list; its filters live in the URL, so a filtered list can be bookmarked and the back button works. */
export function LeadsListRoute() {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => {
    const result: LeadFilter = {};
    for (const key of filterKeys) {
      const value = params.get(key);
      if (value) result[key] = value;
    }
    return result;
  }, [params]);
  const setFilter = useCallback(
    (next: LeadFilter) => setParams(cleanFilter(next) as Record<string, string>, { replace: true }),
    [setParams],
  );

  const leads = useLeads(filter);
  const statuses = useLeadStatuses();
  const statusName = useCallback(
    (key: string) => statuses.data?.find((s) => s.key === key)?.name ?? key,
    [statuses.data],
  );
  const sources = useLeadSources();
  const sourceName = useCallback(
    (key: string) => sources.data?.find((s) => s.key === key)?.name ?? key,
    [sources.data],
  );
  const { rows, hasMore, loadingMore, loadMore } = usePagedRows(leads);
  // Inline status change: saved at once, fenced by the version the row shows.
  const update = useUpdateLead();
  const { mutate: save } = update;
  const changeStatus = useCallback(
    (lead: Lead, status: string) => save({ lead, changes: { status } }),
    [save],
  );
  const statusList = useMemo(() => statuses.data ?? [], [statuses.data]);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const exportFiltered = () => {
    setExporting(true);
    setExportError(null);
    exportLeads(filter)
      .catch((error: unknown) => setExportError(error))
      .finally(() => setExporting(false));
  };

  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Leads</h1>
        <div className="flex items-center gap-2">
          <Button variant="secondary" onClick={exportFiltered} disabled={exporting}>
            {exporting ? 'Exporting…' : 'Export CSV'}
          </Button>
          <Link
            to="/app/leads/new"
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
          >
            New lead
          </Link>
        </div>
      </div>
      <LeadImport />
      <LeadFilters filter={filter} onChange={setFilter} />
      <FormAlert error={leads.error ?? update.error ?? exportError} fields={[]} />
      {leads.isPending ? (
        <p>Loading leads…</p>
      ) : rows.length === 0 ? (
        <p>No leads match.</p>
      ) : (
        <LeadTable
          leads={rows}
          statuses={statusList}
          onStatusChange={changeStatus}
          statusName={statusName}
          sourceName={sourceName}
          hasMore={hasMore}
          loadingMore={loadingMore}
          onLoadMore={loadMore}
        />
      )}
    </div>
  );
}
