import type { ReactNode } from 'react';
import { cellClass, headCellClass, linkButtonClass, tableClass } from './editor-panel';

/** One column of a settings list: its heading and what a row shows in it. */
export type Column<T> = { header: string; cell: (row: T) => ReactNode };

/** The "Edit" link of a record; its accessible name says which record, as the pages' tests look it up by that. */
export function EditButton({ name, onClick }: { name: string; onClick: () => void }) {
  return (
    <button type="button" className={linkButtonClass} aria-label={`Edit ${name}`} onClick={onClick}>
      Edit
    </button>
  );
}

/**
 * A settings list as a table. With `onEdit`, a last column (headed for screen readers only) holds each row's Edit
 * link, named after `rowName`. With `empty`, no rows show that sentence instead of a table with no body.
 */
export function RecordTable<T>({
  columns,
  rows,
  rowKey,
  rowName,
  onEdit,
  empty,
}: {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  rowName?: (row: T) => string;
  onEdit?: (row: T) => void;
  empty?: ReactNode;
}) {
  if (rows.length === 0 && empty !== undefined) {
    return <p className="text-slate-600 dark:text-slate-400">{empty}</p>;
  }
  return (
    <table className={tableClass}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.header} className={headCellClass}>
              {column.header}
            </th>
          ))}
          {onEdit && (
            <th className={headCellClass}>
              <span className="sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((column) => (
              <td key={column.header} className={cellClass}>
                {column.cell(row)}
              </td>
            ))}
            {onEdit && (
              <td className={cellClass}>
                <EditButton name={(rowName ?? rowKey)(row)} onClick={() => onEdit(row)} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
