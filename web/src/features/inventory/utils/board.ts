import type { Availability, BoardUnit, StatusCounts, UnitStatus } from '../api/inventory';
import { isUnitStatus } from './status';

export interface BoardFloor {
  floor: number | null;
  units: BoardUnit[];
}

export interface BoardBuilding {
  building: string | null;
  floors: BoardFloor[];
}

// One collator for every comparison: localeCompare with options builds one per call, which made sorting a board of
// 1,000 units take about 50 ms.
const natural = new Intl.Collator(undefined, { numeric: true });
const byCode = (a: BoardUnit, b: BoardUnit) => natural.compare(a.code, b.code);

function floorOf(unit: BoardUnit): number | null {
  return unit.floor === null || unit.floor === '' ? null : Number(unit.floor);
}

/**
 * The board's grid: buildings by name (units without one last), each with its floors from the top down (units
 * without a floor at the bottom) and each floor's units by code. Unit objects are passed through untouched, so
 * that a cell whose unit did not change keeps the same props.
 */
export function boardGrid(availability: Availability): BoardBuilding[] {
  const buildings = new Map<string | null, Map<number | null, BoardUnit[]>>();
  for (const floor of availability.floors) {
    for (const unit of floor.units) {
      const building = unit.building ?? null;
      let floors = buildings.get(building);
      if (!floors) buildings.set(building, (floors = new Map<number | null, BoardUnit[]>()));
      const level = floorOf(unit);
      let units = floors.get(level);
      if (!units) floors.set(level, (units = []));
      units.push(unit);
    }
  }
  const nullsLast =
    <T>(compare: (a: T, b: T) => number) =>
    (a: T | null, b: T | null) =>
      a === null ? (b === null ? 0 : 1) : b === null ? -1 : compare(a, b);
  return [...buildings.entries()]
    .sort(([a], [b]) => nullsLast<string>(natural.compare)(a, b))
    .map(([building, floors]) => ({
      building,
      floors: [...floors.entries()]
        .sort(([a], [b]) => nullsLast<number>((x, y) => y - x)(a, b))
        .map(([floor, units]) => ({ floor, units: units.sort(byCode) })),
    }));
}

const countKey: Record<UnitStatus, keyof StatusCounts> = {
  available: 'available',
  on_hold: 'onHold',
  reserved: 'reserved',
  sold: 'sold',
};

function moveCount(counts: StatusCounts, from: UnitStatus, to: UnitStatus): StatusCounts {
  if (from === to) return counts;
  return {
    ...counts,
    [countKey[from]]: Number(counts[countKey[from]]) - 1,
    [countKey[to]]: Number(counts[countKey[to]]) + 1,
  };
}

/** What the board needs of a unit.status_changed or unit.hold_extended event's data. */
export interface UnitStatusEvent {
  id: string;
  projectId: string;
  status: UnitStatus;
  heldBy: BoardUnit['heldBy'];
  holdExpiresAt: BoardUnit['holdExpiresAt'];
}

/** The event's data, if it is a unit status change the board can apply. */
export function unitStatusEvent(data: unknown): UnitStatusEvent | null {
  if (typeof data !== 'object' || data === null) return null;
  const value = data as Record<string, unknown>;
  if (typeof value.id !== 'string' || typeof value.projectId !== 'string' || !isUnitStatus(value.status))
    return null;
  return {
    id: value.id,
    projectId: value.projectId,
    status: value.status,
    heldBy: (value.heldBy as BoardUnit['heldBy'] | undefined) ?? null,
    holdExpiresAt: value.holdExpiresAt ?? null,
  };
}

/**
 * The board with one unit's new status applied: only that unit, its floor and the counts are new objects, every
 * other unit stays the same object (so its memoised cell does not render again). A unit the board does not show
 * gives back the board as it was, as does an event that changes nothing.
 */
export function applyUnitEvent(availability: Availability, event: UnitStatusEvent): Availability {
  if (event.projectId !== availability.projectId) return availability;
  for (let f = 0; f < availability.floors.length; f++) {
    const floor = availability.floors[f]!;
    const index = floor.units.findIndex((unit) => unit.id === event.id);
    if (index < 0) continue;
    const before = floor.units[index]!;
    if (
      before.status === event.status &&
      before.holdExpiresAt === event.holdExpiresAt &&
      JSON.stringify(before.heldBy) === JSON.stringify(event.heldBy)
    ) {
      return availability;
    }
    const unit: BoardUnit = {
      ...before,
      status: event.status,
      heldBy: event.heldBy,
      holdExpiresAt: event.holdExpiresAt,
    };
    const units = floor.units.slice();
    units[index] = unit;
    const floors = availability.floors.slice();
    floors[f] = { ...floor, units, counts: moveCount(floor.counts, before.status, event.status) };
    const typeCodes = availability.byTypeCode.map((entry) =>
      entry.typeCode === unit.typeCode
        ? { ...entry, counts: moveCount(entry.counts, before.status, event.status) }
        : entry,
    );
    return {
      ...availability,
      counts: moveCount(availability.counts, before.status, event.status),
      byTypeCode: typeCodes,
      floors,
    };
  }
  return availability;
}
