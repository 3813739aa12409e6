import type { UnitStatus } from '../api/inventory';

/**
 * How each status looks: a word and a mark besides the colour, so that it reads without colour too. The colours of
 * cells, legend and badges are in ../components/unit-status.css, by data-status; `fill` is the map's.
 */
export const unitStatuses: readonly {
  status: UnitStatus;
  label: string;
  mark: string;
  fill: string;
}[] = [
  {
    status: 'available',
    label: 'Available',
    mark: '○',
    fill: '#10b981',
  },
  {
    status: 'on_hold',
    label: 'On hold',
    mark: '◔',
    fill: '#f59e0b',
  },
  {
    status: 'reserved',
    label: 'Reserved',
    mark: '◑',
    fill: '#0284c7',
  },
  {
    status: 'sold',
    label: 'Sold',
    mark: '●',
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
