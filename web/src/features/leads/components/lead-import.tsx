import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { FormAlert } from '@/components/form-alert';
import { useImportLeads } from '../api/lead-csv';
import { ImportReportView } from './import-report';

/** Import leads from a CSV file (a header row naming lead fields); the report lists each row left out. */
export function LeadImport() {
  const importLeads = useImportLeads();
  const [file, setFile] = useState<File | null>(null);
  const fileId = useId();
  return (
    <details className="rounded-md border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
      <summary className="cursor-pointer px-4 py-2 text-sm font-semibold">Import from CSV</summary>
      <form
        aria-label="Import leads"
        className="space-y-3 border-t border-slate-200 p-4 dark:border-slate-700"
        onSubmit={(event) => {
          event.preventDefault();
          if (file) importLeads.mutate(file);
        }}
      >
        <div>
          <label htmlFor={fileId} className="block text-sm font-medium text-slate-700 dark:text-slate-200">
            CSV file
          </label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            required
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              importLeads.reset();
            }}
            className="mt-1 block text-sm"
          />
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
            A header row, then one lead a row. Columns: name, phone, email, source, status, ownerId, groupId,
            tags (separated by ;), notes, budgetAmount, budgetCurrency. A row is imported whole or not at all;
            a row whose phone or email is already on an open lead is skipped.
          </p>
        </div>
        <FormAlert error={importLeads.error} fields={[]} />
        <Button type="submit" disabled={!file || importLeads.isPending}>
          {importLeads.isPending ? 'Importing…' : 'Import'}
        </Button>
        {importLeads.data && <ImportReportView report={importLeads.data} />}
      </form>
    </details>
  );
}
