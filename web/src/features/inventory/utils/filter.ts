import type { Unit, UnitFilter } from '../api/inventory';

/**
 * Whether a unit is in the building and on the floor the filter names (if it names them): the server filters
 * units by project, status, type and price, not by place, so the list leaves out the others itself.
 */
export function matchesPlace(unit: Pick<Unit, 'building' | 'floor'>, filter: UnitFilter): boolean {
  if (
    filter.building &&
    (unit.building ?? '').trim().toLowerCase() !== filter.building.trim().toLowerCase()
  ) {
    return false;
  }
  if (filter.floor && (unit.floor === null || Number(unit.floor) !== Number(filter.floor))) return false;
  return true;
}
