import type { ImportReport } from '../api/lead-csv';

/** What an import did: the counts, then each row that was not imported (as the server numbers it) and why. */
export function ImportReportView({ report }: { report: ImportReport }) {
  const problems = [
    ...report.errors.map((problem) => ({ ...problem, outcome: 'Error' })),
    ...report.skippedRows.map((problem) => ({ ...problem, outcome: 'Skipped' })),
  ].sort((a, b) => Number(a.row) - Number(b.row));
  return (
    <div role="status" className="space-y-3 text-sm">
      <p>
        Imported {String(report.imported)}, skipped {String(report.skipped)}
        {problems.length > 0 ? `, ${String(report.errorCount ?? report.errors.length)} with errors` : ''}.
      </p>
      {report.ignoredColumns.length > 0 && <p>Columns ignored: {report.ignoredColumns.join(', ')}.</p>}
      {problems.length > 0 && (
        <table className="min-w-full divide-y divide-slate-200 dark:divide-slate-700">
          <caption className="sr-only">Rows not imported</caption>
          <thead>
            <tr className="text-left">
              <th scope="col" className="py-1 pr-4 font-medium">
                Row
              </th>
              <th scope="col" className="py-1 pr-4 font-medium">
                Outcome
              </th>
              <th scope="col" className="py-1 pr-4 font-medium">
                Reason
              </th>
            </tr>
          </thead>
          <tbody>
            {problems.map((problem) => (
              <tr key={`${problem.outcome}-${String(problem.row)}-${problem.message}`}>
                <td className="py-1 pr-4">{String(problem.row)}</td>
                <td className="py-1 pr-4">{problem.outcome}</td>
                <td className="py-1 pr-4">{problem.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
