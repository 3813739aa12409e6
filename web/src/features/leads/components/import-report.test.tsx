import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ImportReportView } from './import-report';

describe('the import report', () => {
  it('counts what was imported and lists each row left out, in row order, with its reason', () => {
    render(
      <ImportReportView
        report={{
          imported: 3,
          skipped: 1,
          errors: [
            { row: 5, message: 'name: Required.' },
            { row: 2, message: 'email: Not an email address.' },
          ],
          skippedRows: [{ row: 4, message: 'Duplicate of an open lead.' }],
          ignoredColumns: ['favourite colour'],
          errorCount: 2,
        }}
      />,
    );

    expect(screen.getByRole('status')).toHaveTextContent('Imported 3, skipped 1, 2 with errors.');
    expect(screen.getByText('Columns ignored: favourite colour.')).toBeInTheDocument();
    const rows = within(screen.getByRole('table', { name: 'Rows not imported' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      '2Erroremail: Not an email address.',
      '4SkippedDuplicate of an open lead.',
      '5Errorname: Required.',
    ]);
  });

  it('shows no table when every row went in', () => {
    render(
      <ImportReportView
        report={{ imported: 2, skipped: 0, errors: [], skippedRows: [], ignoredColumns: [] }}
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Imported 2, skipped 0.');
    expect(screen.queryByRole('table')).toBeNull();
  });
});
