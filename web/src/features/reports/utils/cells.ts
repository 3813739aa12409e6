import type { components } from '@/types/api.gen';

type ColumnKind = components['schemas']['ReportColumnKind'];

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** A report cell as the table shows it, by its column's kind. */
export function formatCell(value: unknown, kind: ColumnKind): string {
  if (value === null || value === undefined || value === '') return '—';
  switch (kind) {
    case 'count':
      return count.format(Number(value));
    case 'amount':
      return decimal.format(Number(value));
    case 'percent':
      return `${percent.format(Number(value))} %`;
    case 'date':
      // A day (yyyy-mm-dd) is shown as that day, not moved by the browser's time zone.
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? new Date(`${value}T00:00:00`).toLocaleDateString()
        : typeof value === 'string'
          ? new Date(value).toLocaleDateString()
          : '—';
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** The chart's bars: the value column summed per label, in the order labels first appear (as the PDF draws them). */
export function chartBars(
  rows: Record<string, unknown>[],
  label: string,
  value: string,
  labelKind: ColumnKind,
) {
  const bars: { label: string; value: number }[] = [];
  for (const row of rows) {
    const name = formatCell(row[label], labelKind);
    const amount = Number(row[value] ?? 0) || 0;
    const existing = bars.find((bar) => bar.label === name);
    if (existing) existing.value += amount;
    else bars.push({ label: name, value: amount });
  }
  return bars;
}
