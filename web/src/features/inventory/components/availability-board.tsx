import { memo, useMemo } from 'react';
import type { Availability, BoardUnit } from '../api/inventory';
import { boardGrid } from '../utils/board';
import { statusLook } from '../utils/status';
import './unit-status.css';

/**
 * One unit on the board. Memoised on its unit object and selection: a live event replaces only the unit it names,
 * so only that cell renders again.
 */
const UnitCell = memo(function UnitCell({
  unit,
  selected,
  onSelect,
}: {
  unit: BoardUnit;
  selected: boolean;
  onSelect: (id: string) => void;
}) {
  const look = statusLook(unit.status);
  // One element a cell (see .board-cell): the button's aria-label is what assistive technology reads.
  return (
    <button
      type="button"
      aria-pressed={selected}
      aria-label={`Unit ${unit.code}, ${look.label}`}
      data-status={unit.status}
      data-unit={unit.id}
      data-label={`${look.mark} ${look.label}`}
      onClick={() => onSelect(unit.id)}
      className="board-cell unit-status"
    >
      {unit.code}
    </button>
  );
});

/** The availability board: a grid of buildings and their floors, each unit a cell showing its status. */
export function AvailabilityBoard({
  availability,
  selectedId,
  onSelect,
}: {
  availability: Availability;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const buildings = useMemo(() => boardGrid(availability), [availability]);
  if (buildings.length === 0) return <p>This project has no units yet.</p>;
  return (
    <div className="space-y-6">
      {buildings.map(({ building, floors }) => {
        const name = building === null ? 'No building' : `Building ${building}`;
        return (
          // content-visibility: a building out of view is neither laid out nor painted until it scrolls near (its
          // cells stay in the page and its accessibility tree).
          <section
            key={building ?? ''}
            aria-label={name}
            className="space-y-2 [contain-intrinsic-size:auto_48rem] [content-visibility:auto]"
          >
            <h2 className="text-lg font-semibold">{name}</h2>
            {floors.map(({ floor, units }) => {
              const floorName = floor === null ? 'No floor' : `Floor ${String(floor)}`;
              return (
                <div key={floor ?? 'none'} className="flex items-start gap-3">
                  <h3 className="w-20 shrink-0 pt-2 text-sm font-medium text-slate-700 dark:text-slate-300">
                    {floorName}
                  </h3>
                  <div role="group" aria-label={`${name}, ${floorName}`} className="flex flex-wrap gap-2">
                    {units.map((unit) => (
                      <UnitCell
                        key={unit.id}
                        unit={unit}
                        selected={unit.id === selectedId}
                        onSelect={onSelect}
                      />
                    ))}
                  </div>
                </div>
              );
            })}
          </section>
        );
      })}
    </div>
  );
}
