import type { UnitStatus } from '../api/inventory';

/**
 * How each status looks: a word and a mark besides the colour, so that it reads without colour too. Light and dark
 * pairs keep the text at AA contrast on its fill.
 */
export const unitStatuses: readonly {
  status: UnitStatus;
  label: string;
  mark: string;
  cell: string;
  fill: string;
}[] = [
  {
    status: 'available',
    label: 'Available',
    mark: '○',
    cell: 'border-emerald-600 bg-emerald-50 text-emerald-900 dark:border-emerald-400 dark:bg-emerald-950 dark:text-emerald-100',
    fill: '#10b981',
  },
  {
    status: 'on_hold',
    label: 'On hold',
    mark: '◔',
    cell: 'border-dashed border-amber-600 bg-amber-50 text-amber-900 dark:border-amber-400 dark:bg-amber-950 dark:text-amber-100',
    fill: '#f59e0b',
  },
  {
    status: 'reserved',
    label: 'Reserved',
    mark: '◑',
    cell: 'border-double border-sky-700 bg-sky-50 text-sky-900 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-100',
    fill: '#0284c7',
  },
  {
    status: 'sold',
    label: 'Sold',
    mark: '●',
    cell: 'border-slate-600 bg-slate-200 text-slate-900 line-through dark:border-slate-400 dark:bg-slate-700 dark:text-slate-100',
    fill: '#64748b',
  },
];

const byStatus = new Map(unitStatuses.map((entry) => [entry.status, entry]));

export function statusLook(status: UnitStatus) {
  return byStatus.get(status) ?? unitStatuses[0]!;
}

export const statusLabel = (status: UnitStatus) => statusLook(status).label;

export function isUnitStatus(value: unknown): value is UnitStatus {
  return typeof value === 'string' && byStatus.has(value as UnitStatus);
}
