import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { BarChart } from '@/components/bar-chart';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { useRecordOptions, type RecordKind } from '@/lib/record-options';
import { downloadReport, useReport } from '../api/reports';
import { chartBars, formatCell } from '../utils/cells';
import {
  filterFromSearch,
  isReportName,
  reportLabels,
  reportNames,
  type ReportFilter,
  type ReportName,
} from '../utils/filters';

export function ReportsRoute() {
  const [search, setSearch] = useSearchParams();
  const name: ReportName = isReportName(search.get('report'))
    ? (search.get('report') as ReportName)
    : 'pipeline';
  const filter = filterFromSearch(search);
  const report = useReport(name, filter);
  const [downloading, setDownloading] = useState<'csv' | 'pdf' | null>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);

  const setFilter = (key: keyof ReportFilter, value: string) => {
    setSearch(
      (old) => {
        const next = new URLSearchParams(old);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };

  const download = async (format: 'csv' | 'pdf') => {
    setDownloading(format);
    setDownloadError(null);
    try {
      await downloadReport(name, filter, format);
    } catch (error) {
      setDownloadError(error);
    } finally {
      setDownloading(null);
    }
  };

  const view = report.data?.report === name ? report.data : undefined;
  const rows = (view?.rows ?? []) as Record<string, unknown>[];
  const labelColumn = view?.columns.find((c) => c.key === view.chart.label);
  const valueColumn = view?.columns.find((c) => c.key === view.chart.value);
  const linkFor = (report: ReportName) => {
    const next = new URLSearchParams(search);
    next.set('report', report);
    return `/app/reports?${next.toString()}`;
  };

  return (
    <div className="space-y-6">
      <PageHeader title="Reports">
        <Button variant="secondary" disabled={downloading !== null} onClick={() => void download('csv')}>
          {downloading === 'csv' ? 'Preparing CSV…' : 'Download CSV'}
        </Button>
        <Button variant="secondary" disabled={downloading !== null} onClick={() => void download('pdf')}>
          {downloading === 'pdf' ? 'Preparing PDF…' : 'Download PDF'}
        </Button>
      </PageHeader>
      <nav aria-label="Reports">
        <ul className="flex flex-wrap gap-2">
          {reportNames.map((report) => (
            <li key={report}>
              <Link
                to={linkFor(report)}
                aria-current={report === name ? 'page' : undefined}
                className={`block rounded-md px-3 py-1.5 text-sm font-medium ${
                  report === name
                    ? 'bg-indigo-600 text-white'
                    : 'border border-slate-300 text-slate-800 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-100 dark:hover:bg-slate-800'
                }`}
              >
                {reportLabels[report]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <form
        aria-label="Report filters"
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5"
        onSubmit={(event) => event.preventDefault()}
      >
        <TextField
          label="From"
          type="date"
          value={filter.from}
          onChange={(e) => setFilter('from', e.target.value)}
        />
        <TextField
          label="To"
          type="date"
          value={filter.to}
          onChange={(e) => setFilter('to', e.target.value)}
        />
        <RecordFilter
          label="Owner"
          kind="user"
          value={filter.ownerId}
          onChange={(v) => setFilter('ownerId', v)}
        />
        <RecordFilter
          label="Group"
          kind="group"
          value={filter.groupId}
          onChange={(v) => setFilter('groupId', v)}
        />
        <RecordFilter
          label="Project"
          kind="project"
          value={filter.projectId}
          onChange={(v) => setFilter('projectId', v)}
        />
      </form>
      <FormAlert error={report.error ?? downloadError} fields={[]} />
      {!view ? (
        report.isPending || report.isFetching ? (
          <p>Loading the report…</p>
        ) : null
      ) : (
        <section aria-labelledby="report-title" className="space-y-4" aria-busy={report.isFetching}>
          <div>
            <h2 id="report-title" className="text-xl font-semibold">
              {view.title}
            </h2>
            <p className="text-sm text-slate-600 dark:text-slate-300">
              {view.tenant} · generated {new Date(String(view.generatedAt)).toLocaleString()}
            </p>
          </div>
          {rows.length === 0 ? (
            <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-600 dark:text-slate-300">
              No figures for these filters.
            </p>
          ) : (
            <>
              {labelColumn && valueColumn && (
                <div className="h-72 rounded-lg border border-slate-200 p-3 dark:border-slate-700">
                  <BarChart
                    bars={chartBars(rows, labelColumn.key, valueColumn.key, labelColumn.kind)}
                    caption={`${view.title}: ${valueColumn.title} by ${labelColumn.title.toLowerCase()}`}
                    labelTitle={labelColumn.title}
                    valueTitle={valueColumn.title}
                    format={(value) => formatCell(value, valueColumn.kind)}
                  />
                </div>
              )}
              {/* Focusable, so that a keyboard can scroll a table wider than the page. */}
              <div
                role="region"
                aria-label={`${view.title} table`}
                // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrollable region needs focus to scroll by keyboard
                tabIndex={0}
                className="overflow-x-auto rounded-lg border border-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700"
              >
                <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-700">
                  <caption className="sr-only">{view.title}</caption>
                  <thead className="bg-slate-50 dark:bg-slate-800">
                    <tr>
                      {view.columns.map((column) => (
                        <th
                          key={column.key}
                          scope="col"
                          className={`px-3 py-2 font-semibold ${column.kind === 'text' || column.kind === 'date' ? 'text-left' : 'text-right'}`}
                        >
                          {column.title}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
                    {rows.map((row, i) => (
                      <tr key={i}>
                        {view.columns.map((column) => (
                          <td
                            key={column.key}
                            className={`px-3 py-2 ${column.kind === 'text' || column.kind === 'date' ? 'text-left' : 'text-right tabular-nums'}`}
                          >
                            {formatCell(row[column.key], column.kind)}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      )}
    </div>
  );
}

function RecordFilter({
  label,
  kind,
  value,
  onChange,
}: {
  label: string;
  kind: RecordKind;
  value: string;
  onChange: (value: string) => void;
}) {
  const options = useRecordOptions(kind);
  return (
    <SelectField
      label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      options={[{ value: '', label: options.isPending ? 'Loading…' : 'All' }, ...(options.data ?? [])]}
    />
  );
}
