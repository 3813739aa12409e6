import type { Availability, BoardUnit } from '../api/inventory';
import type { UnitStatusEvent } from '../utils/board';

/** A unit of type 2BR in project p1, with the id `id-<code>`. */
export const unit = (
  code: string,
  building: string | null,
  floor: number | null,
  status: BoardUnit['status'] = 'available',
): BoardUnit => ({
  id: `id-${code}`,
  code,
  typeCode: '2BR',
  building,
  floor,
  status,
  listPrice: { amount: 100, currency: 'USD' },
  heldBy: null,
  holdExpiresAt: null,
});

const available = (total: number) => ({ total, available: total, onHold: 0, reserved: 0, sold: 0 });

/** Project p1's board of these units (counted as all available), on one floor row as the API sends them. */
export function board(units: BoardUnit[]): Availability {
  return {
    projectId: 'p1',
    counts: available(units.length),
    byTypeCode: [{ typeCode: '2BR', counts: available(units.length) }],
    floors: [{ floor: null, counts: available(units.length), units }],
  };
}

/** The unit.status_changed of deal d1 holding the unit of this code. */
export const heldEvent = (code: string): UnitStatusEvent => ({
  id: `id-${code}`,
  projectId: 'p1',
  status: 'on_hold',
  heldBy: { type: 'deal', id: 'd1' },
  holdExpiresAt: '2030-01-01T00:00:00Z',
});
